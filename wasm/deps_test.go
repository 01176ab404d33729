//go:build !js

package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWasmImportGraph keeps the heavy packages out of sync.wasm: net/http alone adds ~1.9 MB
// gzip and, under Node, does not even use fetch; regexp ~127 KB, crypto/rand (or google/uuid)
// ~52 KB, net/url ~28 KB; encoding/json, fmt and reflect together ~196 KB (internal/jsonv and
// core/wire's hand-written codecs stand in: docs/DESIGN.md, "No encoding/json in sync.wasm"; the
// packages that import reflect include encoding/binary and os). The test runs on the host
// (go list only).
func TestWasmImportGraph(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	require.True(t, deps["syscall/js"], "go list did not list the wasm build's graph")
	banned := []string{"net/http", "net", "crypto/tls", "text/template", "html/template",
		"regexp", "net/url", "crypto/rand", "github.com/google/uuid",
		"encoding/json", "fmt", "reflect", "encoding/binary", "os"}
	for _, pkg := range banned {
		require.False(t, deps[pkg], "%s is in the sync.wasm import graph", pkg)
	}
}
