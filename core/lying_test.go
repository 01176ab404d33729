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
)

// lying is the simulated server behind a liar: while a rewrite is set it changes the pull
// pages and fetched records the real server answered (CONTRACT.md "Client-side handling of
// responses": the client must not trust them).
type lying struct {
	*simserver.Server
	mu    sync.Mutex
	pages func(n int, kind string, req core.PullRequest, page core.PullPage) core.PullPage
	fetch func(kind, id string, rec core.Record) core.Record
	// fetchBad, when set, is the unusable answer every Fetch meets (as core/rest reports it).
	fetchBad *core.BadItem
	pulls    int
}

func (l *lying) Pull(ctx context.Context, kind string, req core.PullRequest) (core.PullPage, error) {
	l.mu.Lock()
	lying := l.pages != nil
	l.mu.Unlock()
	if lying { // the liar's tokens mean nothing to the real server: it walks by the cursor
		req.PageToken = ""
	}
	page, err := l.Server.Pull(ctx, kind, req)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pulls++
	if err != nil || l.pages == nil || kind != "note" {
		return page, err
	}
	return l.pages(l.pulls, kind, req, page), nil
}

func (l *lying) Fetch(ctx context.Context, kind, id string) (core.Record, bool, error) {
	rec, ok, err := l.Server.Fetch(ctx, kind, id)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fetchBad != nil {
		return core.Record{}, false, core.Errorf(core.CodeProtocol, "fetch", "record: %w", &core.BadRecord{Item: *l.fetchBad})
	}
	if err != nil || !ok || l.fetch == nil {
		return rec, ok, err
	}
	return l.fetch(kind, id, rec), true, nil
}

func (l *lying) lie(pages func(n int, kind string, req core.PullRequest, page core.PullPage) core.PullPage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pages, l.pulls = pages, 0
}

func (l *lying) calls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pulls
}

// newLiar is a client of a simulated server holding notes n0…n(count-1), behind a liar.
func newLiar(t *testing.T, count int, mod func(*core.Config)) (*client, *lying) {
	t.Helper()
	srv := newServer()
	for i := range count {
		_, err := srv.Put("note", core.RawJSON(fmt.Sprintf(`{"id":"n%d","v":%d}`, i, i)))
		require.NoError(t, err)
	}
	l := &lying{Server: srv}
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Transport = l
		if mod != nil {
			mod(cfg)
		}
	})
	return c, l
}

// cursorsAndNotes is what a refused page must leave unchanged.
func cursorsAndNotes(t *testing.T, c *client) (map[string]core.Cursor, []core.Record) {
	t.Helper()
	cur, err := c.eng.Cursors(ctx(t))
	require.NoError(t, err)
	notes, err := c.eng.List(ctx(t), "note")
	require.NoError(t, err)
	return cur, notes
}

func TestPullRunNeverLoops(t *testing.T) {
	tests := []struct {
		name  string
		pages func(first []core.Record) func(n int, kind string, req core.PullRequest, page core.PullPage) core.PullPage
		msg   string
	}{
		{"page tokens cycle", func([]core.Record) func(int, string, core.PullRequest, core.PullPage) core.PullPage {
			return func(n int, _ string, _ core.PullRequest, p core.PullPage) core.PullPage {
				p.NextPageToken = []string{"A", "B"}[n%2] // each page still brings new items
				return p
			}
		}, "does not move on"},
		{"a token with an empty page", func([]core.Record) func(int, string, core.PullRequest, core.PullPage) core.PullPage {
			return func(_ int, _ string, _ core.PullRequest, p core.PullPage) core.PullPage {
				p.Items, p.NextPageToken = nil, "more"
				return p
			}
		}, "does not move on"},
		{"the same item under new tokens, with a version that does not parse", func([]core.Record) func(int, string, core.PullRequest, core.PullPage) core.PullPage {
			return func(n int, _ string, _ core.PullRequest, _ core.PullPage) core.PullPage {
				return core.PullPage{Items: []core.Record{{Kind: "note", ID: "n0", Data: core.RawJSON(`{"id":"n0"}`), UpdatedAt: "v1"}},
					NextPageToken: fmt.Sprintf("t%d", n)}
			}
		}, "ending at"},
		{"the first page again under a new token", func(first []core.Record) func(int, string, core.PullRequest, core.PullPage) core.PullPage {
			return func(n int, _ string, req core.PullRequest, p core.PullPage) core.PullPage {
				if n > 1 {
					p.Items = first
				}
				p.NextPageToken = fmt.Sprintf("t%d", n)
				return p
			}
		}, "not after the cursor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, l := newLiar(t, 8, func(cfg *core.Config) { cfg.PageSize = 2 })
			page, err := l.Server.Pull(ctx(t), "note", core.PullRequest{Limit: 2})
			require.NoError(t, err)
			l.lie(tc.pages(page.Items))
			_, err = c.eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
			require.ErrorIs(t, err, core.ErrProtocol)
			assert.Contains(t, err.Error(), tc.msg)
			assert.LessOrEqual(t, l.calls(), 4, "the walk ended at once")
		})
	}
}

