package core_test

import (
	"context"
	"encoding/json"
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

func TestBadPullPageKeepsTheCursor(t *testing.T) {
	srv := newServer()
	tr := &corrupting{Server: srv}
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Transport = tr })
	_, err := srv.Put("note", json.RawMessage(`{"id":"n1"}`))
	require.NoError(t, err)
	c.sync()
	before, err := c.eng.Cursors(ctx(t))
	require.NoError(t, err)

	_, err = srv.Put("note", json.RawMessage(`{"id":"n2"}`))
	require.NoError(t, err)
	tr.corrupt = true
	_, err = c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrProtocol)
	after, err := c.eng.Cursors(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Nil(t, c.fields("note", "n2"))

	tr.corrupt = false
	assert.Equal(t, 1, c.sync().Pulled, "the next sync succeeds")
	assert.NotNil(t, c.fields("note", "n2"))
}

func TestPullRetriesServerErrorsAndTimeouts(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	_, err := srv.Put("note", json.RawMessage(`{"id":"n1"}`))
	require.NoError(t, err)
	srv.FailNext(simserver.MethodPull, simserver.ServerError(503), core.Errorf(core.CodeTimeout, "pull", "slow"))
	assert.Equal(t, 1, c.sync().Pulled)
	assert.Len(t, c.slept(), 2)
}
