//go:build !js

package main

import (
	"os"
	"os/exec"
	"path/filepath"
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

// TestWasmOneSort keeps sync.wasm at one sort implementation (sort.Slice's): slices.Sort,
// slices.SortFunc and sort.Strings (slices.Sort underneath) compile a whole pdqsort per element
// type, ~20 KB of wasm (~5 KB gzip) each, and sort.SliceStable brings its own merge sort
// (~4 KB of wasm). It reads the function names of a build with symbols.
func TestWasmOneSort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sync.wasm")
	}
	out := filepath.Join(t.TempDir(), "sync.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", msg)
	bin, err := os.ReadFile(out)
	require.NoError(t, err)
	names := wasmFuncNames(t, bin)
	require.Contains(t, names, "sort.pdqsort_func", "the name section was not read")
	for _, n := range names {
		require.False(t, strings.HasPrefix(n, "slices.pdqsort"), "a generic sort is in sync.wasm: %s", n)
		require.False(t, strings.HasPrefix(n, "sort.stable"), "a stable sort is in sync.wasm: %s", n)
	}
}

// wasmFuncNames returns the function names of a wasm module's name section.
func wasmFuncNames(t *testing.T, b []byte) []string {
	t.Helper()
	require.GreaterOrEqual(t, len(b), 8)
	p := 8
	uleb := func() int {
		v, s := 0, 0
		for {
			require.Less(t, p, len(b), "truncated module")
			c := b[p]
			p++
			v |= int(c&0x7f) << s
			if c&0x80 == 0 {
				return v
			}
			s += 7
		}
	}
	for p < len(b) {
		id := b[p]
		p++
		end := uleb()
		end += p
		if id != 0 {
			p = end
			continue
		}
		l := uleb()
		name := string(b[p : p+l])
		p += l
		if name != "name" {
			p = end
			continue
		}
		for p < end {
			sub := b[p]
			p++
			subEnd := uleb()
			subEnd += p
			if sub == 1 { // function names
				var names []string
				for n := uleb(); n > 0; n-- {
					uleb() // function index
					l := uleb()
					names = append(names, string(b[p:p+l]))
					p += l
				}
				return names
			}
			p = subEnd
		}
	}
	return nil
}
