//go:build js && wasm

package idbstore

import (
	"context"
	"fmt"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
	"github.com/offsync/offsync/memstore"
)

// spyAhead wraps the store's H.writeAhead to count its calls and its refutations (an add that
// fails on an existing row or op id, or a report of -1: a parked op id).
func spyAhead(s *Store) js.Value {
	spy := jsFunc("f", `const w = (tx, a, cb) => {
		w.calls++;
		w.lastParked = a.parked;
		tx.addEventListener('abort', () => { if (tx.error && tx.error.name === 'ConstraintError') w.refuted++; });
		return f(tx, a, (tag, ok, v) => { if (tag === 0 && ok && v === -1) w.refuted++; cb(tag, ok, v); });
	};
	w.calls = 0; w.refuted = 0;
	return w;`).Invoke(s.js.writeAhead)
	s.js.writeAhead = spy
	return spy
}

func TestWriteAheadOfACreate(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	s := openAt(t, name)
	spy := spyAhead(s)

	res, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","v":1}`, "op-1")})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Pending)
	assert.Equal(t, []core.Record{rec("note", "a", `{"id":"a","v":1}`)}, res.Records)
	assert.Equal(t, 1, spy.Get("calls").Int(), "written ahead")
	assert.Equal(t, 0, spy.Get("refuted").Int())
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 1)
	assert.Equal(t, core.Op{Seq: ops[0].Seq, OpID: "op-1", Kind: "note", EntityID: "a", Type: core.OpUpsert,
		Payload: []byte(`{"id":"a","v":1}`), LocalTimestamp: 1}, ops[0])
	checkCount(t, s)

	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","v":2}`, "op-2")})
	require.NoError(t, err)
	assert.Equal(t, 1, spy.Get("calls").Int(), "a written entity's next write reads first")
	ops, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 1, "coalesced")
	assert.JSONEq(t, `{"id":"a","v":2}`, string(ops[0].Payload))

	res, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "b", `{"id":"b"}`, "op-3"), upsert("note", "c", `{"id":"c"}`, "op-4")})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Pending)
	assert.Equal(t, 1, spy.Get("calls").Int(), "several writes read first")
}

// TestWriteAheadRefuted sets up, through a second Store on the same database (another tab, so
// the store under test has no memory of it), each state a write ahead must not stand on, then
// writes one record: the write is refuted and made from what is stored, as memstore makes it
// after the same calls. An op id pending on another entity fails the write ahead itself.
func TestWriteAheadRefuted(t *testing.T) {
	w := func(id, body, opID string) []core.LocalWrite {
		return []core.LocalWrite{upsert("note", id, body, opID)}
	}
	cases := []struct {
		name    string
		setup   func(context.Context, core.Store) error
		write   []core.LocalWrite
		refuted int
	}{
		{"a synced record", func(ctx context.Context, s core.Store) error {
			r := rec("note", "a", `{"id":"a","v":1,"w":1}`)
			r.UpdatedAt = "v1"
			_, err := s.ApplyPage(ctx, "note", []core.Record{r}, core.Cursor{UpdatedAt: "v1", ID: "a"})
			return err
		}, w("a", `{"id":"a","v":2,"w":1}`, "op-2"), 1},
		{"a tombstone", func(ctx context.Context, s core.Store) error {
			r := rec("note", "a", `{"id":"a"}`)
			r.UpdatedAt, r.Deleted = "v1", true
			_, err := s.ApplyPage(ctx, "note", []core.Record{r}, core.Cursor{UpdatedAt: "v1", ID: "a"})
			return err
		}, w("a", `{"id":"a","v":2}`, "op-2"), 1},
		{"an op pending from another tab", func(ctx context.Context, s core.Store) error {
			_, err := s.WriteLocal(ctx, w("a", `{"id":"a","v":1}`, "op-1"))
			return err
		}, w("a", `{"id":"a","v":2}`, "op-2"), 1},
		{"an enqueued op without a record", func(ctx context.Context, s core.Store) error {
			_, err := s.Enqueue(ctx, []core.Op{{OpID: "op-1", Kind: "note", EntityID: "a", Type: core.OpDelete}})
			return err
		}, w("a", `{"id":"a","v":2}`, "op-2"), 1},
		{"a parked op id", func(ctx context.Context, s core.Store) error {
			if _, err := s.WriteLocal(ctx, w("b", `{"id":"b"}`, "op-p")); err != nil {
				return err
			}
			return s.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "op-p"}, Status: 400, Reason: "refused"}})
		}, w("a", `{"id":"a"}`, "op-p"), 1},
		{"an op id pending on another entity", func(ctx context.Context, s core.Store) error {
			_, err := s.WriteLocal(ctx, w("b", `{"id":"b"}`, "op-x"))
			return err
		}, w("a", `{"id":"a"}`, "op-x"), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			name := freshName(t)
			other := openAt(t, name)
			mem := memstore.New()
			require.NoError(t, c.setup(ctx, other))
			require.NoError(t, c.setup(ctx, mem))
			s := openAt(t, name)
			spy := spyAhead(s)

			gotM, errM := mem.WriteLocal(ctx, c.write)
			gotI, errI := s.WriteLocal(ctx, c.write)
			require.Equal(t, core.CodeOf(errM), core.CodeOf(errI), "idb err %v, mem err %v", errI, errM)
			assert.Equal(t, gotM, gotI)
			assert.Equal(t, storetest.State(ctx, t, mem), storetest.State(ctx, t, s))
			checkCount(t, s)
			assert.Equal(t, 1, spy.Get("calls").Int(), "written ahead")
			assert.Equal(t, c.refuted, spy.Get("refuted").Int())
		})
	}
}

// TestTwoTabsCreateTheSameEntity: two Stores (tabs) write the same new entity at once, each
// ahead as a create. One row's add wins; the other fails on it, is made again reading first
// and coalesces into the winner's op: one pending op for the entity, one row, the last write's
// data, whichever order the two commit in.
func TestTwoTabsCreateTheSameEntity(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	a, b := openAt(t, name), openAt(t, name)
	spyA, spyB := spyAhead(a), spyAhead(b)
	type res struct {
		r   core.WriteResult
		err error
	}
	done := make(chan res, 2)
	for i, s := range []*Store{a, b} {
		go func() {
			r, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "x", fmt.Sprintf(`{"id":"x","by":%d}`, i), fmt.Sprintf("op-%d", i))})
			done <- res{r, err}
		}()
	}
	for range 2 {
		r := <-done
		require.NoError(t, r.err)
	}
	assert.Equal(t, 2, spyA.Get("calls").Int()+spyB.Get("calls").Int(), "both written ahead")
	assert.Equal(t, 1, spyA.Get("refuted").Int()+spyB.Get("refuted").Int(), "one refuted")
	ops, err := a.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 1, "coalesced into one op")
	got, ok, err := a.Get(ctx, "note", "x")
	require.NoError(t, err)
	require.True(t, ok)
	assert.JSONEq(t, string(got.Data), string(ops[0].Payload), "the op carries the record's last data")
	raw := readRaw(t, name)
	assert.Len(t, raw.Rows, 1)
	assert.Len(t, raw.Ops, 1)
}
