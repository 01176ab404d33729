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

// rawOutbox reads database name with plain IndexedDB calls: the op ids of each marks entry and
// the records store's rows as stored, as JSON.
const rawOutbox = `return new Promise((res, rej) => {
	const r = indexedDB.open(name);
	r.onsuccess = () => {
		const db = r.result, tx = db.transaction(['marks', 'records'], 'readonly');
		const marks = tx.objectStore('marks').getAll(), rows = tx.objectStore('records').getAll();
		tx.oncomplete = () => {
			db.close();
			res(JSON.stringify({ marks: marks.result.map((e) => e.ids), rows: rows.result }));
		};
		tx.onerror = () => rej(tx.error);
	};
	r.onerror = () => rej(r.error);
});`

type rawState struct {
	Marks []core.RawJSON            `json:"marks"`
	Rows  []map[string]core.RawJSON `json:"rows"`
	Ops   []map[string]core.RawJSON `json:"-"`
}

// readRaw reads database name raw and requires the v5 layout's invariants: op values without
// inFlight, in Seq order within their row, the row's pseq its first op's Seq and oids its ops'
// ids (both absent without ops); no row with neither data nor ops; query index properties (xN)
// only on live records; each mark naming a pending op, in one entry, no entry empty.
func readRaw(t *testing.T, name string) rawState {
	t.Helper()
	st := readRawUnchecked(t, name)
	pending := map[string]bool{}
	for _, row := range st.Rows {
		var ops []map[string]core.RawJSON
		if raw, ok := row["ops"]; ok {
			require.NoError(t, json.Unmarshal(raw, &ops))
			require.NotEmpty(t, ops, "a row with an empty ops list: %v", row)
		}
		_, hasData := row["data"]
		require.True(t, hasData || len(ops) > 0, "a row with neither record nor ops: %v", row)
		var deleted bool
		if d, ok := row["deleted"]; ok {
			require.NoError(t, json.Unmarshal(d, &deleted))
		}
		for k := range row {
			if len(k) > 1 && k[0] == 'x' && k[1] >= '0' && k[1] <= '9' {
				require.True(t, hasData && !deleted, "index property %s on a row without a live record: %v", k, row)
			}
		}
		if len(ops) == 0 {
			_, hasPseq := row["pseq"]
			_, hasOids := row["oids"]
			require.False(t, hasPseq || hasOids, "pseq or oids on a row without ops: %v", row)
			continue
		}
		var ids []string
		var last int64
		for i, o := range ops {
			_, has := o["inFlight"]
			require.False(t, has, "an op value carries inFlight: %v", o)
			var seq int64
			var id string
			require.NoError(t, json.Unmarshal(o["seq"], &seq))
			require.NoError(t, json.Unmarshal(o["opId"], &id))
			require.Greater(t, seq, last, "op %d of row %v out of Seq order", i, row)
			last = seq
			ids = append(ids, id)
			pending[id] = true
			st.Ops = append(st.Ops, o)
		}
		var pseq int64
		require.NoError(t, json.Unmarshal(row["pseq"], &pseq))
		require.NoError(t, json.Unmarshal(ops[0]["seq"], &last))
		require.Equal(t, last, pseq, "pseq of %v", row)
		var oids []string
		require.NoError(t, json.Unmarshal(row["oids"], &oids))
		require.Equal(t, ids, oids, "oids of %v", row)
	}
	seen := map[string]bool{}
	for _, m := range st.Marks {
		var ids []string
		require.NoError(t, json.Unmarshal(m, &ids))
		require.NotEmpty(t, ids, "an empty marks entry")
		for _, id := range ids {
			require.True(t, pending[id], "a mark of %s, which is not pending", id)
			require.False(t, seen[id], "%s marked twice", id)
			seen[id] = true
		}
	}
	return st
}

