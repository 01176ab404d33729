package rest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

func TestPullQuery(t *testing.T) {
	tests := []struct {
		name string
		req  core.PullRequest
		want url.Values
	}{
		{"zero cursor", core.PullRequest{Limit: 50},
			url.Values{"updatedSince": {"1970-01-01T00:00:00Z"}, "limit": {"50"}, "includeDeleted": {"true"}}},
		{"cursor", core.PullRequest{After: core.Cursor{UpdatedAt: "2026-01-02T03:04:05.123456Z", ID: "a b"}, Limit: 2},
			url.Values{"updatedSince": {"2026-01-02T03:04:05.123456Z"}, "afterId": {"a b"}, "limit": {"2"}, "includeDeleted": {"true"}}},
		{"page token replaces cursor", core.PullRequest{After: core.Cursor{UpdatedAt: "x", ID: "y"}, PageToken: "tok+/=", Limit: 9},
			url.Values{"pageToken": {"tok+/="}, "limit": {"9"}, "includeDeleted": {"true"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCanned(t, reply(200, `{"items":[],"nextPageToken":null}`))
			tr := newTransport(t, c.srv.URL+"/api/", nil)
			_, err := tr.Pull(ctx(t), "note", tc.req)
			require.NoError(t, err)
			r := c.requests()[0]
			assert.Equal(t, "GET", r.Method)
			assert.Equal(t, "/api/note", r.Path)
			q, err := url.ParseQuery(r.Query)
			require.NoError(t, err)
			assert.Equal(t, tc.want, q)
			assert.Equal(t, "Bearer tok", r.Header.Get("Authorization"))
		})
	}
}

func TestPullParsesItemsOnceKeepingRawJSON(t *testing.T) {
	body := `{"items":[
	 {"id":"a","title":"x","nested":{"id":"zzz","updatedAt":"no"},"updatedAt":"2026-01-01T00:00:00.000001Z","deletedAt":null},
	 {"id":"b","updated_at":"2026-01-01T00:00:01Z","deleted_at":"2026-01-01T00:00:01Z"},
	 {"id":"c","updatedAt":"2026-01-01T00:00:02Z","deletedAt":"2026-01-01T00:00:02Z"}],
	 "nextPageToken":"p2"}`
	c := newCanned(t, reply(200, body, "Date", "Tue, 10 Nov 2026 23:00:00 GMT"))
	page, err := newTransport(t, c.srv.URL, nil).Pull(ctx(t), "note", core.PullRequest{Limit: 3})
	require.NoError(t, err)
	require.Len(t, page.Items, 3)
	assert.Equal(t, "p2", page.NextPageToken)
	assert.Equal(t, time.Date(2026, 11, 10, 23, 0, 0, 0, time.UTC), page.ServerTime)
	a := page.Items[0]
	assert.Equal(t, core.Record{Kind: "note", ID: "a", UpdatedAt: "2026-01-01T00:00:00.000001Z", Data: a.Data}, a)
	assert.JSONEq(t, `{"id":"a","title":"x","nested":{"id":"zzz","updatedAt":"no"},"updatedAt":"2026-01-01T00:00:00.000001Z","deletedAt":null}`, string(a.Data))
	assert.Equal(t, "2026-01-01T00:00:01Z", page.Items[1].UpdatedAt, "snake_case accepted")
	assert.True(t, page.Items[1].Deleted)
	assert.True(t, page.Items[2].Deleted)
}

func TestPullLastPageHasNoToken(t *testing.T) {
	for _, body := range []string{`{"items":[]}`, `{"items":[],"nextPageToken":null}`} {
		c := newCanned(t, reply(200, body))
		page, err := newTransport(t, c.srv.URL, nil).Pull(ctx(t), "note", core.PullRequest{})
		require.NoError(t, err)
		assert.Empty(t, page.NextPageToken)
		assert.Empty(t, page.Items)
	}
}

func TestPullBadAnswers(t *testing.T) {
	html := "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
	tests := []struct {
		name      string
		h         func() (int, string, []string)
		code      core.Code
		retryable bool
		after     time.Duration
		msg       string
	}{
		{"HTML 500", func() (int, string, []string) { return 500, html, []string{"Content-Type", "text/html"} }, core.CodeServer, true, 0, "HTTP 500"},
		{"HTML 200 from a captive portal", func() (int, string, []string) { return 200, html, []string{"Content-Type", "text/html"} }, core.CodeProtocol, false, 0, "HTML page"},
		{"truncated JSON", func() (int, string, []string) {
			return 200, `{"items":[{"id":"a","updatedAt":"2026-01-01T00:00:00Z"`, nil
		}, core.CodeProtocol, false, 0, "pull body"},
		{"no items", func() (int, string, []string) { return 200, `{"data":[]}`, nil }, core.CodeProtocol, false, 0, "items"},
		{"401", func() (int, string, []string) { return 401, `{"error":"unauthorized","message":"bad token"}`, nil }, core.CodeAuth, false, 0, "bad token"},
		{"403", func() (int, string, []string) { return 403, `{"error":"forbidden"}`, nil }, core.CodeAuth, false, 0, "forbidden"},
		{"429 Retry-After seconds", func() (int, string, []string) { return 429, `{"error":"rate_limited"}`, []string{"Retry-After", "7"} }, core.CodeServer, true, 7 * time.Second, "429"},
		{"503 Retry-After date", func() (int, string, []string) {
			return 503, "busy", []string{"Date", "Tue, 10 Nov 2026 23:00:00 GMT", "Retry-After", "Tue, 10 Nov 2026 23:01:30 GMT", "Content-Type", "text/plain"}
		}, core.CodeServer, true, 90 * time.Second, "busy"},
		{"unknown kind", func() (int, string, []string) { return 404, `{"error":"not_found","message":"unknown kind"}`, nil }, core.CodeInvalid, false, 0, "unknown kind"},
	}
	for _, tc := range tests {
		for _, hold := range []bool{false, true} {
			t.Run(tc.name+" hold="+strconv.FormatBool(hold), func(t *testing.T) {
				st, body, hdr := tc.h()
				c := newCanned(t, reply(st, body, hdr...))
				tr := newTransport(t, c.srv.URL, func(cfg *rest.Config) {
					if hold { // a Doer that keeps bodies until they are taken, as the browser's
						cfg.Doer = &holdingDoer{Doer: cfg.Doer}
					}
				})
				_, err := tr.Pull(ctx(t), "note", core.PullRequest{})
				e := coreErr(t, err)
				assert.Equal(t, tc.code, e.Code, err.Error())
				assert.Equal(t, tc.retryable, e.Retryable)
				assert.Equal(t, tc.after, e.RetryAfter)
				assert.Contains(t, err.Error(), tc.msg)
				assert.NotContains(t, err.Error(), "<html>", "no HTML in messages")
			})
		}
	}
}

func TestTokenProvider(t *testing.T) {
	c := newCanned(t, reply(200, `{"items":[]}`))
	calls := 0
	tests := []struct {
		tok  string
		err  error
		want string
	}{
		{"abc", nil, "Bearer abc"},
		{"Bearer xyz", nil, "Bearer xyz"},
		{"", nil, ""},
	}
	for _, tc := range tests {
		tr := newTransport(t, c.srv.URL, func(cfg *rest.Config) {
			cfg.UserAgent = "offsync-test/1"
			cfg.Token = func(context.Context) (string, error) { calls++; return tc.tok, tc.err }
		})
		_, err := tr.Pull(ctx(t), "note", core.PullRequest{})
		require.NoError(t, err)
		r := c.requests()[len(c.requests())-1]
		assert.Equal(t, tc.want, r.Header.Get("Authorization"))
		assert.Equal(t, "offsync-test/1", r.Header.Get("User-Agent"))
		require.NoError(t, tr.Health(ctx(t)))
		assert.Empty(t, c.requests()[len(c.requests())-1].Header.Get("Authorization"), "health sends no credentials")
	}
	assert.Equal(t, 3, calls, "called once per authenticated request")

	n := len(c.requests())
	tr := newTransport(t, c.srv.URL, func(cfg *rest.Config) {
		cfg.Token = func(context.Context) (string, error) { return "", errors.New("refresh failed") }
	})
	_, err := tr.Pull(ctx(t), "note", core.PullRequest{})
	assert.True(t, errors.Is(err, core.ErrAuth), "%v", err)
	assert.Contains(t, err.Error(), "refresh failed")
	assert.Len(t, c.requests(), n, "nothing sent without a token")
}

func TestFetchAndHealth(t *testing.T) {
	c := newCanned(t, reply(200, `{"id":"a/b","updatedAt":"2026-01-01T00:00:00Z","deletedAt":"2026-01-01T00:00:00Z"}`))
	tr := newTransport(t, c.srv.URL, nil)
	rec, ok, err := tr.Fetch(ctx(t), "note", "a/b")
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, rec.Deleted)
	assert.Equal(t, "/note/a/b", c.requests()[0].Path)

	missing := newCanned(t, reply(404, `{"error":"not_found"}`))
	_, ok, err = newTransport(t, missing.srv.URL, nil).Fetch(ctx(t), "note", "x")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.True(t, errors.Is(newTransport(t, missing.srv.URL, nil).Health(ctx(t)), core.ErrInvalid))
}

