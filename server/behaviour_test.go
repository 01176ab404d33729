package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
	"github.com/offsync/offsync/server/storage"
	"github.com/offsync/offsync/server/storage/postgres"
	"github.com/offsync/offsync/server/storage/sqlite"
)

func TestVersionsIncreaseWhenTheClockStepsBack(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			clk := newClock()
			_, base := newServer(t, server.Config{DB: b.db(t), Now: clk.Now})
			var prev string
			for i := range 6 {
				if i == 3 {
					clk.Add(-2 * time.Hour)
				}
				r := call(t, http.MethodPut, fmt.Sprintf("%s/notes/n%d", base, i), "tok-a", nil, map[string]any{"id": fmt.Sprintf("n%d", i)})
				require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
				v := r.obj(t)["updatedAt"].(string)
				require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`, v)
				assert.Greater(t, v, prev)
				prev = v
			}
			assert.Equal(t, "2026-11-26T01:00:00.000005Z", prev, "after the step back versions go on from the last one")
			r := call(t, http.MethodPut, base+"/other/x", "tok-a", nil, map[string]any{"id": "x"})
			assert.Equal(t, "2026-11-25T23:00:00.000000Z", r.obj(t)["updatedAt"], "another kind has its own sequence: the (stepped back) clock")
		})
	}
}

// openStorage opens a backend directly, for seeding rows the API cannot produce.
func openStorage(t *testing.T, name, db string) storage.Storage {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var st storage.Storage
	var err error
	if name == "postgres" {
		st, err = postgres.Open(ctx, db)
	} else {
		st, err = sqlite.Open(ctx, db)
	}
	require.NoError(t, err)
	return st
}

func TestPaginationVisitsEachOfManyEqualVersionsOnce(t *testing.T) {
	const n = 250
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := openStorage(t, b.name, b.db(t))
			ctx := context.Background()
			require.NoError(t, st.Write(ctx, func(tx storage.Tx) error {
				var rows []storage.Row
				for i := range n {
					id := fmt.Sprintf("id-%03d", (i*7)%n)
					v := "2026-01-01T00:00:00.000000Z"
					if i%50 == 0 {
						v = "2026-01-01T00:00:00.000001Z"
					}
					doc := fmt.Sprintf(`{"id":%q,"updatedAt":%q}`, id, v)
					rows = append(rows, storage.Row{Kind: "bulk", ID: id, UpdatedAt: v, Doc: []byte(doc)})
				}
				return tx.Flush(ctx, "tenant-a", rows, nil, time.Now())
			}))
			_, base := newServer(t, server.Config{Storage: st})
			seen := map[string]int{}
			var lastU, lastID string
			q := url.Values{"updatedSince": {"1970-01-01T00:00:00Z"}, "limit": {"7"}}
			for pages := 0; ; pages++ {
				require.Less(t, pages, 100)
				r := call(t, http.MethodGet, base+"/bulk?"+q.Encode(), "tok-a", nil, nil)
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				m := r.obj(t)
				for _, it := range m["items"].([]any) {
					rec := it.(map[string]any)
					u, id := rec["updatedAt"].(string), rec["id"].(string)
					require.True(t, u > lastU || (u == lastU && id > lastID), "(%s,%s) after (%s,%s)", u, id, lastU, lastID)
					lastU, lastID = u, id
					seen[id]++
				}
				next, _ := m["nextPageToken"].(string)
				if next == "" {
					break
				}
				q = url.Values{"pageToken": {next}, "limit": {"7"}}
			}
			assert.Len(t, seen, n)
			for id, c := range seen {
				assert.Equal(t, 1, c, id)
			}
		})
	}
}

func TestIdempotencyKeysExpireAfterTheTTL(t *testing.T) {
	clk := newClock()
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Now: clk.Now, PruneEvery: 10 * time.Millisecond})
	key := map[string]string{"X-Idempotency-Key": "op-1"}
	first := call(t, http.MethodPut, base+"/notes/a", "tok-a", key, map[string]any{"id": "a"})
	require.Equal(t, http.StatusCreated, first.status)
	clk.Add(23 * time.Hour)
	time.Sleep(50 * time.Millisecond) // a few prunes
	again := call(t, http.MethodPut, base+"/notes/a", "tok-a", key, map[string]any{"id": "a"})
	assert.Equal(t, http.StatusCreated, again.status, "kept for 23 h: replayed")
	assert.JSONEq(t, string(first.body), string(again.body))
	clk.Add(2 * time.Hour)
	require.Eventually(t, func() bool {
		late := call(t, http.MethodPut, base+"/notes/a", "tok-a", key, map[string]any{"id": "a"})
		return late.status == http.StatusConflict // the pruned key is a new attempt
	}, 10*time.Second, 20*time.Millisecond)
}

func TestRateLimitPerTenant(t *testing.T) {
	clk := newClock()
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Now: clk.Now, Rate: 2})
	pull := base + "/notes?updatedSince=1970-01-01T00:00:00Z"
	for range 2 {
		assert.Equal(t, http.StatusOK, call(t, http.MethodGet, pull, "tok-a", nil, nil).status)
	}
	r := call(t, http.MethodGet, pull, "tok-a", nil, nil)
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Equal(t, "rate_limited", r.obj(t)["error"])
	assert.Equal(t, http.StatusOK, call(t, http.MethodGet, pull, "tok-b", nil, nil).status, "other tenants are not limited")
	assert.Equal(t, http.StatusOK, call(t, http.MethodGet, base+"/health", "", nil, nil).status, "health is never limited")
	clk.Add(600 * time.Millisecond)
	assert.Equal(t, http.StatusOK, call(t, http.MethodGet, pull, "tok-a", nil, nil).status, "a token came back")
}

func TestStaticFilesBesideThePrefixedAPI(t *testing.T) {
	web := t.TempDir()
	for name, body := range map[string]string{"index.html": "<!doctype html>", "sync.wasm": "\x00asm", "offsync.js": "export {}"} {
		require.NoError(t, os.WriteFile(filepath.Join(web, name), []byte(body), 0o644))
	}
	_, api := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Prefix: "/api", StaticDir: web})
	root := strings.TrimSuffix(api, "/api")
	cases := []struct{ path, ctype string }{
		{"/", "text/html; charset=utf-8"},
		{"/sync.wasm", "application/wasm"},
		{"/offsync.js", "text/javascript; charset=utf-8"},
	}
	for _, c := range cases {
		r := call(t, http.MethodGet, root+c.path, "", nil, nil)
		require.Equal(t, http.StatusOK, r.status, c.path)
		assert.Equal(t, c.ctype, r.header.Get("Content-Type"), c.path)
		assert.Equal(t, "no-cache", r.header.Get("Cache-Control"), c.path)
	}
	assert.Equal(t, http.StatusOK, call(t, http.MethodGet, api+"/health", "", nil, nil).status)
	assert.Equal(t, http.StatusNotFound, call(t, http.MethodGet, root+"/apix/health", "", nil, nil).status, "only /api/… is the API")
	_, err := server.New(server.Config{DB: filepath.Join(t.TempDir(), "y.db"), Dev: true, StaticDir: web})
	assert.Error(t, err, "static files need a prefix for the API")
}

func TestRoutingAndRefusals(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	cases := []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"POST on a kind", http.MethodPost, "/notes", map[string]any{}, http.StatusMethodNotAllowed},
		{"PATCH on a record", http.MethodPatch, "/notes/a", map[string]any{}, http.StatusMethodNotAllowed},
		{"too deep", http.MethodGet, "/notes/a/b", nil, http.StatusNotFound},
		{"root", http.MethodGet, "/", nil, http.StatusNotFound},
		{"NUL in id", http.MethodPut, "/notes/a%00b", map[string]any{"id": "a\x00b"}, http.StatusBadRequest},
		{"invalid UTF-8 id", http.MethodGet, "/notes/%FF", nil, http.StatusBadRequest},
		{"afterId with NUL", http.MethodGet, "/notes?updatedSince=1970-01-01T00:00:00Z&afterId=%00", nil, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, c.method, base+c.path, "tok-a", nil, c.body)
			assert.Equal(t, c.status, r.status, "%s", r.body)
			assert.NotEmpty(t, r.obj(t)["error"])
		})
	}
	r := call(t, http.MethodPut, base+"/notes/a", "tok-a", map[string]string{"X-Idempotency-Key": strings.Repeat("k", 300)}, map[string]any{"id": "a"})
	assert.Equal(t, http.StatusBadRequest, r.status, "oversized idempotency key")
}

// CONTRACT.md "Delete": X-Base-Updated-At is "the same base as the query parameter ...; a
// server reads either". The seed's example backend reads only the header.
func TestDeleteReadsItsBaseFromTheQueryOrTheHeader(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	put := func(id string) string {
		r := call(t, http.MethodPut, base+"/notes/"+id, "tok-a", nil, map[string]any{"id": id})
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		return r.obj(t)["updatedAt"].(string)
	}
	del := func(id, query, header string) response {
		hdr := map[string]string{}
		if header != "" {
			hdr["X-Base-Updated-At"] = header
		}
		u := base + "/notes/" + id
		if query != "" {
			u += "?_baseUpdatedAt=" + url.QueryEscape(query)
		}
		return call(t, http.MethodDelete, u, "tok-a", hdr, nil)
	}
	stale := "2000-01-01T00:00:00.000000Z"

	v := put("h")
	assert.Equal(t, http.StatusConflict, del("h", "", stale).status, "a stale base in the header")
	r := del("h", "", v)
	assert.Equal(t, http.StatusOK, r.status, "the current base in the header: %s", r.body)
	assert.NotNil(t, r.obj(t)["deletedAt"])

	v = put("q")
	assert.Equal(t, http.StatusOK, del("q", v, "").status, "the query parameter alone")
	v = put("both")
	assert.Equal(t, http.StatusOK, del("both", v, v).status, "both, the same (as the client sends them)")

	v = put("differ")
	for _, c := range [][2]string{{v, stale}, {stale, v}} {
		r := del("differ", c[0], c[1])
		assert.Equal(t, http.StatusBadRequest, r.status, "query %s, header %s: %s", c[0], c[1], r.body)
	}
	assert.Nil(t, call(t, http.MethodGet, base+"/notes/differ", "tok-a", nil, nil).obj(t)["deletedAt"], "a refused delete changes nothing")
}

func TestAuthModes(t *testing.T) {
	_, err := server.New(server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	require.Error(t, err, "no tokens and no dev mode")

	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "y.db"), Dev: true})
	r := call(t, http.MethodPut, base+"/notes/a", "anyone", nil, map[string]any{"id": "a"})
	require.Equal(t, http.StatusCreated, r.status)
	assert.Equal(t, http.StatusNotFound, call(t, http.MethodGet, base+"/notes/a", "someone-else", nil, nil).status,
		"in dev mode each token is its own tenant")
	assert.Equal(t, http.StatusUnauthorized, call(t, http.MethodGet, base+"/notes/a", "", nil, nil).status)
	r = call(t, http.MethodGet, base+"/notes/a", "", map[string]string{"Authorization": "Basic YTpi"}, nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "only bearer tokens")
}

func TestParseTokens(t *testing.T) {
	cases := []struct {
		name, in string
		want     map[string]string
		err      bool
	}{
		{"pairs and comments", "# comment\n\ntokA tenant1\n  tokB   tenant2  \n", map[string]string{"tokA": "tenant1", "tokB": "tenant2"}, false},
		{"empty", "# nothing\n", map[string]string{}, false},
		{"one field", "tokA\n", nil, true},
		{"three fields", "tokA t1 extra\n", nil, true},
		{"duplicate token", "tokA t1\ntokA t2\n", nil, true},
		{"UTF-8 BOM ignored", "\uFEFFtokA t1\r\ntokB t2\r\n", map[string]string{"tokA": "t1", "tokB": "t2"}, false},
		{"control character", "tokA t1\ntok\x1bB t2\n", nil, true},
		{"NUL", "tokA t\x001\n", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := server.ParseTokens(strings.NewReader(c.in))
			if c.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestSchemaMigrationIsIdempotentAcrossRestarts(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.db(t)
			s1, base1 := newServer(t, server.Config{DB: db})
			r := call(t, http.MethodPut, base1+"/notes/a", "tok-a", nil, map[string]any{"id": "a", "n": 1})
			require.Equal(t, http.StatusCreated, r.status)
			require.NoError(t, s1.Close())
			_, base2 := newServer(t, server.Config{DB: db})
			got := call(t, http.MethodGet, base2+"/notes/a", "tok-a", nil, nil)
			require.Equal(t, http.StatusOK, got.status)
			assert.JSONEq(t, string(r.body), string(got.body))
		})
	}
}

func TestPullOrdersEqualVersionsByIDBytes(t *testing.T) {
	ids := []string{"é", "a b", "Z", "aa", "a", "B", "0", "~", "ab"}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := openStorage(t, b.name, b.db(t))
			ctx := context.Background()
			require.NoError(t, st.Write(ctx, func(tx storage.Tx) error {
				var rows []storage.Row
				for _, id := range ids {
					doc := fmt.Sprintf(`{"id":%q,"updatedAt":"2026-01-01T00:00:00.000000Z"}`, id)
					rows = append(rows, storage.Row{Kind: "k", ID: id, UpdatedAt: "2026-01-01T00:00:00.000000Z", Doc: []byte(doc)})
				}
				return tx.Flush(ctx, "tenant-a", rows, nil, time.Now())
			}))
			_, base := newServer(t, server.Config{Storage: st})
			var got []string
			q := url.Values{"updatedSince": {"2026-01-01T00:00:00Z"}, "limit": {"2"}}
			for range 20 {
				r := call(t, http.MethodGet, base+"/k?"+q.Encode(), "tok-a", nil, nil)
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				m := r.obj(t)
				for _, it := range m["items"].([]any) {
					got = append(got, it.(map[string]any)["id"].(string))
				}
				next, _ := m["nextPageToken"].(string)
				if next == "" {
					break
				}
				q = url.Values{"pageToken": {next}, "limit": {"2"}}
			}
			want := slices.Clone(ids)
			slices.Sort(want) // Go string order is byte order
			assert.Equal(t, want, got)
		})
	}
}

func TestStaticServesPrecompressedCopies(t *testing.T) {
	web := t.TempDir()
	write := func(name, body string, mod time.Time) {
		p := filepath.Join(web, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		require.NoError(t, os.Chtimes(p, mod, mod))
	}
	now := time.Now()
	write("sync.wasm", "\x00asm plain", now)
	write("sync.wasm.br", "brotli bytes", now)
	write("sync.wasm.gz", "gzip bytes", now)
	write("app.js", "export {}", now)
	write("app.js.br", "stale brotli", now.Add(-time.Hour))
	_, api := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Prefix: "/api", StaticDir: web})
	root := strings.TrimSuffix(api, "/api")
	cases := []struct {
		name, path, accept, encoding, body string
	}{
		{"brotli preferred", "/sync.wasm", "gzip, deflate, br", "br", "brotli bytes"},
		{"gzip when brotli is not accepted", "/sync.wasm", "gzip", "gzip", "gzip bytes"},
		{"q=0 refuses an encoding", "/sync.wasm", "br;q=0, gzip", "gzip", "gzip bytes"},
		{"nothing accepted", "/sync.wasm", "", "", "\x00asm plain"},
		{"a copy older than the file is ignored", "/app.js", "br", "", "export {}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, http.MethodGet, root+c.path, "", map[string]string{"Accept-Encoding": c.accept}, nil)
			require.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, c.encoding, r.header.Get("Content-Encoding"))
			assert.Equal(t, c.body, string(r.body))
			assert.Equal(t, staticType(c.path), r.header.Get("Content-Type"), "the file's type, not the copy's")
			if c.encoding != "" {
				assert.Equal(t, "Accept-Encoding", r.header.Get("Vary"))
			}
		})
	}
}

func staticType(p string) string {
	if strings.HasSuffix(p, ".wasm") {
		return "application/wasm"
	}
	return "text/javascript; charset=utf-8"
}
