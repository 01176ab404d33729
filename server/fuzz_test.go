package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
)

// FuzzBadInputNeverFails500 feeds arbitrary kinds, ids, headers and bodies to PUT, DELETE,
// pull and batch: the answer is never a 5xx and always a JSON body. `go test` runs the seeds;
// `go test -fuzz FuzzBadInput ./server` explores further.
func FuzzBadInputNeverFails500(f *testing.F) {
	seeds := []struct{ kind, id, base, body string }{
		{"notes", "a", "", `{"id":"a"}`},
		{"notes", "a", "2026-01-01T00:00:00.000000Z", `{"id":"a","_baseUpdatedAt":null}`},
		{"Notes", "", "", `{`},
		{"n", "a\x00b", "x", `[]`},
		{"n", "\xff", "", `{"id":"\u0000"}`},
		{"n", "a", "", `{"id":"a","updatedAt":5,"deletedAt":{"x":1}}`},
		{"n", "a", "", `{"ops":[{"opId":7}]}`},
		{"n", "a", "", `{"ops":[{"kind":"n","id":"a","type":"upsert","payload":"x"}]}`},
		{"n", "a", "", `{"ops":[{"kind":"n","id":"a","type":"delete","baseUpdatedAt":3}]}`},
	}
	for _, s := range seeds {
		f.Add(s.kind, s.id, s.base, s.body)
	}
	srv, err := server.New(server.Config{DB: filepath.Join(f.TempDir(), "fuzz.db"), Tokens: testTokens})
	require.NoError(f, err)
	f.Cleanup(func() { srv.Close() })
	f.Fuzz(func(t *testing.T, kind, id, base, body string) {
		path := "/" + url.PathEscape(kind) + "/" + url.PathEscape(id)
		reqs := []*http.Request{
			httptest.NewRequest(http.MethodPut, path, bytes.NewBufferString(body)),
			httptest.NewRequest(http.MethodDelete, path+"?_baseUpdatedAt="+url.QueryEscape(base), nil),
			httptest.NewRequest(http.MethodGet, path, nil),
			httptest.NewRequest(http.MethodGet, "/"+url.PathEscape(kind)+"?"+url.Values{
				"updatedSince": {base}, "afterId": {id}, "pageToken": {body}, "limit": {id}}.Encode(), nil),
			httptest.NewRequest(http.MethodPost, "/batch", bytes.NewBufferString(body)),
		}
		for _, r := range reqs {
			r.Header.Set("Authorization", "Bearer tok-a")
			r.Header.Set("X-Idempotency-Key", base)
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			require.Less(t, w.Code, 500, "%s %s: %s", r.Method, r.URL, w.Body)
			require.True(t, json.Valid(w.Body.Bytes()), "%s %s: body is JSON: %q", r.Method, r.URL, w.Body)
		}
	})
}
