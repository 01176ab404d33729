package storekit

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

func anUpsert(opID, id string) core.Op {
	return core.Op{OpID: opID, Kind: "k", EntityID: id, Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"` + id + `"}`)}
}

func aWrite(opID, id string) core.LocalWrite {
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
		{"writes ok", checkWrites([]core.LocalWrite{aWrite("o1", "a"), aWrite("o2", "a")}), ""},
		{"write op id twice", checkWrites([]core.LocalWrite{aWrite("o1", "a"), aWrite("o1", "b")}), "op id o1 used twice"},
		{"write invalid", checkWrites([]core.LocalWrite{aWrite("", "a")}), "op"},
		{"ops ok", checkOps([]core.Op{anUpsert("o1", "a"), anUpsert("o2", "b")}), ""},
		{"op id twice", checkOps([]core.Op{anUpsert("o1", "a"), anUpsert("o1", "b")}), "op id o1 used twice"},
		{"op invalid", checkOps([]core.Op{{OpID: "o1", Kind: "k", EntityID: "a", Type: "move"}}), "type"},
		{"acks ok", checkAcks([]core.Ack{{Op: anUpsert("o1", "a"), Server: rec("k", "a", `{"id":"a"}`)}, {Op: anUpsert("o2", "b")}}), ""},
		{"ack without op id", checkAcks([]core.Ack{{Op: anUpsert("", "a")}}), "without op id"},
		{"ack of another id", checkAcks([]core.Ack{{Op: anUpsert("o1", "a"), Server: rec("k", "b", `{"id":"b"}`)}}), "differs"},
		{"ack of a record not shaped as an object", checkAcks([]core.Ack{{Op: anUpsert("o1", "a"), Server: rec("k", "a", `[1]`)}}), "not a JSON object"},
		{"ack on its entity", AckOnEntity(core.Ack{Op: anUpsert("o1", "a")}, anUpsert("o1", "a")), ""},
		{"ack on another entity", AckOnEntity(core.Ack{Op: anUpsert("o1", "a")}, anUpsert("o1", "b")), "op o1 is on k/b, ack says k/a"},
		{"resolve ok", checkResolve(anUpsert("o1", "a"), rec("k", "a", `{"id":"a"}`)), ""},
		{"resolve without local", checkResolve(anUpsert("o1", "a"), nil), ""},
		{"resolve invalid op", checkResolve(anUpsert("", "a"), nil), "op"},
		{"resolve local of another entity", checkResolve(anUpsert("o1", "a"), rec("k", "b", `{"id":"b"}`)), "is not the op's entity"},
		{"resolve local not an object", checkResolve(anUpsert("o1", "a"), rec("k", "a", `[1]`)), "object"},
		{"resolve on its entity", ResolveOnEntity(anUpsert("o1", "a"), anUpsert("o1", "a")), ""},
		{"resolve on another entity", ResolveOnEntity(anUpsert("o1", "a"), anUpsert("o1", "b")), "op o1 is on k/b, not k/a"},
		{"page ok", checkPage("k", []core.Record{*rec("k", "a", `{"id":"a"}`)}), ""},
		{"page of a bad kind", checkPage("", nil), "kind"},
		{"page item of another kind", checkPage("k", []core.Record{*rec("j", "a", `{"id":"a"}`)}), "j"},
		{"parked ok", checkParked([]core.ParkedOp{{Op: anUpsert("o1", "a")}}), ""},
		{"parked without op id", checkParked([]core.ParkedOp{{Op: anUpsert("", "a")}}), "without op id"},
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