// checkCount requires s's pending count, when it knows it, to be the number of ops its rows hold.
func checkCount(t *testing.T, s *Store) {
	t.Helper()
	st := readRaw(t, s.name)
	if n, ok := s.count.known(); ok {
		require.Equal(t, len(st.Ops), n, "the pending count the store keeps")
	}
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

func TestUpgradeFromV2MovesInFlightToMarks(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	jsAwait(t, jsFunc("name", writeV2).Invoke(name))
	s, err := Open(ctx, name)
	require.NoError(t, err)
	defer s.Close()

	assert.Equal(t, []string{`["op-a"]`}, marks(t, name), "the flag moved into a marks entry")
	assert.Len(t, readRaw(t, name).Ops, 4)
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
	checkCount(t, s)

	srv := core.Record{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","v":1,"updatedAt":"v1"}`), UpdatedAt: "v1"}
	tomb := core.Record{Kind: "note", ID: "c", Data: core.RawJSON(`{"id":"c","deletedAt":"v1"}`), UpdatedAt: "v1", Deleted: true}
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}, {Op: ops[2], Server: &tomb}}))
	assert.Empty(t, marks(t, name))
	checkCount(t, s)
	ops, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 3)
	assert.Equal(t, "v1", ops[1].BaseUpdatedAt, "c's later op rebased onto the acknowledged version")
	assert.Equal(t, "v1", ops[2].BaseUpdatedAt, "a's later op too")
}

// TestMarksLeaveWithTheirOps checks the marks store itself: one entry per marked batch, an op's
// id gone from it once the op is acknowledged, parked, requeued or resolved as not in flight,
// and no empty entry left behind.
func TestMarksLeaveWithTheirOps(t *testing.T) {
	ctx, name, s, ops := openWithOps(t, "a", "b", "c", "d", "e")
	marked, err := s.MarkInFlight(ctx, ops)
	require.NoError(t, err)
	require.Len(t, marked, 5)
	require.Equal(t, []string{`["op-a","op-b","op-c","op-d","op-e"]`}, marks(t, name), "one entry for the batch")

	srv := core.Record{Kind: "note", ID: "a", Data: core.RawJSON(`{"id":"a","updatedAt":"v1"}`), UpdatedAt: "v1"}
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: marked[0], Server: &srv}}))
	require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: marked[1], Status: 422}, {Op: marked[2], Status: 422}}))
	require.NoError(t, s.Unpark(ctx, []string{"op-c"}, true))
	next := marked[3]
	next.InFlight, next.Attempt = false, 1
	require.NoError(t, s.Resolve(ctx, next, nil, false))
	require.NoError(t, s.Resolve(ctx, marked[4], nil, false))
	assert.Equal(t, []string{`["op-e"]`}, marks(t, name), "only e is still in flight")
	checkCount(t, s)

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
	assert.Equal(t, []string{`["op-a","op-b"]`, `["op-c","op-d"]`}, marks(t, name), "b was marked already")

	var acks []core.Ack
	for _, o := range ops[1:3] {
		srv := core.Record{Kind: "note", ID: o.EntityID, Data: core.RawJSON(`{"id":"` + o.EntityID + `","updatedAt":"v1"}`), UpdatedAt: "v1"}
		acks = append(acks, core.Ack{Op: o, Server: &srv})
	}
	require.NoError(t, s.Ack(ctx, acks))
	assert.Equal(t, []string{`["op-a"]`, `["op-d"]`}, marks(t, name))
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

func TestUpgradeFromV3(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	jsAwait(t, jsFunc("name", writeV3).Invoke(name))
	s := openAt(t, name)

	assert.Len(t, readRaw(t, name).Ops, 3)
	assert.Equal(t, []string{`["op-a"]`}, marks(t, name), "the marks name the ops")
	res, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "d", `{"id":"d"}`, "op-d")})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Pending)
	n, err := s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	checkCount(t, s)
}

// TestPendingCountAcrossStores: a Store's count follows its own writes without counting, and
// sees another Store's (tab's) changes at its next count.
func TestPendingCountAcrossStores(t *testing.T) {
	ctx, name, s, _ := openWithOps(t, "a", "b", "c")
	n, err := s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	other := openAt(t, name)
	res, err := other.WriteLocal(ctx, []core.LocalWrite{upsert("note", "d", `{"id":"d"}`, "op-d")})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Pending, "the other Store counted: it knew no count")
	res, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "e", `{"id":"e"}`, "op-e")})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Pending, "its own count and its own write: the other tab's is not seen yet")
	n, err = s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, n, "counted")
	res, err = s.WriteLocal(ctx, []core.LocalWrite{del("note", "e", "op-e2")})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Pending, "a create and its delete cancel out")
	checkCount(t, s)
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
