package rest

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/offsync/offsync/core"
)

// escapeSamples covers every byte alone and inside text, plus UTF-8 and the usual suspects.
func escapeSamples() []string {
	s := []string{"", "plain", "a b", "tok+/=", "2026-01-02T03:04:05.123456+02:00", "día/ß?#%", "%zz", "  ", "a;b,c/d?e"}
	for c := range 256 {
		s = append(s, string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"y")
	}
	return s
}

func TestEscapeMatchesNetURL(t *testing.T) {
	for _, s := range escapeSamples() {
		assert.Equal(t, url.PathEscape(s), pathEscape(s), "path %q", s)
		assert.Equal(t, url.QueryEscape(s), queryEscape(s), "query %q", s)
	}
}

func FuzzEscapeMatchesNetURL(f *testing.F) {
	for _, s := range escapeSamples() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := pathEscape(s), url.PathEscape(s); got != want {
			t.Fatalf("pathEscape(%q) = %q, want %q", s, got, want)
		}
		if got, want := queryEscape(s), url.QueryEscape(s); got != want {
			t.Fatalf("queryEscape(%q) = %q, want %q", s, got, want)
		}
	})
}

// netURLPull is pullURL as it was written with net/url: the hand-built URL must equal it.
func netURLPull(base, kind string, req core.PullRequest) string {
	q := url.Values{}
	if req.PageToken != "" {
		q.Set("pageToken", req.PageToken)
	} else {
		since := req.After.UpdatedAt
		if since == "" {
			since = zeroSince
		}
		q.Set("updatedSince", since)
		if req.After.UpdatedAt != "" && req.After.ID != "" {
			q.Set("afterId", req.After.ID)
		}
	}
	if req.Limit > 0 {
		q.Set("limit", strconv.Itoa(req.Limit))
	}
	q.Set("includeDeleted", "true")
	return base + "/" + url.PathEscape(kind) + "?" + q.Encode()
}

func TestPullURLMatchesNetURL(t *testing.T) {
	tr := &Transport{base: "https://h.example/api"}
	reqs := []core.PullRequest{
		{},
		{Limit: 50},
		{After: core.Cursor{UpdatedAt: "2026-01-02T03:04:05.123456+02:00", ID: "a b&c=d"}, Limit: 2},
		{After: core.Cursor{UpdatedAt: "2026-01-02T03:04:05Z"}},
		{After: core.Cursor{ID: "only-id"}, Limit: 1},
		{After: core.Cursor{UpdatedAt: "x", ID: "y"}, PageToken: "tok+/= é", Limit: 9},
		{PageToken: "t"},
	}
	for _, kind := range []string{"note", "daily_feeling"} {
		for _, req := range reqs {
			assert.Equal(t, netURLPull(tr.base, kind, req), tr.pullURL(kind, req), "%+v", req)
		}
	}
}
