package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
)

// A file asked for by its content version (?v=, the first 16 hex digits of its SHA-256, as
// offsync.js asks for sync.wasm) may be kept by the browser for good; a stale or made-up
// version, or none, is answered no-cache, and a rebuilt file's old version is no longer kept.
func TestStaticFileByItsContentVersionIsImmutable(t *testing.T) {
	web := t.TempDir()
	wasm := filepath.Join(web, "sync.wasm")
	require.NoError(t, os.WriteFile(wasm, []byte("\x00asm one"), 0o644))
	_, api := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Prefix: "/api", StaticDir: web})
	root := strings.TrimSuffix(api, "/api")
	version := func(body string) string {
		sum := sha256.Sum256([]byte(body))
		return hex.EncodeToString(sum[:])[:16]
	}
	v1 := version("\x00asm one")
	get := func(query string) response {
		r := call(t, http.MethodGet, root+"/sync.wasm"+query, "", nil, nil)
		require.Equal(t, http.StatusOK, r.status, query)
		return r
	}
	const kept = "public, max-age=31536000, immutable"
	cases := []struct{ query, cacheControl string }{
		{"?v=" + v1, kept},
		{"?v=" + v1, kept}, // the version as remembered
		{"", "no-cache"},
		{"?v=0123456789abcdef", "no-cache"},
		{"?v=" + v1[:15], "no-cache"},
		{"?w=" + v1, "no-cache"},
	}
	for _, c := range cases {
		r := get(c.query)
		assert.Equal(t, c.cacheControl, r.header.Get("Cache-Control"), c.query)
		assert.Equal(t, "\x00asm one", string(r.body), c.query)
	}

	require.NoError(t, os.WriteFile(wasm, []byte("\x00asm two, rebuilt"), 0o644))
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(wasm, later, later))
	assert.Equal(t, "no-cache", get("?v="+v1).header.Get("Cache-Control"), "the old version names other content now")
	assert.Equal(t, kept, get("?v="+version("\x00asm two, rebuilt")).header.Get("Cache-Control"))
}
