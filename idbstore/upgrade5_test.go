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

// fillV4 writes, inside the v4 upgrade transaction, the rows the calls of sameCallsAsV4 would
// have left in a v4 database: records (one with a query index property), a tombstone, an entity
// with two ops (the first in flight, so named in later), a create, an enqueued op without a
// record, a parked op and the cursor.
const fillV4 = `const V1 = '2026-01-01T00:00:00Z';
	const recs = tx.objectStore('records'), outbox = tx.objectStore('outbox');
	recs.createIndex('q:["note",["v"]]', 'x0');
	recs.put({ kind: 'note', id: 'a', data: '{"id":"a","v":3}', updatedAt: V1, x0: [3, 3] });
	recs.put({ kind: 'note', id: 'b', data: '{"id":"b","v":2}', x0: [3, 2] });
	recs.put({ kind: 'note', id: 'c', data: '{"id":"c"}', updatedAt: V1, deleted: true });
	recs.put({ kind: 'note', id: 's', data: '{"id":"s","v":9}', updatedAt: V1, x0: [3, 9] });
	recs.put({ kind: 'note', id: 'p', data: '{"id":"p"}', x0: [0] });
	outbox.add({ seq: 1, opId: 'op-a1', kind: 'note', eid: 'a', type: 'upsert', payload: '{"id":"a","v":1}', base: V1, changed: ['v'], ts: 1 });
	outbox.add({ seq: 2, opId: 'op-b', kind: 'note', eid: 'b', type: 'upsert', payload: '{"id":"b","v":2}', changed: null, ts: 1 });
	outbox.add({ seq: 3, opId: 'op-e', kind: 'note', eid: 'e', type: 'delete', payload: null, changed: null, ts: 0 });
	outbox.add({ seq: 4, opId: 'op-a2', kind: 'note', eid: 'a', type: 'upsert', payload: '{"id":"a","v":3}', base: V1, changed: ['v'], ts: 1 });
	tx.objectStore('marks').add({ seqs: [1] });
	tx.objectStore('later').put(1, ['note', 'a']);
	tx.objectStore('parked').add({ opId: 'op-p', op: { seq: 5, opId: 'op-p', kind: 'note', eid: 'p', type: 'upsert', payload: '{"id":"p"}', changed: null, ts: 1 }, status: 422, reason: 'bad', parkedAt: 5 });
	tx.objectStore('cursors').put({ kind: 'note', updatedAt: V1, id: 's' });`

// buildAt makes database name at layout (with one query index generation) through that
// layout's migrations, then fill (JS over db and tx) in the same upgrade transaction.
func buildAt(t *testing.T, name string, layout int, fill string) {
	t.Helper()
	h, err := newHelpers(js.Undefined())
	require.NoError(t, err)
	up := js.FuncOf(func(_ js.Value, args []js.Value) any {
		db, tx := args[0], args[1]
		for _, step := range migrations()[:layout] {
			step(h, db, tx)
		}
		tx.Call("objectStore", stMeta).Call("put", layout, js.ValueOf(metaSchemaKey))
		jsFunc("db, tx", fill).Invoke(db, tx)
		return nil
	})
	defer up.Release()
	jsAwait(t, jsFunc("open, name, version, up", `return new Promise((res, rej) => open({ name, version, upgrade: up },
		(ok, h) => { if (ok) { h.db.close(); res(true); } else rej(h); }));`).Invoke(h.open, name, layout*versionScale+1, up.Value))
}

// sameCallsAsV4 brings s to the state fillV4 writes.
func sameCallsAsV4(ctx context.Context, t *testing.T, s core.Store) {
	t.Helper()
	const v1 = "2026-01-01T00:00:00Z"
	page := []core.Record{
		{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","v":0}`), UpdatedAt: v1},
		{Kind: "note", ID: "c", Data: core.RawJSON(`{"id":"c"}`), UpdatedAt: v1, Deleted: true},
		{Kind: "note", ID: "s", Data: core.RawJSON(`{"id":"s","v":9}`), UpdatedAt: v1},
	}
	_, err := s.ApplyPage(ctx, "note", page, core.Cursor{UpdatedAt: v1, ID: "s"})
	require.NoError(t, err)
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","v":1}`, "op-a1")})
	require.NoError(t, err)
	_, err = s.MarkInFlight(ctx, []core.Op{{OpID: "op-a1"}})
	require.NoError(t, err)
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "b", `{"id":"b","v":2}`, "op-b")})
	require.NoError(t, err)
	_, err = s.Enqueue(ctx, []core.Op{{OpID: "op-e", Kind: "note", EntityID: "e", Type: core.OpDelete}})
	require.NoError(t, err)
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","v":3}`, "op-a2")})
	require.NoError(t, err)
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "p", `{"id":"p"}`, "op-p")})
	require.NoError(t, err)
	require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "op-p"}, Status: 422, Reason: "bad", ParkedAtMs: 5}}))
}

