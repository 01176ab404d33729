//go:build js && wasm

package idbstore

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
	"github.com/offsync/offsync/memstore"
)

// TestFreshOpIDs: a Store told that its local writes' op ids are fresh (Options.FreshOpIDs, as
// the wasm bridge opens it) looks none up, written ahead or read first, and its transactions
// leave the parked store out; it ends where memstore does after the same writes, and an op id
// already pending is still refused by the outbox's unique opId index. A Store without the
// option on the same database checks the parked ops.
func TestFreshOpIDs(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	s, err := OpenWith(ctx, name, Options{FreshOpIDs: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	mem := memstore.New()
	// Spies: the parked argument of every write ahead, getKey gathers (the op id lookups of
	// a write whose op was coalesced) and loads that look ids up among the parked ops.
	seen := jsFunc("", "return { ahead: [], getKey: 0, parkedLoads: 0 };").Invoke()
	spy := func(f js.Value, body string) js.Value { return jsFunc("seen, f", "return "+body).Invoke(seen, f) }
	s.js.writeAhead = spy(s.js.writeAhead, "(tx, a, cb) => { seen.ahead.push(a.parked); return f(tx, a, cb); }")
	s.js.gather = spy(s.js.gather, "(src, a, cb) => { if (a.method === 'getKey') seen.getKey++; return f(src, a, cb); }")
	s.js.load = spy(s.js.load, "(tx, a, cb) => { if (a.withParked) seen.parkedLoads++; return f(tx, a, cb); }")

	writes := [][]core.LocalWrite{
		{upsert("note", "a", `{"id":"a","v":1}`, "op-1")},                                      // a create, written ahead
		{upsert("note", "a", `{"id":"a","v":2}`, "op-2")},                                      // coalesced, read first
		{upsert("note", "b", `{"id":"b"}`, "op-3"), upsert("note", "c", `{"id":"c"}`, "op-4")}, // a batch
		{{Kind: "note", ID: "b", Delete: true, OpID: "op-5", LocalTimestamp: 2}},               // create+delete: nothing
		{upsert("note", "d", `{"id":"d"}`, "op-6")},                                            // another create
	}
	for i, w := range writes {
		gotM, errM := mem.WriteLocal(ctx, w)
		require.NoError(t, errM, i)
		gotI, errI := s.WriteLocal(ctx, w)
		require.NoError(t, errI, i)
		assert.Equal(t, gotM, gotI, i)
	}
	taken := []core.LocalWrite{upsert("note", "e", `{"id":"e"}`, "op-4")}
	_, errM := mem.WriteLocal(ctx, taken)
	_, errI := s.WriteLocal(ctx, taken)
	require.ErrorIs(t, errM, core.ErrInvalid)
	require.ErrorIs(t, errI, core.ErrInvalid, "an op id pending: the unique index refuses it")
	assert.Equal(t, storetest.State(ctx, t, mem), storetest.State(ctx, t, s))
	readRaw(t, name)

	var parked []bool
	for i := range seen.Get("ahead").Length() {
		parked = append(parked, seen.Get("ahead").Index(i).Bool())
	}
	assert.Equal(t, []bool{false, false, false}, parked, "a, d and e written ahead without the parked check")
	assert.Equal(t, 0, seen.Get("getKey").Int())
	assert.Equal(t, 0, seen.Get("parkedLoads").Int())

	checked := openAt(t, name)
	ahead := spyAhead(checked)
	_, err = checked.WriteLocal(ctx, []core.LocalWrite{upsert("note", "f", `{"id":"f"}`, "op-7")})
	require.NoError(t, err)
	assert.Equal(t, 1, ahead.Get("calls").Int())
	assert.True(t, ahead.Get("lastParked").Bool(), "without the option the parked ops are checked")
}
