//go:build js && wasm

package idbstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// writeV1 creates a version-1 database by hand with raw IndexedDB calls (the layout before
// v2: data and payload as parsed objects, no entity or opId index, no parked/conflicts).
const writeV1 = `return new Promise((res, rej) => {
	const r = indexedDB.open(name, 1);
	r.onupgradeneeded = () => {
		const db = r.result;
		const recs = db.createObjectStore('records', { keyPath: ['kind', 'id'] });
		const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
		const cursors = db.createObjectStore('cursors', { keyPath: 'kind' });
		const meta = db.createObjectStore('meta');
		recs.put({ kind: 'note', id: 'a', data: { id: 'a', title: 'first', tags: ['x'] }, updatedAt: 'v1' });
		recs.put({ kind: 'note', id: 'b', data: { id: 'b', title: 'second' } });
		recs.put({ kind: 'note', id: 'c', data: { id: 'c' }, updatedAt: 'v2', deleted: true });
		outbox.add({ opId: 'op-b', kind: 'note', eid: 'b', type: 'upsert',
			payload: { id: 'b', title: 'second' }, changed: null, ts: 7 });
		cursors.put({ kind: 'note', updatedAt: 'v2', id: 'c' });
		meta.put('2026-01-01', 'lastFullResync');
	};
	r.onsuccess = () => { r.result.close(); res(true); };
	r.onerror = () => rej(r.error);
});`

func TestUpgradeFromV1(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	jsAwait(t, jsFunc("name", writeV1).Invoke(name))

	s, err := Open(ctx, name)
	require.NoError(t, err)
	defer s.Close()

	a, ok, err := s.Get(ctx, "note", "a")
	require.NoError(t, err)
	require.True(t, ok)
	assert.JSONEq(t, `{"id":"a","title":"first","tags":["x"]}`, string(a.Data))
	assert.Equal(t, "v1", a.UpdatedAt)
	c, ok, err := s.Get(ctx, "note", "c")
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, c.Deleted)

	list, err := s.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, list, 2)

	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 1)
	assert.Equal(t, "op-b", ops[0].OpID)
	assert.Equal(t, int64(1), ops[0].Seq)
	assert.Nil(t, ops[0].ChangedFields)
	assert.JSONEq(t, `{"id":"b","title":"second"}`, string(ops[0].Payload))

	cur, err := s.Cursor(ctx, "note")
	require.NoError(t, err)
	assert.Equal(t, core.Cursor{UpdatedAt: "v2", ID: "c"}, cur)
	v, ok, err := s.Meta(ctx, "lastFullResync")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "2026-01-01", v)

	// The v2 parts work on the migrated data: the entity index finds the pending op (a pulled
	// item of b is held, a is written), a new op gets the next Seq, parking works.
	held, err := s.ApplyPage(ctx, "note", []core.Record{
		{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","title":"new"}`), UpdatedAt: "v3"},
		{Kind: "note", ID: "b", Data: core.RawJSON(`{"id":"b","title":"srv"}`), UpdatedAt: "v3"},
	}, core.Cursor{UpdatedAt: "v3", ID: "b"})
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, held)
	out, err := s.Enqueue(ctx, []core.Op{{OpID: "op-d", Kind: "note", EntityID: "d", Type: core.OpDelete}})
	require.NoError(t, err)
	assert.Greater(t, out[0].Seq, int64(1), "a new op's Seq comes after the migrated ones")
	require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "op-b"}, Status: 404}}))
	parked, err := s.Parked(ctx)
	require.NoError(t, err)
	require.Len(t, parked, 1)
	assert.Equal(t, "b", parked[0].Op.EntityID)

	// Reopening the migrated database runs no migration again and sees the same state.
	require.NoError(t, s.Close())
	s2, err := Open(ctx, name)
	require.NoError(t, err)
	defer s2.Close()
	list2, err := s2.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, list2, 2)
	assert.JSONEq(t, `{"id":"a","title":"new"}`, string(list2[0].Data))
}

func TestTwoHandlesShareOneDatabase(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	s1, err := Open(ctx, name)
	require.NoError(t, err)
	defer s1.Close()
	s2, err := Open(ctx, name)
	require.NoError(t, err)
	defer s2.Close()

	_, err = s1.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a"}`, "op-a")})
	require.NoError(t, err)
	got, ok, err := s2.Get(ctx, "note", "a")
	require.NoError(t, err)
	require.True(t, ok)
	assert.JSONEq(t, `{"id":"a"}`, string(got.Data))

	ops, err := s2.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 1)
	srv := core.Record{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","updatedAt":"v1"}`), UpdatedAt: "v1"}
	require.NoError(t, s2.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}}))

	n, err := s1.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	got, _, err = s1.Get(ctx, "note", "a")
	require.NoError(t, err)
	assert.Equal(t, "v1", got.UpdatedAt)

	// Writes racing from both handles all land, each in its own transaction.
	errs := make(chan error, 20)
	for i := range 20 {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		id := string(rune('b' + i))
		go func() {
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", id, `{"id":"`+id+`"}`, "op-"+id)})
			errs <- err
		}()
	}
	for range 20 {
		require.NoError(t, <-errs)
	}
	n, err = s2.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 20, n)
	// Each handle's Seqs increase; across handles they follow each one's clock, so two may
	// be equal (docs/DESIGN.md, "Seq"): the outbox is in Seq order all the same.
	ops, err = s1.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 20)
	for i := 1; i < len(ops); i++ {
		assert.LessOrEqual(t, ops[i-1].Seq, ops[i].Seq)
	}
}
