package contracttest

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (s *suite) basicChecks() []Check {
	return []Check{
		{Name: "GET /{kind}/{id} answers the record, 404 when unknown", Tier: Needed,
			Without: "the client cannot learn a record's version after a write answered without it, nor refetch one",
			Run: func(t T) {
				kind := s.kind()
				rec := s.a.create(t, kind, "r1", map[string]any{"title": "hello", "n": 3, "nested": map[string]any{"a": []any{1, 2}}})
				got := s.a.get(t, kind, "r1")
				require.NotNil(t, got, "GET of a created record")
				assert.Equal(t, "r1", got["id"])
				assert.Equal(t, "hello", got["title"])
				assert.EqualValues(t, 3, got["n"])
				assert.Equal(t, map[string]any{"a": []any{1.0, 2.0}}, got["nested"])
				v, _ := version(t, got)
				assert.Equal(t, versionString(rec), v)
				requireStatus(t, s.a.do(t, http.MethodGet, recPath(kind, "nope"), nil, nil), http.StatusNotFound)
			}},
		{Name: "the server owns versions: a client's is ignored, every write gets a later one", Tier: Needed,
			Without: "conflicts go unseen (two writes with one version) and pulls miss changes",
			Run: func(t T) {
				kind := s.kind()
				rec := s.a.create(t, kind, "own", map[string]any{
					"updatedAt": "1999-01-01T00:00:00Z", "updated_at": "1999-01-01T00:00:00Z",
					"deletedAt": "1999-01-01T00:00:00Z", "deleted_at": "1999-01-01T00:00:00Z",
				})
				_, ts := version(t, rec)
				assert.True(t, ts.Year() > 2000, "the version is the server's time, not the client's: %s", versionString(rec))
				assert.False(t, deleted(rec), "the client's deletedAt is ignored")
				bases := map[string]string{}
				var prev string
				var prevT time.Time
				for i := range 16 {
					id := fmt.Sprintf("v%d", i%4)
					body := map[string]any{"id": id, "i": i}
					if b, ok := bases[id]; ok {
						body["_baseUpdatedAt"] = b
					}
					r := s.a.put(t, kind, id, body, nil)
					require.True(t, r.Status >= 200 && r.Status < 300, "write %d: HTTP %d: %s", i, r.Status, r.Body)
					got := r.record(id)
					if got == nil {
						got = s.a.get(t, kind, id)
					}
					require.NotNil(t, got)
					assert.EqualValues(t, i, got["i"], "the write is stored")
					v, ts := version(t, got)
					if prev != "" {
						assert.True(t, ts.After(prevT), "versions increase: %s then %s", prev, v)
					}
					bases[id], prev, prevT = v, v, ts
				}
			}},
		{Name: "health needs no auth", Tier: Better, Missing: "no GET /health",
			Without: "sync does not use it; only apps that probe /health see the server as down",
			Run: func(t T) {
				r := s.anon.do(t, http.MethodGet, "/health", nil, nil)
				require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
				assert.Equal(t, "ok", r.obj(t)["status"])
			}},
		{Name: "missing or unknown token is 401 and writes nothing", Tier: Better, Missing: "no auth",
			Without: "the client sends its token all the same, but anyone can read and write every record",
			Run: func(t T) {
				if s.a.token == "" {
					t.Skip("no token given")
				}
				kind := s.kind()
				requireError(t, s.anon.do(t, http.MethodGet, "/"+kind+"?updatedSince="+epoch, nil, nil), http.StatusUnauthorized)
				requireError(t, s.anon.put(t, kind, "x", map[string]any{"id": "x"}, nil), http.StatusUnauthorized)
				bogus := &client{s: s, hc: s.a.hc, token: "not-a-token-" + randomHex(8)}
				requireError(t, bogus.do(t, http.MethodGet, recPath(kind, "x"), nil, nil), http.StatusUnauthorized)
				requireError(t, bogus.do(t, http.MethodPost, "/batch", nil, map[string]any{"ops": []any{}}), http.StatusUnauthorized)
				assert.Nil(t, s.a.get(t, kind, "x"), "the refused PUT wrote nothing")
			}},
		{Name: "PUT answers with the stored record", Tier: Better, Missing: "no record in PUT answers",
			Without: "the client fetches GET /{kind}/{id} after each write to learn its version: one round trip more per op",
			Run: func(t T) {
				kind := s.kind()
				r := s.a.put(t, kind, "w", map[string]any{"id": "w", "n": 1}, nil)
				requireStatus(t, r, http.StatusOK, http.StatusCreated)
				rec := r.record("w")
				require.NotNil(t, rec, "the answer is the record (id and updatedAt or updated_at): %s", r.Body)
				assert.Equal(t, rec, s.a.get(t, kind, "w"), "the answer is the stored record")
				r = s.a.put(t, kind, "w", map[string]any{"id": "w", "n": 2, "_baseUpdatedAt": versionString(rec)}, nil)
				requireStatus(t, r, http.StatusOK)
				got := r.record("w")
				require.NotNil(t, got, "the answer is the record: %s", r.Body)
				assert.EqualValues(t, 2, got["n"])
				assert.NotContains(t, got, "_baseUpdatedAt", "the base is not stored")
				assert.Equal(t, got, s.a.get(t, kind, "w"))
			}},
		{Name: "DELETE answers with the tombstone, and GET returns tombstones", Tier: Better,
			Missing: "no tombstone from DELETE (204) or GET (404)",
			Without: "the client fetches GET /{kind}/{id} after each delete (one round trip more) and takes its 404 for deleted",
			Run: func(t T) {
				kind := s.kind()
				v, _ := version(t, s.a.create(t, kind, "w", map[string]any{"n": 1}))
				r := s.a.del(t, kind, "w", v, nil)
				requireStatus(t, r, http.StatusOK)
				tomb := r.record("w")
				require.NotNil(t, tomb, "the answer is the tombstone: %s", r.Body)
				assert.True(t, deleted(tomb), "deletedAt (or deleted_at) is set")
				assert.NotEqual(t, v, versionString(tomb), "a delete advances updatedAt")
				got := s.a.get(t, kind, "w")
				require.NotNil(t, got, "GET returns tombstones")
				assert.Equal(t, tomb, got)
			}},
		{Name: "ids with reserved characters round-trip", Tier: Better, Missing: "ids with reserved characters break",
			Without: "records whose id holds /, ?, #, % or non-ASCII characters cannot sync (UUIDs are fine)",
			Run: func(t T) {
				kind := s.kind()
				for _, id := range []string{"a/b", "with space?&#%", "ünï-код", "x.y~z"} {
					rec := s.a.create(t, kind, id, map[string]any{"v": 1})
					assert.Equal(t, id, rec["id"])
					got := s.a.get(t, kind, id)
					require.NotNil(t, got, "GET %q", id)
					assert.Equal(t, id, got["id"])
				}
			}},
		{Name: "CORS preflight and headers for an allowed origin", Tier: Better, Missing: "no CORS for browser clients",
			Without: "browser apps served from another origin cannot reach the server (Node, apps and same-origin pages can)",
			Run: func(t T) {
				if s.origin == "" {
					t.Skip("no origin configured for CORS checks")
				}
				kind := s.kind()
				r := s.anon.do(t, http.MethodOptions, recPath(kind, "x"), map[string]string{
					"Origin":                         s.origin,
					"Access-Control-Request-Method":  "DELETE",
					"Access-Control-Request-Headers": "authorization,content-type,x-idempotency-key,x-base-updated-at",
				}, nil)
				require.True(t, r.Status >= 200 && r.Status < 300, "preflight status %d", r.Status)
				acao := r.Header.Get("Access-Control-Allow-Origin")
				require.Contains(t, []string{s.origin, "*"}, acao, "Access-Control-Allow-Origin")
				assertListed(t, r.Header.Get("Access-Control-Allow-Methods"), "PUT", "DELETE", "POST")
				assertListed(t, r.Header.Get("Access-Control-Allow-Headers"),
					"authorization", "content-type", "x-idempotency-key", "x-force-update", "x-force-delete", "x-base-updated-at")
				g := s.a.do(t, http.MethodGet, "/"+kind+"?updatedSince="+epoch, map[string]string{"Origin": s.origin}, nil)
				require.Equal(t, http.StatusOK, g.Status)
				assert.Contains(t, []string{s.origin, "*"}, g.Header.Get("Access-Control-Allow-Origin"))
				assertListed(t, g.Header.Get("Access-Control-Expose-Headers"), "retry-after")
			}},
	}
}

// assertListed checks a comma-separated header lists each name (case-insensitively) or "*".
func assertListed(t T, header string, names ...string) {
	t.Helper()
	listed := map[string]bool{}
	for _, f := range splitComma(header) {
		listed[f] = true
	}
	if listed["*"] {
		return
	}
	for _, n := range names {
		assert.True(t, listed[strings.ToLower(n)], "%q lists %s", header, n)
	}
}

func splitComma(h string) []string {
	var out []string
	for _, f := range strings.Split(h, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}
