package core_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// pullCounter counts the server's pull calls; push calls wait for hold (when set) first.
type pullCounter struct {
	pulls atomic.Int32
	hold  func(ctx context.Context)
}

func (p *pullCounter) hooks() simserver.Hooks {
	return simserver.Hooks{BeforeCall: func(ctx context.Context, method string, _ []core.Op) error {
		switch method {
		case simserver.MethodPull:
			p.pulls.Add(1)
		case simserver.MethodPush:
			if p.hold != nil {
				p.hold(ctx)
			}
		}
		return nil
	}}
}

// slowCursors holds a run's cursor read until its gate lets it through: a test's way to see
// what goes out while the start reads are under way.
type slowCursors struct {
	core.Store
	gate func(ctx context.Context)
}

func (s slowCursors) Cursors(ctx context.Context, kinds []string) ([]core.Cursor, error) {
	s.gate(ctx)
	return s.Store.(core.CursorsReader).Cursors(ctx, kinds)
}

// A sync whose kinds' cursors the engine knows fetches their first pages during its start
// reads (the requests go out while the cursor read is held), and uses them: one request per
// kind, none repeated.
func TestSyncUsesFirstPagesFetchedAhead(t *testing.T) {
	srv := newServer()
	var pc pullCounter
	var holding atomic.Bool
	var pulledDuringRead atomic.Int32
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Store = slowCursors{Store: cfg.Store, gate: func(ctx context.Context) {
			if !holding.Load() {
				return
			}
			deadline := time.Now().Add(2 * time.Second)
			for pc.pulls.Load() < int32(len(testKinds)) && time.Now().Before(deadline) && ctx.Err() == nil {
				time.Sleep(time.Millisecond)
			}
			pulledDuringRead.Store(pc.pulls.Load())
		}}
	})
	c.put("note", `{"id":"n1","a":"x"}`)
	c.sync()
	srv.SetHooks(pc.hooks())
	holding.Store(true)

	stats := c.sync()
	require.Zero(t, stats.Pulled)
	require.EqualValues(t, len(testKinds), pulledDuringRead.Load(), "the first pages were asked for during the start reads")
	require.EqualValues(t, len(testKinds), pc.pulls.Load())

	other := newClient(t, srv, nil)
	other.put("note", `{"id":"n2","a":"y"}`)
	other.sync()
	pc.pulls.Store(0)
	pulledDuringRead.Store(0)
	stats = c.sync()
	require.Equal(t, 1, stats.Pulled)
	require.EqualValues(t, len(testKinds), pulledDuringRead.Load())
	require.EqualValues(t, len(testKinds), pc.pulls.Load())
	require.Equal(t, "y", c.fields("note", "n2")["a"])
}

// A page fetched ahead is not used when the push phase sent something: it was fetched before
// the push, so it can hold an older version of a record whose acknowledgement the push wrote.
// Here a second engine on the same store queued an edit (so the first one's pending count is
// stale and it fetches ahead), and the server's copy moved on meanwhile.
func TestPageFetchedAheadIsDroppedAfterAPush(t *testing.T) {
	srv := newServer()
	a := newClient(t, srv, nil)
	a.put("note", `{"id":"n1","a":"v1","b":"v1"}`)
	a.sync()
	a.sync() // the cursor now sits after n1's version

	remote := newClient(t, srv, nil)
	remote.sync()
	remote.put("note", `{"id":"n1","a":"remote","b":"v1"}`)
	remote.sync()

	tab := newClient(t, srv, func(cfg *core.Config) { cfg.Store = a.store })
	tab.put("note", `{"id":"n1","a":"v1","b":"tab"}`)

	// Hold the push until the pages fetched ahead have come back, so that they predate it.
	var pc pullCounter
	pc.hold = func(ctx context.Context) {
		deadline := time.Now().Add(5 * time.Second)
		for pc.pulls.Load() < int32(len(testKinds)) && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.SetHooks(pc.hooks())
	a.sync()
	srv.SetHooks(simserver.Hooks{})

	requireServerVersion(t, srv, a, "note", "n1")
	f := a.fields("note", "n1")
	require.Equal(t, []any{"remote", "tab"}, []any{f["a"], f["b"]})
}

// A page fetched ahead from a cursor another engine has moved since is dropped; the pull asks
// from the stored cursor.
func TestPageFetchedAheadFromAMovedCursorIsDropped(t *testing.T) {
	srv := newServer()
	a := newClient(t, srv, nil)
	a.put("note", `{"id":"n1","a":"x"}`)
	a.sync()
	a.sync()

	remote := newClient(t, srv, nil)
	remote.put("note", `{"id":"n2","a":"y"}`)
	remote.sync()
	tab := newClient(t, srv, func(cfg *core.Config) { cfg.Store = a.store })
	tab.sync() // moves the shared store's note cursor past n2

	stats := a.sync()
	require.Zero(t, stats.Pulled, "n2 came already, through the other engine: the page fetched ahead was used")
}

// A page fetched ahead is not used for a kind with entities to refetch: the refetch runs after
// the page was fetched and may apply a newer version of one of its records. Here the server's
// copy moves on between the page and the refetch.
func TestPageFetchedAheadIsDroppedWithARefetch(t *testing.T) {
	srv := newServer()
	remote := newClient(t, srv, nil)
	remote.put("note", `{"id":"n1","a":"v1"}`)
	remote.sync()
	c := newClient(t, srv, nil)
	c.sync()
	dropRefused(t, srv, c, "note", `{"id":"n1","a":"refused"}`)
	remote.put("note", `{"id":"n1","a":"v2"}`)
	remote.sync() // the page fetched ahead holds this version

	var pulls atomic.Int32
	var moved atomic.Bool
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, _ []core.Op) error {
		switch {
		case method == simserver.MethodPull:
			pulls.Add(1)
		case method == simserver.MethodFetch && moved.CompareAndSwap(false, true):
			for pulls.Load() < int32(len(testKinds)) && ctx.Err() == nil {
				time.Sleep(time.Millisecond)
			}
			remote.put("note", `{"id":"n1","a":"v3"}`)
			remote.sync() // and the refetch this one
		}
		return nil
	}})
	c.sync()
	srv.SetHooks(simserver.Hooks{})

	requireServerVersion(t, srv, c, "note", "n1")
	require.Equal(t, "v3", c.fields("note", "n1")["a"])
}

// requireServerVersion requires c's copy of kind/id at the server's version: a page fetched
// ahead and used wrongly would have put an older one back.
func requireServerVersion(t *testing.T, srv *simserver.Server, c *client, kind, id string) {
	t.Helper()
	want, ok := srv.Record(kind, id)
	require.True(t, ok)
	got, ok, err := c.store.Get(ctx(t), kind, id)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, want.UpdatedAt, got.UpdatedAt, "the local copy went back to the version fetched ahead")
}
