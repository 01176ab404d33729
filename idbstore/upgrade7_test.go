//go:build js && wasm

package idbstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// TestUpgradeFromV6KeepsAheadLists opens a v6 database left by a push (two records acknowledged
// past the cursor, listed in the kind's one-row ahead list): the upgrade makes the list a head
// and a chunk, and the next page reads only the listed item older than its acknowledged version,
// which stays; an ack after the upgrade adds a chunk.
func TestUpgradeFromV6KeepsAheadLists(t *testing.T) {
	const acked, cursor = "2026-03-01T10:00:30Z", "2026-03-01T10:00:19Z"
	wm := storekit.Watermark(acked)
	name := freshName(t)
	buildAt(t, name, 6, fmt.Sprintf(`const recs = tx.objectStore('records');
	for (const id of ['mine', 'echo']) recs.put({ kind: 'note', id, data: '{"id":"' + id + '","v":1}', updatedAt: %[1]q });
	tx.objectStore('cursors').put({ kind: 'note', updatedAt: %[2]q, id: 'r0019', wm: %[3]d });
	tx.objectStore('meta').put({ ids: ['mine', 'echo'], us: [%[3]d, %[3]d], vs: [%[1]q, %[1]q] }, ['offsync', 'ahead', 'note']);`, acked, cursor, wm))

	ctx := testCtx(t)
	s := openAt(t, name)
	meta := func() string {
		return jsAwait(t, jsFunc("name", `return new Promise((res, rej) => {
			const r = indexedDB.open(name);
			r.onsuccess = () => {
				const db = r.result, m = db.transaction('meta').objectStore('meta');
				const range = IDBKeyRange.bound(['offsync', 'ahead', ''], ['offsync', 'ahead', []]);
				const ks = m.getAllKeys(range), vs = m.getAll(range);
				vs.onsuccess = () => { db.close(); res(JSON.stringify(ks.result.map((k, i) => [k, vs.result[i]]))); };
			};
			r.onerror = () => rej(r.error);
		});`).Invoke(name)).String()
	}
	assert.JSONEq(t, fmt.Sprintf(`[[["offsync","ahead","note"],{"n":2,"c":1}],
		[["offsync","ahead","note",0],{"i":0,"ids":["mine","echo"],"us":[%[1]d,%[1]d],"vs":[%[2]q,%[2]q]}]]`, wm, acked), meta())

	reads := countPageReads(s)
	item := func(id, version string) core.Record {
		return core.Record{Kind: "note", ID: id, Data: core.RawJSON(`{"id":"` + id + `","v":0}`), UpdatedAt: version}
	}
	items := []core.Record{item("r0020", "2026-03-01T10:00:20Z"), item("mine", "2026-03-01T10:00:25Z"), item("echo", acked)}
	_, err := s.ApplyPage(ctx, "note", items, core.Cursor{UpdatedAt: acked, ID: "echo"})
	require.NoError(t, err)
	require.Equal(t, 1, reads.Length(), "one call read rows")
	assert.Equal(t, 1, reads.Index(0).Int(), "only mine, listed under a later version, is read")
	mine, _, err := s.Get(ctx, "note", "mine")
	require.NoError(t, err)
	assert.Equal(t, acked, mine.UpdatedAt, "the acknowledged version stays")

	// The cursor reached the watermark: the list is gone, and a new one starts with the next ack.
	assert.Equal(t, `[]`, meta())
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "mine", `{"id":"mine","v":2}`, "op-2")})
	require.NoError(t, err)
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	srv := item("mine", "2026-03-01T10:01:00Z")
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}}))
	w := storekit.Watermark(srv.UpdatedAt)
	assert.JSONEq(t, fmt.Sprintf(`[[["offsync","ahead","note"],{"n":1,"c":1}],
		[["offsync","ahead","note",0],{"i":0,"ids":["mine"],"us":[%d],"vs":[%q]}]]`, w, srv.UpdatedAt), meta())
}
