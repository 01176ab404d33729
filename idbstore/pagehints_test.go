//go:build js && wasm

package idbstore

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// A page is applied ahead of its reads while the kind's watermark is believed 0: one
// transaction. When the reads disagree (an item pending, a watermark another tab raised), that
// transaction applies nothing and the page is applied after its reads (a second one); the
// Store then believes the watermark and stops guessing until a page finds it 0 again. Nor does
// it guess while it knows of a pending op.
func TestApplyPageAheadOfItsReads(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	tab1, tab2 := openAt(t, name), openAt(t, name)
	c := instrument(tab1)
	// The order of H.pageRead's call ("read"), its answer ("answer") and the puts ("put").
	log := js.Global().Get("Array").New()
	h := tab1.js
	h.pageRead = jsFunc("f, log", `return (tx, a, cb) => { log.push('read'); return f(tx, a, (...r) => { log.push('answer'); return cb(...r); }); };`).Invoke(h.pageRead, log)
	h.putFramed = jsFunc("f, log", `return (...a) => { if (log[log.length - 1] !== 'put') log.push('put'); return f(...a); };`).Invoke(h.putFramed, log)
	order := func() string {
		parts := make([]string, log.Length())
		for i := range parts {
			parts[i] = log.Index(i).String()
		}
		log.Set("length", 0)
		return strings.Join(parts, " ")
	}
	apply := func(s *Store, items []core.Record) int {
		c.reset()
		last := items[len(items)-1]
		_, err := s.ApplyPage(ctx, "note", items, core.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID})
		require.NoError(t, err)
		return c.tx()
	}
	stored := func(s *Store, id string) core.Record {
		got, ok, err := s.Get(ctx, "note", id)
		require.NoError(t, err)
		require.True(t, ok, id)
		return got
	}

	first := page("note", "r", 0, 3)
	assert.Equal(t, 1, apply(tab1, first), "a clean page: one transaction")
	assert.Equal(t, "read put answer", order(), "written ahead of its reads' answer")
	assert.Equal(t, first[1], stored(tab1, first[1].ID))
	_, err := tab1.PendingCount(ctx)
	require.NoError(t, err)

	// A pending op written by another tab on an item of the next page (this tab knows of no
	// pending op): the guess is refused, the item held.
	_, err = tab2.WriteLocal(ctx, []core.LocalWrite{upsert("note", first[1].ID, `{"id":"`+first[1].ID+`","v":"mine"}`, "op1")})
	require.NoError(t, err)
	again := page("note", "r", 1, 3)
	for i := range again {
		again[i].UpdatedAt = "2026-01-01T00:00:01." + again[i].UpdatedAt[len("2026-01-01T00:00:00."):]
	}
	assert.Equal(t, 2, apply(tab1, again), "the guess, then the page after its reads")
	assert.Equal(t, "read put answer read answer put", order())
	assert.JSONEq(t, `{"id":"`+first[1].ID+`","v":"mine"}`, string(stored(tab1, first[1].ID).Data))
	assert.Equal(t, again[1], stored(tab1, again[1].ID))

	// Another tab acknowledges (its watermark rises past this tab's cursor): this tab's guess is
	// refused once, then it reads first until a page brings its watermark back to 0.
	ops, err := tab2.Outbox(ctx, 0)
	require.NoError(t, err)
	srv := rec("note", first[1].ID, `{"id":"`+first[1].ID+`","v":"acked"}`)
	srv.UpdatedAt = "2026-01-01T00:00:05Z"
	require.NoError(t, tab2.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}}))
	older := page("note", "s", 0, 2)
	for i := range older {
		older[i].UpdatedAt = "2026-01-01T00:00:02.00000" + string(rune('0'+i)) + "Z"
	}
	assert.Equal(t, 2, apply(tab1, older), "a watermark this tab did not raise")
	order()
	assert.Equal(t, 1, apply(tab1, page("note", "t", 0, 1)), "believed now")
	assert.Equal(t, "read answer put", order(), "read first")
	assert.Equal(t, 1, apply(tab1, []core.Record{version(rec("note", "u", `{"id":"u"}`), "2026-01-01T00:00:06Z")}), "past the watermark")
	assert.Equal(t, "read answer put", order())
	assert.Equal(t, 1, apply(tab1, []core.Record{version(rec("note", "v", `{"id":"v"}`), "2026-01-01T00:00:07Z")}))
	assert.Equal(t, "read put answer", order(), "guessing again")
	assert.Equal(t, srv.UpdatedAt, stored(tab1, first[1].ID).UpdatedAt)

	// An op this tab knows to be pending, on any item: read first.
	_, err = tab1.WriteLocal(ctx, []core.LocalWrite{upsert("note", "w", `{"id":"w"}`, "op2")})
	require.NoError(t, err)
	order()
	assert.Equal(t, 1, apply(tab1, []core.Record{version(rec("note", "x", `{"id":"x"}`), "2026-01-01T00:00:08Z")}))
	assert.Equal(t, "read answer put", order())
}

func version(r core.Record, v string) core.Record {
	r.UpdatedAt = v
	return r
}
