//go:build js && wasm

package idbstore

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// rawOutbox reads database name with plain IndexedDB calls: the seqs of each marks entry, the
// later store's keys, the outbox's values as stored and the outbox size the marks store's
// entry 0 holds (-1 when none), as JSON.
const rawOutbox = `return new Promise((res, rej) => {
	const r = indexedDB.open(name);
	r.onsuccess = () => {
		const db = r.result, tx = db.transaction(['marks', 'later', 'outbox'], 'readonly');
		const marks = tx.objectStore('marks').getAll(), ops = tx.objectStore('outbox').getAll();
		const later = tx.objectStore('later').getAllKeys();
		tx.oncomplete = () => {
			db.close();
			const ms = marks.result, pending = ms.length > 0 && ms[0].n === 0 ? ms.shift().pending : -1;
			res(JSON.stringify({ marks: ms.map((e) => e.seqs), later: later.result, ops: ops.result, pending }));
		};
		tx.onerror = () => rej(tx.error);
	};
	r.onerror = () => rej(r.error);
});`

type rawState struct {
	Marks []core.RawJSON            `json:"marks"`
	Later [][2]string               `json:"later"`
	Ops   []map[string]core.RawJSON `json:"ops"`
	// Pending is the stored outbox size: readRaw requires it to match the outbox.
	Pending int `json:"pending"`
}

// readRaw reads database name raw and requires op values without inFlight and a stored
// outbox size that matches the outbox.
func readRaw(t *testing.T, name string) rawState {
	t.Helper()
	st := readRawUnchecked(t, name)
	for _, o := range st.Ops {
		_, has := o["inFlight"]
		require.False(t, has, "an outbox value carries inFlight: %v", o)
	}
	require.Equal(t, len(st.Ops), st.Pending, "the stored outbox size")
	return st
}

func readRawUnchecked(t *testing.T, name string) rawState {
	t.Helper()
	var st rawState
	require.NoError(t, json.Unmarshal([]byte(jsAwait(t, jsFunc("name", rawOutbox).Invoke(name)).String()), &st))
	return st
}

func marks(t *testing.T, name string) []string {
	t.Helper()
	out := []string{}
	for _, m := range readRaw(t, name).Marks {
		out = append(out, string(m))
	}
	return out
}

// writeV2 creates a version-2 database by hand: in-flight state as a flag in the op values.
const writeV2 = `return new Promise((res, rej) => {
	const r = indexedDB.open(name, 2);
	r.onupgradeneeded = () => {
		const db = r.result;
		const recs = db.createObjectStore('records', { keyPath: ['kind', 'id'] });
		const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
		outbox.createIndex('entity', ['kind', 'eid']);
		outbox.createIndex('opId', 'opId', { unique: true });
		db.createObjectStore('cursors', { keyPath: 'kind' });
		db.createObjectStore('meta').put(2, ['offsync', 'schema']);
		const parked = db.createObjectStore('parked', { keyPath: 'n', autoIncrement: true });
		parked.createIndex('opId', 'opId', { unique: true });
		parked.createIndex('entity', ['op.kind', 'op.eid']);
		db.createObjectStore('conflicts', { keyPath: 'n', autoIncrement: true }).createIndex('cid', 'cid', { unique: true });
		recs.put({ kind: 'note', id: 'a', data: '{"id":"a","v":1}' });
		recs.put({ kind: 'note', id: 'b', data: '{"id":"b","v":1}' });
		outbox.add({ opId: 'op-a', kind: 'note', eid: 'a', type: 'upsert', payload: '{"id":"a","v":1}', changed: null, ts: 1, inFlight: true });
		outbox.add({ opId: 'op-b', kind: 'note', eid: 'b', type: 'upsert', payload: '{"id":"b","v":1}', changed: null, ts: 2 });
		outbox.add({ opId: 'op-c1', kind: 'note', eid: 'c', type: 'delete', payload: null, changed: null, ts: 3 });
		outbox.add({ opId: 'op-c2', kind: 'note', eid: 'c', type: 'upsert', payload: '{"id":"c"}', changed: null, ts: 4 });
	};
	r.onsuccess = () => { r.result.close(); res(true); };
	r.onerror = () => rej(r.error);
});`