// A page that breaks the contract as a whole is refused before any of it is applied.
func TestPullRefusesAPageOutsideTheRequest(t *testing.T) {
	tests := []struct {
		name string
		lie  func(p core.PullPage, old core.Record) core.PullPage
		msg  string
	}{
		{"more items than the limit", func(p core.PullPage, _ core.Record) core.PullPage {
			p.Items = append(p.Items, p.Items[0])
			p.Items[0].ID = "n5" // new data, too
			return p
		}, "2 were asked for"},
		{"an item before the cursor", func(p core.PullPage, old core.Record) core.PullPage {
			p.Items = append(p.Items[:1], old)
			return p
		}, "not after the cursor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, l := newLiar(t, 2, func(cfg *core.Config) { cfg.PageSize = 2 })
			c.sync()
			cur, notes := cursorsAndNotes(t, c)
			old, ok := l.Record("note", "n0") // before the cursor's item (n1)
			require.True(t, ok)
			for i := 2; i < 4; i++ {
				_, err := l.Put("note", core.RawJSON(fmt.Sprintf(`{"id":"n%d"}`, i)))
				require.NoError(t, err)
			}
			_, err := l.Put("note", core.RawJSON(`{"id":"n0","v":"changed"}`))
			require.NoError(t, err)
			l.lie(func(_ int, _ string, _ core.PullRequest, p core.PullPage) core.PullPage { return tc.lie(p, old) })
			_, err = c.eng.Sync(ctx(t), core.SyncOptions{})
			require.ErrorIs(t, err, core.ErrProtocol)
			assert.Contains(t, err.Error(), tc.msg)
			cur2, notes2 := cursorsAndNotes(t, c)
			assert.Equal(t, cur, cur2, "the cursor stays")
			assert.Equal(t, notes, notes2, "nothing of the page was applied")
		})
	}
}

// A backend built for the seed may ignore afterId and answer updatedAt >= updatedSince: the
// items at the cursor's own instant come back, and are skipped (not refused, not re-applied).
func TestPullSkipsRepeatsOfTheCursorInstant(t *testing.T) {
	c, l := newLiar(t, 2, nil)
	c.sync()
	at, ok := l.Record("note", "n1") // the cursor's item
	require.True(t, ok)
	_, err := l.Put("note", core.RawJSON(`{"id":"n2"}`))
	require.NoError(t, err)
	l.lie(func(_ int, _ string, req core.PullRequest, p core.PullPage) core.PullPage {
		if req.PageToken == "" && !req.After.IsZero() {
			p.Items = append([]core.Record{at}, p.Items...)
		}
		return p
	})
	st := c.sync()
	assert.Equal(t, 1, st.Pulled, "only n2 is new")
	assert.NotNil(t, c.fields("note", "n2"))
	cur, err := c.eng.Cursors(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, "n2", cur["note"].ID)
}

