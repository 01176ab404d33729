//go:build js && wasm

package idbstore

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestWithCommittedCallsTheHookOncePerCommittedWrite: the hook of WithCommitted runs once for a
// local write that commits, written ahead or read first (after a refuted write ahead too, for
// the transaction that commits), before WriteLocal returns; never for a refused write, nor for
// the store's other calls made with the same context.
func TestWithCommittedCallsTheHookOncePerCommittedWrite(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	_, err := openAt(t, name).WriteLocal(ctx, []core.LocalWrite{upsert("note", "b", `{"id":"b"}`, "op-b")})
	require.NoError(t, err)
	s := openAt(t, name)
	spy := spyAhead(s)
	calls := js.Global().Get("Array").New()
	hook := jsFunc("calls", "return (v) => { calls.push(v); };").Invoke(calls)
	heard := func() []string {
		out := []string{}
		for i := range calls.Length() {
			out = append(out, calls.Index(i).String())
		}
		calls.Set("length", 0)
		return out
	}

	cases := []struct {
		name           string
		write          core.LocalWrite
		ahead, refuted int // the spy's counts after the call
		refused        bool
	}{
		{"a create, written ahead", upsert("note", "a", `{"id":"a"}`, "op-1"), 1, 0, false},
		{"an edit of it, read first", upsert("note", "a", `{"id":"a","v":2}`, "op-2"), 1, 0, false},
		{"a write ahead refuted, then read first", upsert("note", "b", `{"id":"b","v":2}`, "op-3"), 2, 1, false},
		// The add of c's row fails on the pending op id (a refutation), then the write reading
		// first is refused.
		{"a refused write (op id pending)", upsert("note", "c", `{"id":"c"}`, "op-1"), 3, 2, true},
		{"a refused write, read first (op id pending)", upsert("note", "a", `{"id":"a","v":3}`, "op-b"), 3, 2, true},
	}
	for _, c := range cases {
		_, err := s.WriteLocal(WithCommitted(ctx, hook, js.ValueOf(c.name)), []core.LocalWrite{c.write})
		if c.refused {
			require.ErrorIs(t, err, core.ErrInvalid, c.name)
			assert.Empty(t, heard(), c.name)
		} else {
			require.NoError(t, err, c.name)
			assert.Equal(t, []string{c.name}, heard(), c.name)
		}
		assert.Equal(t, c.ahead, spy.Get("calls").Int(), c.name)
		assert.Equal(t, c.refuted, spy.Get("refuted").Int(), c.name)
	}

	with := WithCommitted(ctx, hook, js.ValueOf("other calls"))
	_, err = s.Enqueue(with, []core.Op{{OpID: "op-e", Kind: "note", EntityID: "e", Type: core.OpDelete}})
	require.NoError(t, err)
	_, _, err = s.Get(with, "note", "a")
	require.NoError(t, err)
	ops, err := s.Outbox(with, 0)
	require.NoError(t, err)
	_, err = s.MarkInFlight(with, ops[:1])
	require.NoError(t, err)
	assert.Empty(t, heard(), "only local writes call the hook")
}
