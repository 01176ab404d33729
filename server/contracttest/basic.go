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
		{"health needs no auth", func(t T) {
			r := s.anon.do(t, http.MethodGet, "/health", nil, nil)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			assert.Equal(t, "ok", r.obj(t)["status"])
		}},
		{"missing or unknown token is 401 and writes nothing", func(t T) {
			kind := s.kind()
			requireError(t, s.anon.do(t, http.MethodGet, "/"+kind+"?updatedSince="+epoch, nil, nil), http.StatusUnauthorized)
			requireError(t, s.anon.put(t, kind, "x", map[string]any{"id": "x"}, nil), http.StatusUnauthorized)
			bogus := &client{s: s, hc: s.a.hc, token: "not-a-token-" + randomHex(8)}
			requireError(t, bogus.do(t, http.MethodGet, recPath(kind, "x"), nil, nil), http.StatusUnauthorized)
			requireError(t, bogus.do(t, http.MethodPost, "/batch", nil, map[string]any{"ops": []any{}}), http.StatusUnauthorized)
			assert.Nil(t, s.a.get(t, kind, "x"), "the refused PUT wrote nothing")
		}},
		{"create returns 201 with server-owned updatedAt", func(t T) {
			kind := s.kind()
			r := s.a.put(t, kind, "r1", map[string]any{
				"id": "r1", "title": "hello", "n": 3, "nested": map[string]any{"a": []any{1, 2}},
				"updatedAt": "1999-01-01T00:00:00Z", "deletedAt": "1999-01-01T00:00:00Z",
			}, nil)
			require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
			rec := r.obj(t)
			assert.Equal(t, "r1", rec["id"])
			assert.Equal(t, "hello", rec["title"])
			assert.EqualValues(t, 3, rec["n"])
			assert.Equal(t, map[string]any{"a": []any{1.0, 2.0}}, rec["nested"])
			v, ts := version(t, rec)
			assert.NotEqual(t, "1999-01-01T00:00:00Z", v, "client's updatedAt is ignored")
			assert.True(t, ts.Year() > 2000, "updatedAt is the server's time, got %s", v)
			assert.Nil(t, rec["deletedAt"], "client's deletedAt is ignored")
			assert.Equal(t, rec, s.a.get(t, kind, "r1"), "GET returns the stored record")
		}},
		{"unknown record is 404", func(t T) {
			requireError(t, s.a.do(t, http.MethodGet, recPath(s.kind(), "nope"), nil, nil), http.StatusNotFound)
		}},
		{"ids with reserved characters round-trip", func(t T) {
			kind := s.kind()
			for _, id := range []string{"a/b", "with space?&#%", "ünï-код", "x.y~z"} {
				rec := s.a.create(t, kind, id, map[string]any{"v": 1})
				assert.Equal(t, id, rec["id"])
				got := s.a.get(t, kind, id)
				require.NotNil(t, got, "GET %q", id)
				assert.Equal(t, id, got["id"])
			}
		}},
		{"versions strictly increase within a kind", func(t T) {
			kind := s.kind()
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
				require.Contains(t, []int{http.StatusOK, http.StatusCreated}, r.Status, "%s", r.Body)
				v, ts := version(t, r.obj(t))
				if prev != "" {
					assert.Greater(t, v, prev, "updatedAt string order")
					assert.True(t, ts.After(prevT), "updatedAt time order: %s then %s", prev, v)
				}
				bases[id], prev, prevT = v, v, ts
			}
		}},
		{"CORS preflight and headers for an allowed origin", func(t T) {
			if s.origin == "" {
				t.Skip("no origin configured for CORS checks")
			}
			kind := s.kind()
			r := s.anon.do(t, http.MethodOptions, recPath(kind, "x"), map[string]string{
				"Origin":                         s.origin,
				"Access-Control-Request-Method":  "PUT",
				"Access-Control-Request-Headers": "authorization,content-type,x-idempotency-key,x-force-update",
			}, nil)
			require.True(t, r.Status >= 200 && r.Status < 300, "preflight status %d", r.Status)
			acao := r.Header.Get("Access-Control-Allow-Origin")
			require.Contains(t, []string{s.origin, "*"}, acao, "Access-Control-Allow-Origin")
			assertListed(t, r.Header.Get("Access-Control-Allow-Methods"), "PUT", "DELETE", "POST")
			assertListed(t, r.Header.Get("Access-Control-Allow-Headers"),
				"authorization", "content-type", "x-idempotency-key", "x-force-update", "x-force-delete")
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
