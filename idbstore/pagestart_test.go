//go:build js && wasm

package idbstore

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestStartedPageAfterAFailedOneAppliesNothing: a page started while the one before it still
// commits is written on a guess; when that one fails, the later page's check finds the cursor
// row is not its predecessor's and aborts it, so that no page after a lost one is applied.
func TestStartedPageAfterAFailedOneAppliesNothing(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	page := func(id, v string) ([]core.Record, core.Cursor) {
		return []core.Record{{Kind: "note", ID: id, Data: []byte(`{"id":"` + id + `"}`), UpdatedAt: v}}, core.Cursor{UpdatedAt: v, ID: id}
	}
	items, next := page("p1", "v1")
	_, err := s.ApplyPage(ctx, "note", items, next)
	require.NoError(t, err)
	boom := errors.New("forced abort")
	s.beforeCommit = func(string) error { return boom }
	items, next = page("p2", "v2")
	w2, err := s.StartPage(ctx, "note", items, next)
	require.NoError(t, err)
	s.beforeCommit = nil
	items, next = page("p3", "v3")
	w3, err := s.StartPage(ctx, "note", items, next)
	require.NoError(t, err)

	_, err = w3() // waits for page 2's outcome itself
	require.ErrorIs(t, err, core.ErrStorage)
	require.ErrorIs(t, err, errPageBefore)
	_, err = w2()
	require.ErrorIs(t, err, boom)
	// A waited page holds neither its items nor the page before it (a pull's chain of them
	// kept every page: wasm memory grew with the records pulled).
	s.mu.Lock()
	last := s.pages["note"]
	s.mu.Unlock()
	require.Nil(t, last.outcome)
	recs, err := s.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, "p1", recs[0].ID)
	cur, err := s.Cursor(ctx, "note")
	require.NoError(t, err)
	require.Equal(t, core.Cursor{UpdatedAt: "v1", ID: "p1"}, cur)

	// The next page, started once the failure is known, reads before it writes.
	items, next = page("p2", "v2")
	w, err := s.StartPage(ctx, "note", items, next)
	require.NoError(t, err)
	held, err := w()
	require.NoError(t, err)
	require.Empty(t, held)
	cur, err = s.Cursor(ctx, "note")
	require.NoError(t, err)
	require.Equal(t, next, cur)
}
