package server

import (
	"net/http"
	"path"
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

// staticHandler serves dir with no-cache, so a demo picks up a rebuilt sync.wasm at once.
func staticHandler(dir string) http.Handler {
	fs := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		if t, ok := staticTypes[path.Ext(r.URL.Path)]; ok {
			w.Header().Set("Content-Type", t)
		}
		fs.ServeHTTP(w, r)
	})
}
