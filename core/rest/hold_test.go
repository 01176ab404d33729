package rest_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

// holdingDoer keeps a body asked to be held (Request.Hold) until it is taken, as the browser's
// fetch Doer keeps it in JavaScript, and counts the requests that asked and the takes.
type holdingDoer struct {
	rest.Doer
	held, taken atomic.Int32
}

func (d *holdingDoer) Do(ctx context.Context, req *rest.Request) (*rest.Response, error) {
	resp, err := d.Doer.Do(ctx, req)
	if err != nil || !req.Hold {
		return resp, err
	}
	d.held.Add(1)
	body := resp.Body
	resp.Body, resp.Held = nil, func() []byte { d.taken.Add(1); return body }
	return resp, nil
}

// A pull's answer is held by the Doer until the page is read: SendPull does not take it, Read
// does, once. Other requests are not held.
func TestSendPullLeavesTheBodyUntilRead(t *testing.T) {
	c := newCanned(t, reply(200, `{"items":[{"id":"a","updatedAt":"2026-01-01T00:00:00Z","n":1}],"nextPageToken":"t2"}`))
	d := &holdingDoer{}
	tr := newTransport(t, c.srv.URL, func(cfg *rest.Config) { d.Doer = cfg.Doer; cfg.Doer = d })
	var left atomic.Int32
	sent, err := tr.SendPull(ctx(t), "note", core.PullRequest{Limit: 10}, func() { left.Add(1) })
	require.NoError(t, err)
	assert.Equal(t, int32(1), left.Load(), "the Doer said once that the request had left")
	assert.Equal(t, int32(1), d.held.Load(), "the pull asked for its body to be held")
	assert.Zero(t, d.taken.Load(), "not taken before Read")
	page, err := sent.Read()
	require.NoError(t, err)
	assert.Equal(t, int32(1), d.taken.Load())
	require.Len(t, page.Items, 1)
	assert.Equal(t, "a", page.Items[0].ID)
	assert.JSONEq(t, `{"id":"a","updatedAt":"2026-01-01T00:00:00Z","n":1}`, string(page.Items[0].Data))
	assert.Equal(t, "t2", page.NextPageToken)

	_, _, err = tr.Fetch(ctx(t), "note", "a")
	require.Error(t, err, "the canned answer is a page, not record a")
	assert.Equal(t, int32(1), d.held.Load(), "a record fetch is not held")
}
