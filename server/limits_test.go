package server_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
)

func TestMaxBodyForRecordsAndBatches(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), MaxBody: 1000})
	big := strings.Repeat("x", 1500)
	r := call(t, http.MethodPut, base+"/notes/a", "tok-a", nil, map[string]any{"id": "a", "blob": big})
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)
	assert.Equal(t, "too_large", r.obj(t)["error"])

	r = call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": []any{
		map[string]any{"opId": "o1", "kind": "notes", "id": "b", "type": "upsert", "payload": map[string]any{"id": "b", "blob": big}},
		map[string]any{"opId": "o2", "kind": "notes", "id": "c", "type": "upsert", "payload": map[string]any{"id": "c"}},
	}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	res := r.obj(t)["results"].([]any)
	assert.EqualValues(t, http.StatusRequestEntityTooLarge, res[0].(map[string]any)["statusCode"], "the oversized op alone is refused")
	assert.EqualValues(t, http.StatusCreated, res[1].(map[string]any)["statusCode"])

	ops := make([]any, 12)
	for i := range ops {
		ops[i] = map[string]any{"opId": "p", "kind": "notes", "id": "p", "type": "upsert", "payload": map[string]any{"id": "p", "blob": big[:900]}}
	}
	r = call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": ops})
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status, "a batch body over 8 × MaxBody")
	assert.Equal(t, http.StatusNotFound, call(t, http.MethodGet, base+"/notes/p", "tok-a", nil, nil).status)
}

func TestCORSOnlyForConfiguredOrigins(t *testing.T) {
	cases := []struct {
		name    string
		origins []string
		origin  string
		allowed bool
	}{
		{"listed", []string{"http://a.test", "http://b.test"}, "http://b.test", true},
		{"wildcard", []string{"*"}, "http://any.test", true},
		{"not listed", []string{"http://a.test"}, "http://evil.test", false},
		{"none configured", nil, "http://a.test", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), CORSOrigins: c.origins})
			pre := call(t, http.MethodOptions, base+"/notes/a", "", map[string]string{
				"Origin": c.origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization",
			}, nil)
			assert.Equal(t, http.StatusNoContent, pre.status, "preflights need no token")
			get := call(t, http.MethodGet, base+"/notes/a", "tok-a", map[string]string{"Origin": c.origin}, nil)
			if c.allowed {
				assert.Equal(t, c.origin, pre.header.Get("Access-Control-Allow-Origin"))
				assert.Contains(t, pre.header.Get("Access-Control-Allow-Headers"), "X-Idempotency-Key")
				assert.Equal(t, c.origin, get.header.Get("Access-Control-Allow-Origin"))
				assert.Contains(t, get.header.Get("Access-Control-Expose-Headers"), "Retry-After")
				return
			}
			assert.Empty(t, pre.header.Get("Access-Control-Allow-Origin"))
			assert.Empty(t, get.header.Get("Access-Control-Allow-Origin"))
		})
	}
}
