package server

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// staticTypes pins the MIME types a web app needs, whatever the host's mime tables say
// (application/wasm is what WebAssembly.instantiateStreaming insists on).
var staticTypes = map[string]string{
	".wasm":        "application/wasm",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".svg":         "image/svg+xml",
	".ts":          "text/plain; charset=utf-8",
}

// precompressed are the encodings served from a file beside the requested one (sync.wasm.br
// beside sync.wasm), best first: sync.wasm is ~1.0 MB as brotli against ~1.4 MB as gzip.
var precompressed = []struct{ encoding, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// staticHandler serves dir with no-cache, so a demo picks up a rebuilt sync.wasm at once. A
// precompressed copy is served when the client accepts its encoding and the copy is not older
// than the file (a stale copy of a rebuilt file is ignored).
func staticHandler(dir string) http.Handler {
	fs := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		t, typed := staticTypes[path.Ext(r.URL.Path)]
		if typed {
			w.Header().Set("Content-Type", t)
		}
		// Only for pinned types: the copy's own extension would give the wrong one.
		if enc, suffix, ok := compressedCopy(dir, r); ok && typed {
			w.Header().Set("Content-Encoding", enc)
			w.Header().Add("Vary", "Accept-Encoding")
			r2 := r.Clone(r.Context())
			r2.URL.Path += suffix
			fs.ServeHTTP(w, r2)
			return
		}
		fs.ServeHTTP(w, r)
	})
}

// compressedCopy finds the precompressed copy of the requested file the client accepts.
func compressedCopy(dir string, r *http.Request) (encoding, suffix string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead || r.Header.Get("Range") != "" {
		return "", "", false
	}
	accept := r.Header.Get("Accept-Encoding")
	name := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
	orig, err := os.Stat(name)
	if err != nil || orig.IsDir() {
		return "", "", false
	}
	for _, p := range precompressed {
		if !acceptsEncoding(accept, p.encoding) {
			continue
		}
		if c, err := os.Stat(name + p.suffix); err == nil && !c.IsDir() && !c.ModTime().Before(orig.ModTime()) {
			return p.encoding, p.suffix, true
		}
	}
	return "", "", false
}

// acceptsEncoding reports whether an Accept-Encoding header lists enc without q=0.
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
