//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/require"
)

// Outbox ops cross framed (opframe.go) unless a string holds a separator; both ways must give
// back exactly what was stored: nil and empty changed lists, absent payloads, every flag.
func TestOpsRoundTripFramedAndNot(t *testing.T) {
	cases := map[string][]core.Op{
		"framed": {
			{OpID: "o1", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: json.RawMessage(`{"id":"a","t":"x\u001ey"}`), ChangedFields: nil, LocalTimestamp: 7},
			{OpID: "o2", Kind: "note", EntityID: "b", Type: core.OpUpsert, Payload: json.RawMessage(`{"id":"b"}`), ChangedFields: []string{}, BaseUpdatedAt: "v1", Attempt: 2, Force: true},
			{OpID: "o3", Kind: "note", EntityID: "c", Type: core.OpDelete, ChangedFields: []string{"a", "b c", ""}},
		},
		"a field name with a separator": {
			{OpID: "o4", Kind: "note", EntityID: "d", Type: core.OpUpsert, Payload: json.RawMessage(`{"id":"d"}`), ChangedFields: []string{"x\x1dy"}},
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

			ids := make([]string, len(ops))
			for i, o := range stored {
				ids[len(ops)-1-i] = o.OpID
			}
			marked, err := s.MarkInFlight(ctx, append(ids, "unknown"))
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
