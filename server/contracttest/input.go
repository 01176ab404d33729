package contracttest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/stretchr/testify/assert"
)

func (s *suite) inputChecks() []Check {
	return []Check{
		{Name: "bad record bodies are 400 and write nothing", Tier: Better, Missing: "no limits on bad input", Without: "a bad op may be stored as sent, or answered 5xx and retried until maxRetries instead of parked with the server's reason", Run: func(t T) {
			kind := s.kind()
			cases := []struct{ name, body string }{
				{"malformed JSON", `{"id": "x", "n": `},
				{"array", `[{"id": "x"}]`},
				{"string", `"x"`},
				{"null", `null`},
				{"number", `42`},
				{"id mismatch", `{"id": "y"}`},
				{"id not a string", `{"id": 7}`},
				{"base not a string", `{"id": "x", "_baseUpdatedAt": 12}`},
			}
			for _, c := range cases {
				r := s.a.do(t, http.MethodPut, recPath(kind, "x"), map[string]string{"X-Idempotency-Key": randomHex(8)}, []byte(c.body))
				requireError(t, r, http.StatusBadRequest)
			}
			assert.Nil(t, s.a.get(t, kind, "x"), "no partial write")
		}},
		{Name: "bad kinds and ids are refused", Tier: Better, Missing: "no limits on bad input", Without: "a bad op may be stored as sent, or answered 5xx and retried until maxRetries instead of parked with the server's reason", Run: func(t T) {
			for _, kind := range []string{"Upper", "1abc", "has-dash", "a" + strings.Repeat("b", 64)} {
				r := s.a.put(t, kind, "x", map[string]any{"id": "x"}, nil)
				requireError(t, r, http.StatusBadRequest, http.StatusNotFound)
				requireError(t, s.a.do(t, http.MethodGet, "/"+kind+"?updatedSince="+epoch, nil, nil), http.StatusBadRequest, http.StatusNotFound)
			}
			long := strings.Repeat("i", 257)
			requireError(t, s.a.put(t, s.kind(), long, map[string]any{"id": long}, nil), http.StatusBadRequest)
			ok := strings.Repeat("i", 256)
			r := s.a.put(t, s.kind(), ok, map[string]any{"id": ok}, nil)
			assert.Equal(t, http.StatusCreated, r.Status, "a 256-byte id is legal: %s", r.Body)
		}},
		{Name: "a body over 1 MiB is 413 and writes nothing", Tier: Better, Missing: "no limits on bad input", Without: "a bad op may be stored as sent, or answered 5xx and retried until maxRetries instead of parked with the server's reason", Run: func(t T) {
			kind := s.kind()
			big := `{"id": "big", "blob": "` + strings.Repeat("x", 2<<20) + `"}`
			r := s.a.do(t, http.MethodPut, recPath(kind, "big"), map[string]string{"X-Idempotency-Key": randomHex(8)}, []byte(big))
			requireError(t, r, http.StatusRequestEntityTooLarge)
			assert.Nil(t, s.a.get(t, kind, "big"))
		}},
		{Name: "bad pull parameters are 400", Tier: Better, Missing: "no limits on bad input", Without: "a bad op may be stored as sent, or answered 5xx and retried until maxRetries instead of parked with the server's reason", Run: func(t T) {
			kind := s.kind()
			for _, q := range []url.Values{
				{"updatedSince": {epoch}, "limit": {"0"}},
				{"updatedSince": {epoch}, "limit": {"1001"}},
				{"updatedSince": {epoch}, "limit": {"ten"}},
				{"updatedSince": {"yesterday"}},
				{"updatedSince": {"2026-13-45T99:00:00Z"}},
				{},
				{"pageToken": {"not a token!"}},
				{"updatedSince": {epoch}, "includeDeleted": {"maybe"}},
			} {
				requireError(t, s.a.do(t, http.MethodGet, "/"+kind+"?"+q.Encode(), nil, nil), http.StatusBadRequest)
			}
		}},
	}
}
