//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/require"
)

// Outbox ops cross framed (opframe.go) unless a string holds a separator; both ways must give
// back exactly what was stored: nil and empty changed lists, absent payloads, every flag.
func TestOpsRoundTripFramedAndNot(t *testing.T) {
	cases := map[string][]core.Op{
		"framed": {
			{OpID: "o1", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"a","t":"x\u001ey"}`), ChangedFields: nil, LocalTimestamp: 7},
			{OpID: "o2", Kind: "note", EntityID: "b", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"b"}`), ChangedFields: []string{}, BaseUpdatedAt: "v1", Attempt: 2, Force: true},
			{OpID: "o3", Kind: "note", EntityID: "c", Type: core.OpDelete, ChangedFields: []string{"a", "b c", ""}},
		},
		"a field name with a separator": {
			{OpID: "o4", Kind: "note", EntityID: "d", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"d"}`), ChangedFields: []string{"x\x1dy"}},
		},
		"an id with a separator": {
			{OpID: "o5", Kind: "note", EntityID: "e\x1fe", Type: core.OpDelete},
		},
	}
	for name, ops := range cases {
		t.Run(name, func(t *testing.T) {
			s := openFresh(t)
			ctx := testCtx(t)
			stored, err := s.Enqueue(ctx, ops)
			require.NoError(t, err)
			got, err := s.Outbox(ctx, 0)
			require.NoError(t, err)
			require.Equal(t, stored, got)

			asked := make([]core.Op, len(ops))
			for i, o := range stored {
				asked[len(ops)-1-i] = o
			}
			marked, err := s.MarkInFlight(ctx, append(asked, core.Op{OpID: "unknown"}))
			require.NoError(t, err)
			require.Len(t, marked, len(ops))
			for i, o := range marked {
				want := stored[len(ops)-1-i]
				want.InFlight = true
				require.Equal(t, want, o)
			}
		})
	}
}

// A write reads the entity's record and ops back through the load helper, framed or (when a
// string holds a separator) as JSON; tombstones and coalescing must come out the same either
// way.
func TestLoadFramedAndNot(t *testing.T) {
	for _, id := range []string{"plain", "odd\x1fid"} {
		t.Run(id, func(t *testing.T) {
			s := openFresh(t)
			ctx := testCtx(t)
			quoted, err := json.Marshal(id)
			require.NoError(t, err)
			body := func(n int) string { return fmt.Sprintf(`{"id":%s,"n":%d}`, quoted, n) }
			_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", id, body(1), "op-1")})
			require.NoError(t, err)
			res, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", id, body(2), "op-2")})
			require.NoError(t, err)
			require.Equal(t, 1, res.Pending, "coalesced into the first op, which load read back")
			_, err = s.MarkInFlight(ctx, []core.Op{{OpID: "op-1"}})
			require.NoError(t, err)
			res, err = s.WriteLocal(ctx, []core.LocalWrite{{Kind: "note", ID: id, Delete: true, OpID: "op-3"}})
			require.NoError(t, err)
			require.Equal(t, 2, res.Pending, "a delete behind an in-flight op is appended")
			rec, ok, err := s.Get(ctx, "note", id)
			require.NoError(t, err)
			require.True(t, ok)
			require.True(t, rec.Deleted)

			res, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", id, body(3), "op-4")})
			require.NoError(t, err)
			require.Equal(t, 2, res.Pending, "the upsert after the delete coalesces into it")
			ops, err := s.Outbox(ctx, 0)
			require.NoError(t, err)
			require.Len(t, ops, 2)
			require.True(t, ops[0].InFlight)
			require.JSONEq(t, body(2), string(ops[0].Payload))
			require.Equal(t, core.OpUpsert, ops[1].Type)
			require.JSONEq(t, body(3), string(ops[1].Payload))
		})
	}
}
