package rest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

// A stored record whose field holds HTML (a rich-text app) is a record, not a portal's page.
func TestAckOfRecordWithAnHTMLFieldIsAnAck(t *testing.T) {
	rec := `{"id":"n1","body":"<!DOCTYPE html><html><p>hi</p></html>","updatedAt":"` + v1 + `"}`
	c := newCanned(t, reply(200, rec))
	tr := newTransport(t, c.srv.URL, func(c *rest.Config) { c.DisableBatch = true })
	res, err := tr.Push(ctx(t), []core.Op{upsert("n1", `{"id":"n1","body":"<!DOCTYPE html><html><p>hi</p></html>"}`, "")})
	require.NoError(t, err)
	assert.Equal(t, core.PushOK, res[0].Status)
}

// A 301 (http→https, a moved API) must not turn a PUT into a GET whose 200 acknowledges a
// write that never happened.
func TestRedirectDoesNotTurnAPutIntoAGet(t *testing.T) {
	old := `{"id":"n1","title":"old","updatedAt":"` + v1 + `"}`
	c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old/note/n1" {
			http.Redirect(w, r, "/new/note/n1", http.StatusMovedPermanently)
			return
		}
		reply(200, old)(w, r) // the GET of the record: the write never happened
	})
	tr := newTransport(t, c.srv.URL+"/old", func(c *rest.Config) { c.DisableBatch = true })
	res, err := tr.Push(ctx(t), []core.Op{upsert("n1", `{"id":"n1","title":"new"}`, v1)})
	for _, r := range c.requests() {
		assert.NotEqual(t, "GET", r.Method, "the PUT was re-sent as GET %s", r.Path)
	}
	if err == nil {
		assert.NotEqual(t, core.PushOK, res[0].Status, "a write the server never saw was acknowledged")
	}
}

// A huge Retry-After in seconds is a long wait (it overflowed time.Duration into a short one).
func TestHugeRetryAfterDoesNotWrap(t *testing.T) {
	c := newCanned(t, reply(503, `{"error":"x"}`, "Retry-After", "18446744074"))
	_, err := newTransport(t, c.srv.URL, nil).Pull(ctx(t), "note", core.PullRequest{Limit: 10})
	ra, ok := core.RetryAfter(err)
	require.True(t, ok, "err: %v", err)
	assert.GreaterOrEqual(t, ra, time.Hour, "Retry-After of ~585 years became %v", ra)
}
