//go:build js && wasm

package idbstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestKnownOpIDsRefused covers each way a local write's op id can meet an op id already pending:
// on its own entity (found by the load), on another entity when the new op is added (the unique
// opId index aborts the transaction), and when it is not added (coalesced or cancelled: an
// explicit check). Each refusal is invalid and leaves the store as it was.
func TestKnownOpIDsRefused(t *testing.T) {
	seed := []core.LocalWrite{
		upsert("note", "a", `{"id":"a"}`, "op-a"),
		upsert("note", "b", `{"id":"b"}`, "op-b"),
	}
	cases := []struct {
		name string
		call func(ctx context.Context, s *Store) error
	}{
		{"same entity", func(ctx context.Context, s *Store) error {
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","v":2}`, "op-a")})
			return err
		}},
		{"other entity, appended", func(ctx context.Context, s *Store) error {
			_, err := s.WriteLocal(ctx, []core.LocalWrite{
				upsert("note", "fresh", `{"id":"fresh"}`, "op-new"),
				upsert("note", "c", `{"id":"c"}`, "op-a"),
			})
			return err
		}},
		{"other entity, coalesced", func(ctx context.Context, s *Store) error {
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "b", `{"id":"b","v":2}`, "op-a")})
			return err
		}},
		{"other entity, cancelled in the call", func(ctx context.Context, s *Store) error {
			del := upsert("note", "c", "", "op-a")
			del.Data, del.Delete = nil, true
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "c", `{"id":"c"}`, "op-new"), del})
			return err
		}},
		{"Enqueue, other entity, appended", func(ctx context.Context, s *Store) error {
			_, err := s.Enqueue(ctx, []core.Op{{OpID: "op-b", Kind: "note", EntityID: "c", Type: core.OpDelete}})
			return err
		}},
		{"Enqueue, other entity, coalesced", func(ctx context.Context, s *Store) error {
			_, err := s.Enqueue(ctx, []core.Op{{OpID: "op-b", Kind: "note", EntityID: "a", Type: core.OpUpsert,
				Payload: []byte(`{"id":"a","v":3}`)}})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openFresh(t)
			ctx := testCtx(t)
			_, err := s.WriteLocal(ctx, seed)
			require.NoError(t, err)
			before := snap(t, s, "note")

			err = tc.call(ctx, s)
			require.ErrorIs(t, err, core.ErrInvalid)
			assert.Equal(t, before, snap(t, s, "note"), "a refused call changes nothing")

			_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "d", `{"id":"d"}`, "op-d")})
			require.NoError(t, err, "the store works on after the refusal")
		})
	}
}

// TestParkedOpIDRefusedInBatch covers the batch path of the parked check (a count first, then
// one lookup per id), which single writes skip.
func TestParkedOpIDRefusedInBatch(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a"}`, "op-a")})
	require.NoError(t, err)
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: ops[0]}}))
	before := snap(t, s, "note")

	_, err = s.WriteLocal(ctx, []core.LocalWrite{
		upsert("note", "b", `{"id":"b"}`, "op-b"),
		upsert("note", "c", `{"id":"c"}`, "op-a"),
	})
	require.ErrorIs(t, err, core.ErrInvalid)
	assert.Equal(t, before, snap(t, s, "note"))
}

// TestWriteFindsStoredState checks that a write batch finds its entities' stored records and
// pending ops both when one range read over the batch's ids serves (close ids) and when that
// range holds too many other entries and each entity is read on its own.
func TestWriteFindsStoredState(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	const n = 100
	synced := make([]core.Record, n)
	writes := make([]core.LocalWrite, n)
	for i := range writes {
		id := fmt.Sprintf("e%03d", i)
		synced[i] = rec("note", "s"+id, `{"id":"s`+id+`"}`)
		synced[i].UpdatedAt = "v1"
		writes[i] = upsert("note", id, `{"id":"`+id+`"}`, "op-1-"+id)
	}
	_, err := s.ApplyPage(ctx, "note", synced, core.Cursor{UpdatedAt: "v1", ID: synced[n-1].ID})
	require.NoError(t, err)
	_, err = s.WriteLocal(ctx, writes)
	require.NoError(t, err)

	// Batches of two close ids read one range; two far apart cover 100 entries and read each.
	for _, prefix := range []string{"", "s"} {
		for _, ids := range [][]string{{"e010", "e011"}, {"e000", "e099"}} {
			var batch []core.LocalWrite
			for _, id := range ids {
				id = prefix + id
				batch = append(batch, upsert("note", id, `{"id":"`+id+`","v":2}`, "op-2-"+id))
			}
			res, err := s.WriteLocal(ctx, batch)
			require.NoError(t, err)
			if prefix == "s" {
				for _, r := range res.Records {
					assert.Equal(t, "v1", r.UpdatedAt, "the synced record %s was found", r.ID)
				}
			}
		}
	}
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, n+4, "every second write of e... coalesced into its entity's pending op")
	for _, i := range []int{0, 10, 11, 99} {
		assert.Equal(t, fmt.Sprintf("op-1-e%03d", i), ops[i].OpID)
		assert.JSONEq(t, fmt.Sprintf(`{"id":"e%03d","v":2}`, i), string(ops[i].Payload))
	}
	assert.JSONEq(t, `{"id":"e050"}`, string(ops[50].Payload))
	for _, o := range ops[n:] {
		assert.Equal(t, "v1", o.BaseUpdatedAt, "op %s is based on the synced record", o.OpID)
	}
}