func TestUpgradeFromV2MovesInFlightToMarksAndCountsTheOutbox(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	jsAwait(t, jsFunc("name", writeV2).Invoke(name))
	s, err := Open(ctx, name)
	require.NoError(t, err)
	defer s.Close()

	assert.Equal(t, []string{`[1]`}, marks(t, name), "the flag moved into a marks entry")
	assert.Equal(t, [][2]string{{"note", "c"}}, readRaw(t, name).Later, "c has two ops")
	assert.Equal(t, 4, readRaw(t, name).Pending, "the outbox size is stored")
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 4)
	assert.True(t, ops[0].InFlight)
	assert.False(t, ops[1].InFlight)

	_, err = s.WriteLocal(ctx, []core.LocalWrite{
		upsert("note", "a", `{"id":"a","v":2}`, "op-a2"),
		upsert("note", "b", `{"id":"b","v":2}`, "op-b2"),
	})
	require.NoError(t, err)
	ops, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 5, "a's write appended behind its in-flight op, b's coalesced")
	assert.JSONEq(t, `{"id":"a","v":1}`, string(ops[0].Payload))
	assert.JSONEq(t, `{"id":"b","v":2}`, string(ops[1].Payload))
	assert.Equal(t, "op-a2", ops[4].OpID)
	assert.Equal(t, [][2]string{{"note", "a"}, {"note", "c"}}, readRaw(t, name).Later)

	srv := core.Record{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","v":1,"updatedAt":"v1"}`), UpdatedAt: "v1"}
	tomb := core.Record{Kind: "note", ID: "c", Data: core.RawJSON(`{"id":"c","deletedAt":"v1"}`), UpdatedAt: "v1", Deleted: true}
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}, {Op: ops[2], Server: &tomb}}))
	assert.Empty(t, marks(t, name))
	assert.Empty(t, readRaw(t, name).Later, "a and c are left with one op each")
	ops, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 3)
	assert.Equal(t, "v1", ops[1].BaseUpdatedAt, "c's later op rebased onto the acknowledged version")
	assert.Equal(t, "v1", ops[2].BaseUpdatedAt, "a's later op too")
}

// TestMarksLeaveWithTheirOps checks the marks store itself: one entry per marked batch, an op's
// seq gone from it once the op is acknowledged, parked, requeued or resolved as not in flight,
// and no empty entry left behind.
func TestMarksLeaveWithTheirOps(t *testing.T) {
	ctx, name, s, ops := openWithOps(t, "a", "b", "c", "d", "e")
	marked, err := s.MarkInFlight(ctx, ops)
	require.NoError(t, err)
	require.Len(t, marked, 5)
	require.Equal(t, []string{`[1,2,3,4,5]`}, marks(t, name), "one entry for the batch")

	srv := core.Record{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","updatedAt":"v1"}`), UpdatedAt: "v1"}
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: marked[0], Server: &srv}}))
	require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: marked[1], Status: 422}, {Op: marked[2], Status: 422}}))
	require.NoError(t, s.Unpark(ctx, []string{"op-c"}, true))
	next := marked[3]
	next.InFlight, next.Attempt = false, 1
	require.NoError(t, s.Resolve(ctx, next, nil))
	require.NoError(t, s.Resolve(ctx, marked[4], nil))
	assert.Equal(t, []string{`[5]`}, marks(t, name), "only e is still in flight")

	parked, err := s.Parked(ctx)
	require.NoError(t, err)
	require.Len(t, parked, 1)
	assert.True(t, parked[0].Op.InFlight, "a parked op keeps the state it had")
	ops, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 3)
	assert.Equal(t, []bool{false, true, false}, []bool{ops[0].InFlight, ops[1].InFlight, ops[2].InFlight}, "d resolved, e in flight, c requeued")
}

