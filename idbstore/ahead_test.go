//go:build js && wasm

package idbstore

import (
	"context"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
	"github.com/offsync/offsync/memstore"
)

// spyAhead wraps the store's H.writeAhead to count its calls and its refutations (a report of -1).
func spyAhead(s *Store) js.Value {
	spy := jsFunc("f", `const w = (tx, a, cb) => {
		w.calls++;
		w.lastParked = a.parked;
		return f(tx, a, (tag, ok, v) => { if (tag === 0 && ok && v === -1) w.refuted++; cb(tag, ok, v); });
	};
	w.calls = 0; w.refuted = 0;
	return w;`).Invoke(s.js.writeAhead)
	s.js.writeAhead = spy
	return spy
}

// dropStoredSize deletes the marks store's entry 0 (the stored outbox size) of database name.
const dropStoredSize = `return new Promise((res, rej) => {
	const r = indexedDB.open(name);
	r.onsuccess = () => {
		const tx = r.result.transaction('marks', 'readwrite');
		tx.objectStore('marks').delete(0);
		tx.oncomplete = () => { r.result.close(); res(true); };
		tx.onabort = () => rej(tx.error);
	};
	r.onerror = () => rej(r.error);
});`

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
	assert.Equal(t, 1, readRaw(t, name).Pending)

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
		raw     string // JS run on the database before the write (idbstore only)
		write   []core.LocalWrite
		refuted int
	}{
		{"a synced record", func(ctx context.Context, s core.Store) error {
			r := rec("note", "a", `{"id":"a","v":1,"w":1}`)
			r.UpdatedAt = "v1"
			_, err := s.ApplyPage(ctx, "note", []core.Record{r}, core.Cursor{UpdatedAt: "v1", ID: "a"})
			return err
		}, "", w("a", `{"id":"a","v":2,"w":1}`, "op-2"), 1},
		{"a tombstone", func(ctx context.Context, s core.Store) error {
			r := rec("note", "a", `{"id":"a"}`)
			r.UpdatedAt, r.Deleted = "v1", true
			_, err := s.ApplyPage(ctx, "note", []core.Record{r}, core.Cursor{UpdatedAt: "v1", ID: "a"})
			return err
		}, "", w("a", `{"id":"a","v":2}`, "op-2"), 1},
		{"an op pending from another tab", func(ctx context.Context, s core.Store) error {
			_, err := s.WriteLocal(ctx, w("a", `{"id":"a","v":1}`, "op-1"))
			return err
		}, "", w("a", `{"id":"a","v":2}`, "op-2"), 1},
		{"an enqueued op without a record", func(ctx context.Context, s core.Store) error {
			_, err := s.Enqueue(ctx, []core.Op{{OpID: "op-1", Kind: "note", EntityID: "a", Type: core.OpDelete}})
			return err
		}, "", w("a", `{"id":"a","v":2}`, "op-2"), 1},
		{"a parked op id", func(ctx context.Context, s core.Store) error {
			if _, err := s.WriteLocal(ctx, w("b", `{"id":"b"}`, "op-p")); err != nil {
				return err
			}
			return s.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "op-p"}, Status: 400, Reason: "refused"}})
		}, "", w("a", `{"id":"a"}`, "op-p"), 1},
		{"an op id pending on another entity", func(ctx context.Context, s core.Store) error {
			_, err := s.WriteLocal(ctx, w("b", `{"id":"b"}`, "op-x"))
			return err
		}, "", w("a", `{"id":"a"}`, "op-x"), 0},
		{"no stored outbox size", func(ctx context.Context, s core.Store) error {
			_, err := s.WriteLocal(ctx, w("b", `{"id":"b"}`, "op-1"))
			return err
		}, dropStoredSize, w("a", `{"id":"a"}`, "op-2"), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			name := freshName(t)
			other := openAt(t, name)
			mem := memstore.New()
			require.NoError(t, c.setup(ctx, other))
			require.NoError(t, c.setup(ctx, mem))
			if c.raw != "" {
				jsAwait(t, jsFunc("name", c.raw).Invoke(name))
			}
			s := openAt(t, name)
			spy := spyAhead(s)

			gotM, errM := mem.WriteLocal(ctx, c.write)
			gotI, errI := s.WriteLocal(ctx, c.write)
			require.Equal(t, core.CodeOf(errM), core.CodeOf(errI), "idb err %v, mem err %v", errI, errM)
			assert.Equal(t, gotM, gotI)
			assert.Equal(t, storetest.State(ctx, t, mem), storetest.State(ctx, t, s))
			readRaw(t, name)
			assert.Equal(t, 1, spy.Get("calls").Int(), "written ahead")
			assert.Equal(t, c.refuted, spy.Get("refuted").Int())
		})
	}
}