// Items that fail validation are set aside one by one: the rest of the page applies, the
// cursor moves past them (a bad last item included), and a later valid version applies.
func TestPullSetsBadItemsAside(t *testing.T) {
	c, l := newLiar(t, 4, func(cfg *core.Config) { cfg.PageSize = 3 })
	l.lie(func(_ int, _ string, req core.PullRequest, p core.PullPage) core.PullPage {
		if !req.After.IsZero() {
			return p
		}
		// n0 is not an object; n2 comes back from the transport as unreadable.
		p.Items[0].Data = core.RawJSON(`["n0"]`)
		bad := p.Items[2]
		p.Items = p.Items[:2]
		p.Bad = []core.BadItem{{Index: 2, ID: bad.ID, UpdatedAt: bad.UpdatedAt, Reason: "record has no string id"}}
		return p
	})
	st, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2, st.Pulled, "n1 and n3")
	assert.Equal(t, 2, st.Errors)
	assert.Nil(t, c.fields("note", "n0"))
	assert.NotNil(t, c.fields("note", "n1"))
	assert.Nil(t, c.fields("note", "n2"))
	assert.NotNil(t, c.fields("note", "n3"))
	aside, err := c.eng.SetAside(ctx(t))
	require.NoError(t, err)
	require.Len(t, aside, 2)
	assert.Equal(t, []string{"n0", "n2"}, []string{aside[0].ID, aside[1].ID})
	assert.Equal(t, "note", aside[0].Kind)
	assert.NotEmpty(t, aside[0].UpdatedAt)
	assert.Contains(t, aside[0].Reason, "not a JSON object")
	assert.Equal(t, "record has no string id", aside[1].Reason)
	errs := c.events.waitFor(t, core.EventError, 2)
	assert.Equal(t, []string{"n0"}, errs[0].IDs)
	assert.Contains(t, errs[1].Err.Error(), "set aside")

	// Nothing left to pull: the cursor is past the bad items.
	assert.Equal(t, 0, c.sync().Pulled)
	// The same bad page again (a crash before the cursor moved) lists nothing twice.
	st, err = c.eng.FullResync(ctx(t), false)
	require.NoError(t, err)
	assert.Equal(t, 0, st.Errors, "items met again are not reported again")
	aside2, err := c.eng.SetAside(ctx(t))
	require.NoError(t, err)
	assert.Len(t, aside2, 2)

	l.lie(nil)
	_, err = l.Put("note", core.RawJSON(`{"id":"n0","v":"fixed"}`))
	require.NoError(t, err)
	assert.Equal(t, 1, c.sync().Pulled)
	assert.Equal(t, "fixed", c.fields("note", "n0")["v"])
	aside, err = c.eng.SetAside(ctx(t))
	require.NoError(t, err)
	require.Len(t, aside, 1, "n0's newer version supersedes its entry")
	assert.Equal(t, "n2", aside[0].ID)
}

// refetchPending: r1 is on the server ("server") and synced; the device's edit of it ("mine")
// was refused and dropped, so the next sync refetches r1 from the liar.
func refetchPending(t *testing.T) (*client, *lying) {
	t.Helper()
	c, l := newLiar(t, 0, nil)
	_, err := l.Put("note", core.RawJSON(`{"id":"r1","v":"server"}`))
	require.NoError(t, err)
	c.sync()
	dropRefused(t, l.Server, c, "note", `{"id":"r1","v":"mine"}`)
	return c, l
}