// TestMarksAcrossBatches marks ops in several batches (entries), re-marks some, and
// acknowledges across entries: each op is in at most one entry, and emptied entries go.
func TestMarksAcrossBatches(t *testing.T) {
	ctx, name, s, ops := openWithOps(t, "a", "b", "c", "d")
	_, err := s.MarkInFlight(ctx, ops[:2])
	require.NoError(t, err)
	_, err = s.MarkInFlight(ctx, ops[1:])
	require.NoError(t, err)
	assert.Equal(t, []string{`[1,2]`, `[3,4]`}, marks(t, name), "b was marked already")

	var acks []core.Ack
	for _, o := range ops[1:3] {
		srv := core.Record{Kind: "note", ID: o.EntityID, Data: core.RawJSON(`{"id":"` + o.EntityID + `","updatedAt":"v1"}`), UpdatedAt: "v1"}
		acks = append(acks, core.Ack{Op: o, Server: &srv})
	}
	require.NoError(t, s.Ack(ctx, acks))
	assert.Equal(t, []string{`[1]`, `[4]`}, marks(t, name))
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: ops[0]}, {Op: ops[3]}}))
	assert.Empty(t, marks(t, name))
}

// writeV3 creates a version-3 database by hand: marks and later stores, no stored outbox size.
const writeV3 = `return new Promise((res, rej) => {
	const r = indexedDB.open(name, 3);
	r.onupgradeneeded = () => {
		const db = r.result;
		db.createObjectStore('records', { keyPath: ['kind', 'id'] });
		const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
		outbox.createIndex('entity', ['kind', 'eid']);
		outbox.createIndex('opId', 'opId', { unique: true });
		db.createObjectStore('cursors', { keyPath: 'kind' });
		db.createObjectStore('meta').put(3, ['offsync', 'schema']);
		const parked = db.createObjectStore('parked', { keyPath: 'n', autoIncrement: true });
		parked.createIndex('opId', 'opId', { unique: true });
		parked.createIndex('entity', ['op.kind', 'op.eid']);
		db.createObjectStore('conflicts', { keyPath: 'n', autoIncrement: true }).createIndex('cid', 'cid', { unique: true });
		db.createObjectStore('marks', { keyPath: 'n', autoIncrement: true }).add({ seqs: [1] });
		db.createObjectStore('later');
		for (const id of ['a', 'b', 'c']) {
			outbox.add({ opId: 'op-' + id, kind: 'note', eid: id, type: 'delete', payload: null, changed: null, ts: 1 });
		}
	};
	r.onsuccess = () => { r.result.close(); res(true); };
	r.onerror = () => rej(r.error);
});`

func TestUpgradeFromV3StoresTheOutboxSize(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	jsAwait(t, jsFunc("name", writeV3).Invoke(name))
	s := openAt(t, name)

	raw := readRaw(t, name)
	assert.Equal(t, 3, raw.Pending)
	assert.Equal(t, []string{`[1]`}, marks(t, name), "the marks stay as they were")
	res, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "d", `{"id":"d"}`, "op-d")})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Pending)
	n, err := s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	readRaw(t, name)
}

func TestPendingCountCountsWhenTheStoredSizeIsMissing(t *testing.T) {
	ctx, name, s, _ := openWithOps(t, "a", "b", "c")
	n, err := s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	jsAwait(t, jsFunc("name", dropStoredSize).Invoke(name))
	assert.Equal(t, -1, readRawUnchecked(t, name).Pending, "no stored size")
	n, err = s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n, "counted")
}

// openWithOps opens a fresh store with one pending upsert per id (note kind, op id "op-<id>")
// and returns them as the outbox holds them.
func openWithOps(t *testing.T, ids ...string) (context.Context, string, *Store, []core.Op) {
	t.Helper()
	ctx := testCtx(t)
	name := freshName(t)
	s, err := Open(ctx, name)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	var ws []core.LocalWrite
	for _, id := range ids {
		ws = append(ws, upsert("note", id, `{"id":"`+id+`"}`, "op-"+id))
	}
	_, err = s.WriteLocal(ctx, ws)
	require.NoError(t, err)
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	return ctx, name, s, ops
}
