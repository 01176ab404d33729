package storekit_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

func upsert(opID, id string) core.Op {
	return core.Op{OpID: opID, Kind: "k", EntityID: id, Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"` + id + `"}`)}
}

func write(opID, id string) core.LocalWrite {
	return core.LocalWrite{Kind: "k", ID: id, OpID: opID, Data: core.RawJSON(`{"id":"` + id + `"}`)}
}

func TestChecks(t *testing.T) {
	rec := func(kind, id, data string) *core.Record {
		return &core.Record{Kind: kind, ID: id, Data: core.RawJSON(data)}
	}
	cases := []struct {
		name string
		err  error
		want string // "" when valid, else a part of the message
	}{
		{"writes ok", storekit.CheckWrites([]core.LocalWrite{write("o1", "a"), write("o2", "a")}), ""},
		{"write op id twice", storekit.CheckWrites([]core.LocalWrite{write("o1", "a"), write("o1", "b")}), "op id o1 used twice"},
		{"write invalid", storekit.CheckWrites([]core.LocalWrite{write("", "a")}), "op"},
		{"ops ok", storekit.CheckOps([]core.Op{upsert("o1", "a"), upsert("o2", "b")}), ""},
		{"op id twice", storekit.CheckOps([]core.Op{upsert("o1", "a"), upsert("o1", "b")}), "op id o1 used twice"},
		{"op invalid", storekit.CheckOps([]core.Op{{OpID: "o1", Kind: "k", EntityID: "a", Type: "move"}}), "type"},
		{"acks ok", storekit.CheckAcks([]core.Ack{{Op: upsert("o1", "a"), Server: rec("k", "a", `{"id":"a"}`)}, {Op: upsert("o2", "b")}}), ""},
		{"ack without op id", storekit.CheckAcks([]core.Ack{{Op: upsert("", "a")}}), "without op id"},
		{"ack of another id", storekit.CheckAcks([]core.Ack{{Op: upsert("o1", "a"), Server: rec("k", "b", `{"id":"b"}`)}}), "differs"},
		{"ack on its entity", storekit.AckOnEntity(core.Ack{Op: upsert("o1", "a")}, upsert("o1", "a")), ""},
		{"ack on another entity", storekit.AckOnEntity(core.Ack{Op: upsert("o1", "a")}, upsert("o1", "b")), "op o1 is on k/b, ack says k/a"},
		{"resolve ok", storekit.CheckResolve(upsert("o1", "a"), rec("k", "a", `{"id":"a"}`)), ""},
		{"resolve without local", storekit.CheckResolve(upsert("o1", "a"), nil), ""},
		{"resolve invalid op", storekit.CheckResolve(upsert("", "a"), nil), "op"},
		{"resolve local of another entity", storekit.CheckResolve(upsert("o1", "a"), rec("k", "b", `{"id":"b"}`)), "is not the op's entity"},
		{"resolve local not an object", storekit.CheckResolve(upsert("o1", "a"), rec("k", "a", `[1]`)), "object"},
		{"resolve on its entity", storekit.ResolveOnEntity(upsert("o1", "a"), upsert("o1", "a")), ""},
		{"resolve on another entity", storekit.ResolveOnEntity(upsert("o1", "a"), upsert("o1", "b")), "op o1 is on k/b, not k/a"},
		{"page ok", storekit.CheckPage("k", []core.Record{*rec("k", "a", `{"id":"a"}`)}), ""},
		{"page of a bad kind", storekit.CheckPage("", nil), "kind"},
		{"page item of another kind", storekit.CheckPage("k", []core.Record{*rec("j", "a", `{"id":"a"}`)}), "j"},
		{"parked ok", storekit.CheckParked([]core.ParkedOp{{Op: upsert("o1", "a")}}), ""},
		{"parked without op id", storekit.CheckParked([]core.ParkedOp{{Op: upsert("", "a")}}), "without op id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.want == "" {
				require.NoError(t, c.err)
				return
			}
			require.Error(t, c.err)
			require.True(t, errors.Is(c.err, core.ErrInvalid), "%v", c.err)
			require.ErrorContains(t, c.err, c.want)
		})
	}
}
