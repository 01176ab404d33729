package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/memstore"
)

// corrupting is the simulated server with a fault the server itself cannot make: its pages
// lose the updatedAt of their items while corrupt is set.
type corrupting struct {
	*simserver.Server
	corrupt bool
}

func (c *corrupting) Pull(ctx context.Context, kind string, req core.PullRequest) (core.PullPage, error) {
	page, err := c.Server.Pull(ctx, kind, req)
	if c.corrupt {
		for i := range page.Items {
			page.Items[i].UpdatedAt = ""
		}
	}
	return page, err
}

// Items without a version have no place in the pull order: they are set aside, the page's
// other items apply, and the cursor stays where the last placeable item put it.
func TestItemsWithoutVersionAreSetAsideAndKeepTheCursor(t *testing.T) {
	srv := newServer()
	tr := &corrupting{Server: srv}
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Transport = tr })
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1"}`))
	require.NoError(t, err)
	c.sync()
	before, err := c.eng.Cursors(ctx(t))
	require.NoError(t, err)

	_, err = srv.Put("note", core.RawJSON(`{"id":"n2"}`))
	require.NoError(t, err)
	tr.corrupt = true
	st, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.NoError(t, err, "one bad item does not fail the sync")
	assert.Equal(t, 1, st.Errors)
	after, err := c.eng.Cursors(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Nil(t, c.fields("note", "n2"))
	aside, err := c.eng.SetAside(ctx(t))
	require.NoError(t, err)
	require.Len(t, aside, 1)
	assert.Equal(t, "n2", aside[0].ID)
	assert.Contains(t, aside[0].Reason, "updatedAt")
	errs := c.events.waitFor(t, core.EventError, 1)
	assert.ErrorIs(t, errs[0].Err, core.ErrProtocol)
	assert.Equal(t, []string{"n2"}, errs[0].IDs)

	tr.corrupt = false
	assert.Equal(t, 1, c.sync().Pulled, "the next sync applies the item once it is valid")
	assert.NotNil(t, c.fields("note", "n2"))
	aside, err = c.eng.SetAside(ctx(t))
	require.NoError(t, err)
	assert.Len(t, aside, 1, "an entry without a version cannot be known superseded: it stays listed")
}

func TestPullRetriesServerErrorsAndTimeouts(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1"}`))
	require.NoError(t, err)
	srv.FailNext(simserver.MethodPull, simserver.ServerError(503), core.Errorf(core.CodeTimeout, "pull", "slow"))
	assert.Equal(t, 1, c.sync().Pulled)
	assert.Len(t, c.slept(), 2)
}

// lazyPages is a PageStarter whose pages apply only when waited for, as a store's pages that
// are still committing; failAt makes the page starting at that id fail, and every page started
// before that failure was known apply nothing (core.PageStarter's rule).
type lazyPages struct {
	*memstore.Store
	failAt  string
	mu      sync.Mutex
	started []string // each started page's first id
	failed  bool
}

func (s *lazyPages) StartPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) (func() ([]string, error), error) {
	s.mu.Lock()
	s.started = append(s.started, items[0].ID)
	failedBefore := s.failed
	s.mu.Unlock()
	var (
		once sync.Once
		held []string
		err  error
	)
	return func() ([]string, error) {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			switch {
			case s.failed && !failedBefore:
				err = core.Errorf(core.CodeStorage, "apply page", "the page before it was not applied")
			case items[0].ID == s.failAt:
				s.failed = true
				err = core.Errorf(core.CodeStorage, "apply page", "disk full")
			default:
				held, err = s.Store.ApplyPage(ctx, kind, items, next)
			}
		})
		return held, err
	}, nil
}

// A kind's pages are started before the page before has committed, finished in order, and
// reported once committed: a failed page ends the pull with its own error, and the page
// started after it applies nothing.
func TestPipelinedPagesFinishInOrderAndStopAtAFailure(t *testing.T) {
	srv := newServer()
	for i := range 7 {
		_, err := srv.Put("note", core.RawJSON(fmt.Sprintf(`{"id":"n%d"}`, i)))
		require.NoError(t, err)
	}
	st := &lazyPages{Store: memstore.New(), failAt: "n4"}
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Store, cfg.PageSize = st, 2 })
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrStorage)
	require.ErrorContains(t, err, "disk full")
	st.mu.Lock()
	assert.Equal(t, []string{"n0", "n2", "n4", "n6"}, st.started, "each page is started before the one before is finished")
	st.mu.Unlock()
	cur, err := st.Cursor(ctx(t), "note")
	require.NoError(t, err)
	assert.Equal(t, "n3", cur.ID)
	recs, err := st.List(ctx(t), "note")
	require.NoError(t, err)
	assert.Len(t, recs, 4)
	var changed []string
	for _, ev := range c.events.waitFor(t, core.EventChange, 2) {
		changed = append(changed, ev.IDs...)
	}
	assert.Equal(t, []string{"n0", "n1", "n2", "n3"}, changed, "only committed pages are reported")
	var done []int
	for range 1000 { // events come asynchronously: until the last page's, bounded
		done = done[:0]
		for _, ev := range c.events.of(core.EventProgress) {
			if ev.Phase == "pull" && ev.Kind == "note" && ev.Done > 0 {
				done = append(done, ev.Done)
			}
		}
		if len(done) > 0 && done[len(done)-1] == 4 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	assert.Equal(t, []int{2, 4}, done, "progress only for committed pages")

	st.failAt = ""
	assert.Equal(t, 3, c.sync().Pulled, "the next sync goes on from the last committed page")
}
