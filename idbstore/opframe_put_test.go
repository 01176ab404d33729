//go:build js && wasm

package idbstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/memstore"
)

// Ops written framed (opframe_put.go) or, when they cannot be, as JSON must be stored exactly as
// memstore keeps them: new and replaced ops, nil, empty and given changed lists, flags.
func TestOpsWrittenFramedAndNot(t *testing.T) {
	withChanged := func(w core.LocalWrite, fields ...string) core.LocalWrite {
		w.ChangedFields, w.ChangedGiven = fields, true
		return w
	}
	cases := []struct {
		name string
		run  func(ctx context.Context, s core.Store) error
	}{
		{"framed: new, coalesced, given changed lists", func(ctx context.Context, s core.Store) error {
			if _, err := s.WriteLocal(ctx, []core.LocalWrite{
				upsert("note", "a", `{"id":"a","t":"x\u001ey"}`, "op-a"),
				withChanged(upsert("note", "b", `{"id":"b"}`, "op-b"), "x", "y z", ""),
				withChanged(upsert("note", "c", `{"id":"c"}`, "op-c")),
			}); err != nil {
				return err
			}
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","t":2}`, "op-a2")})
			return err
		}},
		{"the single empty changed name", func(ctx context.Context, s core.Store) error {
			_, err := s.WriteLocal(ctx, []core.LocalWrite{withChanged(upsert("note", "d", `{"id":"d"}`, "op-d"), "")})
			return err
		}},
		{"an id with a separator", func(ctx context.Context, s core.Store) error {
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "e\x1fe", `{"id":"e\u001fe"}`, "op-e")})
			return err
		}},
		{"a resolved op keeps base, attempt and force", func(ctx context.Context, s core.Store) error {
			if _, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "f", `{"id":"f"}`, "op-f")}); err != nil {
				return err
			}
			ops, err := s.Outbox(ctx, 0)
			if err != nil {
				return err
			}
			o := ops[0]
			o.Payload, o.BaseUpdatedAt, o.Attempt, o.Force = core.RawJSON(`{"id":"f","m":1}`), "v1", 2, true
			o.ChangedFields = []string{"m"}
			return s.Resolve(ctx, o, nil, false)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			idb, mem := openFresh(t), memstore.New()
			require.NoError(t, tc.run(ctx, mem))
			require.NoError(t, tc.run(ctx, idb))
			want, err := mem.Outbox(ctx, 0)
			require.NoError(t, err)
			got, err := idb.Outbox(ctx, 0)
			require.NoError(t, err)
			// Seqs are compared by their order (idbstore's come from a clock).
			for i := range got {
				if i > 0 {
					require.Less(t, got[i-1].Seq, got[i].Seq)
				}
				got[i].Seq, want[i].Seq = 0, 0
			}
			require.Equal(t, want, got)
		})
	}
}