func TestRefetchAnswersAreChecked(t *testing.T) {
	t.Run("another id", func(t *testing.T) {
		c, l := refetchPending(t)
		l.fetch = func(_, _ string, rec core.Record) core.Record {
			rec.ID = "other"
			return rec
		}
		_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
		require.ErrorIs(t, err, core.ErrProtocol)
		assert.Contains(t, err.Error(), `"other"`)
		assert.Equal(t, "mine", c.fields("note", "r1")["v"], "nothing applied")
	})
	t.Run("an unusable record is set aside and leaves the list", func(t *testing.T) {
		c, l := refetchPending(t)
		l.fetchBad = &core.BadItem{ID: "r1", Reason: "record has no updatedAt"}
		st, err := c.eng.Sync(ctx(t), core.SyncOptions{})
		require.NoError(t, err, "a bad record does not fail the sync")
		assert.Equal(t, 1, st.Errors)
		aside, err := c.eng.SetAside(ctx(t))
		require.NoError(t, err)
		require.Len(t, aside, 1)
		assert.Equal(t, "r1", aside[0].ID)
		l.fetchBad = nil
		st, err = c.eng.Sync(ctx(t), core.SyncOptions{})
		require.NoError(t, err)
		assert.Equal(t, 0, st.Errors, "r1 left the refetch list")
	})
	t.Run("a record without a version is set aside", func(t *testing.T) {
		c, l := refetchPending(t)
		l.fetch = func(_, _ string, rec core.Record) core.Record {
			rec.UpdatedAt = ""
			return rec
		}
		st, err := c.eng.Sync(ctx(t), core.SyncOptions{})
		require.NoError(t, err)
		assert.Equal(t, 1, st.Errors)
		assert.Equal(t, "mine", c.fields("note", "r1")["v"], "not applied")
	})
	t.Run("an older version than the local one", func(t *testing.T) {
		c, l := newLiar(t, 0, nil)
		old, err := l.Put("note", core.RawJSON(`{"id":"r1","v":"old"}`))
		require.NoError(t, err)
		_, err = l.Put("note", core.RawJSON(`{"id":"r1","v":"new"}`))
		require.NoError(t, err)
		c.sync()
		require.Equal(t, "new", c.fields("note", "r1")["v"])
		dropRefused(t, l.Server, c, "note", `{"id":"r1","v":"refused"}`)
		l.fetch = func(_, _ string, _ core.Record) core.Record { return old }
		c.sync()
		// The parked edit was dropped and r1 refetched: the answer is older than the version
		// the device synced, so the local copy keeps it.
		rec, ok, err := c.eng.Get(ctx(t), "note", "r1")
		require.NoError(t, err)
		require.True(t, ok)
		assert.NotEqual(t, old.UpdatedAt, rec.UpdatedAt)
	})
}

// A page from a lagging replica, served after this device's push was acknowledged by the
// primary: its older version of the pushed record lies after the cursor but must not
// overwrite the acknowledged one.
func TestPullNeverOverwritesANewerSyncedVersion(t *testing.T) {
	c, l := newLiar(t, 0, nil)
	c.put("note", `{"id":"r","v":"v1"}`)
	c.sync()
	v1 := c.fields("note", "r")["updatedAt"].(string)
	c.put("note", `{"id":"r","v":"v2"}`)
	l.lie(func(_ int, _ string, _ core.PullRequest, p core.PullPage) core.PullPage {
		for i, it := range p.Items {
			if it.ID != "r" {
				continue
			}
			t1, err := time.Parse(time.RFC3339Nano, v1)
			require.NoError(t, err)
			t2, err := time.Parse(time.RFC3339Nano, it.UpdatedAt)
			require.NoError(t, err)
			mid := t1.Add(t2.Sub(t1) / 2).Format(time.RFC3339Nano)
			p.Items[i] = core.Record{Kind: "note", ID: "r", UpdatedAt: mid, Data: core.RawJSON(`{"id":"r","v":"stale","updatedAt":"` + mid + `"}`)}
		}
		return p
	})
	c.sync()
	assert.Equal(t, "v2", c.fields("note", "r")["v"])
	srvRec, ok := l.Record("note", "r")
	require.True(t, ok)
	rec, _, err := c.eng.Get(ctx(t), "note", "r")
	require.NoError(t, err)
	assert.Equal(t, srvRec.UpdatedAt, rec.UpdatedAt, "the acknowledged version stays")
}

// A walk never trusts the server to end it (DESIGN.md "Distrusting the server": a page ending
// where an earlier one did ends it). A server that answers, under ever new tokens, pages whose
// items have no position (no version: set aside) never moves the cursor, and every page "ends"
// where the one before did; the walk ends with a protocol error instead of following the
// tokens (the check ran only for pages that moved).
func TestPagesOfUnplacedItemsUnderNewTokensEndTheWalk(t *testing.T) {
	c, l := newLiar(t, 2, func(cfg *core.Config) { cfg.PageSize = 2 })
	c.sync()
	l.lie(func(n int, _ string, _ core.PullRequest, _ core.PullPage) core.PullPage {
		p := core.PullPage{Items: []core.Record{{Kind: "note", ID: "n0", Data: core.RawJSON(`{"id":"n0"}`)}}}
		if n < 200 { // bounded, so that the test ends either way
			p.NextPageToken = fmt.Sprintf("t%d", n)
		}
		return p
	})
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
	require.ErrorIs(t, err, core.ErrProtocol, "the walk followed %d pages that never moved", l.calls())
	require.LessOrEqual(t, l.calls(), 4, "the walk ended at once")
}
