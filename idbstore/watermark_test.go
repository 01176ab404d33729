//go:build js && wasm

package idbstore

import (
	"fmt"
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
// push only the items older than what the push wrote.
func TestApplyPageReadsOnlyUnderTheWatermark(t *testing.T) {
	ctx := testCtx(t)
	s := openFresh(t)
	reads := js.Global().Get("Array").New()
	// H.pageRead's gets of rows, counted through a proxy of its transaction.
	s.js.pageRead = jsFunc("orig, reads", `const bind = (o, k) => (typeof o[k] === 'function' ? o[k].bind(o) : o[k]);
	return (tx, args, cb) => {
		let n = 0;
		const records = (st) => new Proxy(st, { get: (s, k) => (k === 'get' ? (key) => { n++; return s.get(key); } : bind(s, k)) });
		const t = new Proxy(tx, { get: (x, k) => (k === 'objectStore' ? (name) => (name === 'records' ? records(x.objectStore(name)) : x.objectStore(name)) : bind(x, k)) });
		return orig(t, args, (tag, ok, v) => { if (n > 0) reads.push(n); cb(tag, ok, v); });
	};`).Invoke(s.js.pageRead, reads)
	page := func(from, n int) ([]core.Record, core.Cursor) {
		var items []core.Record
		var v string
		for i := from; i < from+n; i++ {
			v = fmt.Sprintf("2026-03-01T10:00:%02dZ", i)
			r := rec("note", fmt.Sprintf("r%02d", i), `{"id":"x"}`)
			r.UpdatedAt = v
			items = append(items, r)
		}
		return items, core.Cursor{UpdatedAt: v, ID: items[len(items)-1].ID}
	}

	items, next := page(0, 20)
	_, err := s.ApplyPage(ctx, "note", items, next)
	require.NoError(t, err)
	assert.Equal(t, 0, reads.Length(), "a first pull reads no stored record")

	// A push acknowledged at :30; the next page (:20–:39) holds 10 items older than that.
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "mine", `{"id":"mine"}`, "op1")})
	require.NoError(t, err)
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	srv := rec("note", "mine", `{"id":"mine"}`)
	srv.UpdatedAt = "2026-03-01T10:00:30Z"
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}}))
	reads = resetReads(reads)
	items, next = page(20, 20)
	_, err = s.ApplyPage(ctx, "note", items, next)
	require.NoError(t, err)
	require.Equal(t, 1, reads.Length(), "one batched read")
	assert.Equal(t, 10, reads.Index(0).Int(), "only the items older than the acknowledged version")

	// The cursor passed the acknowledged version: nothing is read any more.
	reads = resetReads(reads)
	items, next = page(40, 10)
	_, err = s.ApplyPage(ctx, "note", items, next)
	require.NoError(t, err)
	assert.Equal(t, 0, reads.Length())
}

func resetReads(a js.Value) js.Value {
	a.Set("length", 0)
	return a
}
