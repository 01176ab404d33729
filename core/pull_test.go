package core_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
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