func TestDoerFailures(t *testing.T) {
	c := newCanned(t, reply(200, `{"items":[]}`))
	url := c.srv.URL
	c.srv.Close()
	_, err := newTransport(t, url, nil).Pull(ctx(t), "note", core.PullRequest{})
	e := coreErr(t, err)
	assert.Equal(t, core.CodeNetwork, e.Code)
	assert.True(t, e.Retryable)

	slow := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	tr := newTransport(t, slow.srv.URL, nil)
	short, cancel := context.WithTimeout(ctx(t), 50*time.Millisecond)
	defer cancel()
	_, err = tr.Pull(short, "note", core.PullRequest{})
	assert.True(t, errors.Is(err, core.ErrTimeout), "%v", err)

	_, err = newTransport(t, slow.srv.URL, func(c *rest.Config) { c.RequestTimeout = 50 * time.Millisecond }).
		Pull(ctx(t), "note", core.PullRequest{})
	assert.True(t, errors.Is(err, core.ErrTimeout), "per-request timeout: %v", err)

	cancelled, cancel2 := context.WithCancel(ctx(t))
	time.AfterFunc(50*time.Millisecond, cancel2)
	_, err = tr.Pull(cancelled, "note", core.PullRequest{})
	assert.True(t, errors.Is(err, core.ErrCancelled), "%v", err)
}