// TestUpgradeFromV4 opens a hand-written v4 database with the v5 code: the outbox moves into
// the rows (Seq order, in-flight marks and query index properties kept), and the store then
// behaves as memstore does after the same calls, through pushes, acks, parks, a resolve and
// a requeue.
func TestUpgradeFromV4(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	buildAt(t, name, 4, fillV4)
	s, err := OpenWith(ctx, name, Options{Indexes: map[string][]core.IndexSpec{"note": {{"v"}}}})
	require.NoError(t, err)
	defer s.Close()
	mem := memstore.New()
	sameCallsAsV4(ctx, t, mem)

	same := func(step string) {
		t.Helper()
		require.Equal(t, storetest.State(ctx, t, mem), storetest.State(ctx, t, s), step)
		for _, q := range []string{`{"where":{"v":{"gte":0}}}`, `{"orderBy":[["v","desc"]]}`} {
			require.Equal(t, queryIDs(t, mem, "note", q), queryIDs(t, s, "note", q), "%s: %s", step, q)
			require.Equal(t, countOf(t, mem, "note", q), countOf(t, s, "note", q), "%s: count %s", step, q)
		}
		checkCount(t, s)
	}
	same("upgraded")
	raw := readRaw(t, name)
	assert.Equal(t, []string{`["op-a1"]`}, marks(t, name), "the mark names its op")
	assert.Len(t, raw.Rows, 6, "a, b, c, s, p and e's row without record")
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	ids := []string{}
	for _, o := range ops {
		ids = append(ids, o.OpID)
	}
	assert.Equal(t, []string{"op-a1", "op-b", "op-e", "op-a2"}, ids, "Seq order across rows")
	assert.Equal(t, []int64{1, 2, 3, 4}, []int64{ops[0].Seq, ops[1].Seq, ops[2].Seq, ops[3].Seq}, "Seqs kept")
	_, ok, err := s.Get(ctx, "note", "e")
	require.NoError(t, err)
	assert.False(t, ok, "e has ops and no record")

	// A push: b and e marked, a's first op acknowledged (its later op rebased), e parked,
	// b resolved, p requeued, then new writes on top.
	for _, st := range []core.Store{mem, s} {
		marked, err := st.MarkInFlight(ctx, []core.Op{{OpID: "op-b"}, {OpID: "op-e"}})
		require.NoError(t, err)
		require.Len(t, marked, 2)
	}
	same("marked")
	srv := core.Record{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","v":1}`), UpdatedAt: "2026-01-02T00:00:00Z"}
	for _, st := range []core.Store{mem, s} {
		require.NoError(t, st.Ack(ctx, []core.Ack{{Op: core.Op{OpID: "op-a1", Kind: "note", EntityID: "a"}, Server: &srv}}))
	}
	same("acked")
	for _, st := range []core.Store{mem, s} {
		require.NoError(t, st.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "op-e"}, Status: 404, Reason: "gone", ParkedAtMs: 7}}))
	}
	same("parked")
	for _, st := range []core.Store{mem, s} {
		op := core.Op{OpID: "op-b", Kind: "note", EntityID: "b", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"b","v":5}`), Force: true, LocalTimestamp: 2}
		local := core.Record{Kind: "note", ID: "b", Data: core.RawJSON(`{"id":"b","v":5}`)}
		require.NoError(t, st.Resolve(ctx, op, &local, false))
	}
	same("resolved")
	for _, st := range []core.Store{mem, s} {
		require.NoError(t, st.Unpark(ctx, []string{"op-p", "op-e"}, true))
	}
	same("requeued")
	for _, st := range []core.Store{mem, s} {
		_, err := st.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","v":4}`, "op-a3"),
			upsert("note", "f", `{"id":"f","v":6}`, "op-f"), del("note", "s", "op-s")})
		require.NoError(t, err)
	}
	same("written")
	got, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	var acks []core.Ack
	for _, o := range got {
		acks = append(acks, core.Ack{Op: o})
	}
	for _, st := range []core.Store{mem, s} {
		require.NoError(t, st.Ack(ctx, acks))
	}
	same("all acknowledged")
	assert.Empty(t, readRaw(t, name).Ops)
	empty, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	assert.NotNil(t, empty, "an empty outbox is an empty list (the bridge's [])")
}
