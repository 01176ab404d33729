//go:build js && wasm

package idbstore

import (
	"cmp"
	"fmt"
	"slices"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// The watermark is kept in the database, so a version acknowledged by another tab or in an
// earlier session still keeps an older pulled one out (core/storekit/watermark.go).
func TestOlderVersionAcrossTabsAndSessions(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	version := func(v string) core.Record {
		r := rec("note", "a", `{"id":"a","updatedAt":"`+v+`"}`)
		r.UpdatedAt = v
		return r
	}
	ackIn := func(s *Store, opID, v string) {
		_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a"}`, opID)})
		require.NoError(t, err)
		ops, err := s.Outbox(ctx, 0)
		require.NoError(t, err)
		srv := version(v)
		require.NoError(t, s.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}}))
	}
	stored := func(s *Store) string {
		got, _, err := s.Get(ctx, "note", "a")
		require.NoError(t, err)
		return got.UpdatedAt
	}

	// Two tabs: one acknowledges, the other pulls a lagging page.
	tab1, tab2 := openAt(t, name), openAt(t, name)
	ackIn(tab1, "op1", "2026-03-01T10:00:05Z")
	_, err := tab2.ApplyPage(ctx, "note", []core.Record{version("2026-03-01T10:00:04Z")}, core.Cursor{UpdatedAt: "2026-03-01T10:00:04Z", ID: "a"})
	require.NoError(t, err)
	assert.Equal(t, "2026-03-01T10:00:05Z", stored(tab2))

	// An earlier session: acknowledged, closed, reopened.
	ackIn(tab1, "op2", "2026-03-01T10:00:07Z")
	require.NoError(t, tab1.Close())
	require.NoError(t, tab2.Close())
	again := openAt(t, name)
	_, err = again.ApplyPage(ctx, "note", []core.Record{version("2026-03-01T10:00:06Z")}, core.Cursor{UpdatedAt: "2026-03-01T10:00:06Z", ID: "a"})
	require.NoError(t, err)
	assert.Equal(t, "2026-03-01T10:00:07Z", stored(again))
	_, err = again.ApplyPage(ctx, "note", []core.Record{version("2026-03-01T10:00:08Z")}, core.Cursor{UpdatedAt: "2026-03-01T10:00:08Z", ID: "a"})
	require.NoError(t, err)
	assert.Equal(t, "2026-03-01T10:00:08Z", stored(again))
}

// ApplyPage reads stored records only under the watermark: none on a first pull, and after a
// push only the items older than what the push wrote for their ids (the kind's ahead list);
// without a whole list (a write past the cursor it does not list, too many acks), every item
// under the watermark.
func TestApplyPageReadsOnlyUnderTheWatermark(t *testing.T) {
	ctx := testCtx(t)
	s := openFresh(t)
	reads := countPageReads(s)
	item := func(id string, sec int) core.Record {
		r := rec("note", id, `{"id":"`+id+`"}`)
		r.UpdatedAt = fmt.Sprintf("2026-03-01T10:%02d:%02dZ", sec/60, sec%60)
		return r
	}
	page := func(from, n int, more ...core.Record) ([]core.Record, core.Cursor) {
		items := more
		for i := from; i < from+n; i++ {
			items = append(items, item(fmt.Sprintf("r%04d", i), i))
		}
		slices.SortFunc(items, func(a, b core.Record) int {
			return cmp.Or(cmp.Compare(a.UpdatedAt, b.UpdatedAt), cmp.Compare(a.ID, b.ID))
		})
		last := items[len(items)-1]
		return items, core.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
	}
	ack := func(ids []string, sec int) {
		writes := make([]core.LocalWrite, len(ids))
		for i, id := range ids {
			writes[i] = upsert("note", id, `{"id":"`+id+`"}`, "op-"+id+fmt.Sprint(sec))
		}
		_, err := s.WriteLocal(ctx, writes)
		require.NoError(t, err)
		ops, err := s.Outbox(ctx, 0)
		require.NoError(t, err)
		acks := make([]core.Ack, len(ops))
		for i, op := range ops {
			srv := item(op.EntityID, sec)
			acks[i] = core.Ack{Op: op, Server: &srv}
		}
		require.NoError(t, s.Ack(ctx, acks))
	}
	apply := func(items []core.Record, next core.Cursor) int {
		reads.Set("length", 0)
		_, err := s.ApplyPage(ctx, "note", items, next)
		require.NoError(t, err)
		if reads.Length() == 0 {
			return 0
		}
		return reads.Index(0).Int()
	}

	assert.Equal(t, 0, apply(page(0, 20)), "a first pull reads no stored record")

	// A push of mine and echo acknowledged at :30; the next page (:20–:39) brings back echo at
	// :30 and an older mine: only mine is read, and its acknowledged version stays.
	ack([]string{"mine", "echo"}, 30)
	assert.Equal(t, 1, apply(page(20, 20, item("mine", 25), item("echo", 30))), "only the listed id under its version")
	got, _, err := s.Get(ctx, "note", "mine")
	require.NoError(t, err)
	assert.Equal(t, item("mine", 30).UpdatedAt, got.UpdatedAt)

	// The cursor passed the acknowledged version: nothing is read any more.
	assert.Equal(t, 0, apply(page(40, 10)))

	// A refetched record written past the cursor is not listed: the list ends, and every item
	// under the watermark is read.
	ack([]string{"mine"}, 70)
	refetched := item("other", 80)
	_, err = s.ApplyRefetched(ctx, "note", refetched, core.Cursor{UpdatedAt: item("r0049", 49).UpdatedAt, ID: "r0049"})
	require.NoError(t, err)
	assert.Equal(t, 10, apply(page(50, 10)))
	assert.Equal(t, 10, apply(page(60, 10)))
	assert.Equal(t, 0, apply(page(81, 5)), "past the watermark")

	// More acks than a list holds: every item under the watermark is read.
	many := make([]string, aheadMaxForTest+1)
	for i := range many {
		many[i] = fmt.Sprintf("m%05d", i)
	}
	ack(many, 200)
	assert.Equal(t, 10, apply(page(100, 10)))

	// A list starts again once the cursor passed the watermark.
	assert.Equal(t, 0, apply(page(200, 1)))
	ack([]string{"mine"}, 300)
	assert.Equal(t, 0, apply(page(210, 10)))
}

// aheadMaxForTest is helpers.js aheadMax.
const aheadMaxForTest = 4096

// countPageReads counts H.pageRead's gets of rows through a proxy of its transaction: the
// returned array gets each call's count (calls without a get push nothing).
func countPageReads(s *Store) js.Value {
	reads := js.Global().Get("Array").New()
	s.js.pageRead = jsFunc("orig, reads", `const bind = (o, k) => (typeof o[k] === 'function' ? o[k].bind(o) : o[k]);
	return (tx, args, cb) => {
		let n = 0;
		const records = (st) => new Proxy(st, { get: (s, k) => (k === 'get' ? (key) => { n++; return s.get(key); } : bind(s, k)) });
		const t = new Proxy(tx, { get: (x, k) => (k === 'objectStore' ? (name) => (name === 'records' ? records(x.objectStore(name)) : x.objectStore(name)) : bind(x, k)) });
		return orig(t, args, (tag, ok, v) => { if (n > 0) reads.push(n); cb(tag, ok, v); });
	};`).Invoke(s.js.pageRead, reads)
	return reads
}
