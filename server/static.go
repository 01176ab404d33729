package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"
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

// staticFiles serves the regular files inside one folder through an os.Root, so no path and no
// symlink leads outside it; directories are never listed (a path ending in / serves its
// index.html, a folder's path without the slash redirects there) and dotfiles (.git, .env) are
// never served.
type staticFiles struct {
	root *os.Root

	mu       sync.Mutex
	versions map[string]fileVersion // by name: the content version of the file as last seen
}

// fileVersion is a file's content version (versionOf) for one modification time and size.
type fileVersion struct {
	mod  time.Time
	size int64
	v    string
}

// staticHandler serves dir with no-cache, so a demo picks up a rebuilt sync.wasm at once, except
// a file asked for by its content version (?v=, see versioned): that URL names one content for
// good. A precompressed copy is served when the client accepts its encoding and the copy is not
// older than the file (a stale copy of a rebuilt file is ignored).
func staticHandler(dir string) (*staticFiles, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("server: static folder: %w", err)
	}
	return &staticFiles{root: root, versions: map[string]fileVersion{}}, nil
}

// immutable is the Cache-Control of a file asked for by its content version.
const immutable = "public, max-age=31536000, immutable"

// versioned reports whether the request names the file's content with ?v=: the first 16 hex
// digits of its SHA-256, as make puts in js/wasm_exec.js for offsync.js's sync.wasm URL. The
// browser may keep such a response without asking again, so a returning page reads sync.wasm,
// and V8's compiled code for it, from its caches: Chromium drops a wasm module's code cache
// when the response is revalidated (docs/DESIGN.md "sync.wasm's URL names its build"). A stale
// or made-up version gets the no-cache answer, so no URL is ever kept with other content.
func (sf *staticFiles) versioned(r *http.Request, name string, f *os.File, info fs.FileInfo) bool {
	want := r.URL.Query().Get("v")
	if len(want) != 16 {
		return false
	}
	sf.mu.Lock()
	fv, ok := sf.versions[name]
	sf.mu.Unlock()
	if !ok || !fv.mod.Equal(info.ModTime()) || fv.size != info.Size() {
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(f, 0, info.Size())); err != nil {
			return false
		}
		fv = fileVersion{mod: info.ModTime(), size: info.Size(), v: hex.EncodeToString(h.Sum(nil))[:16]}
		sf.mu.Lock()
		sf.versions[name] = fv
		sf.mu.Unlock()
	}
	return fv.v == want
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		allowMethods(w, r, http.MethodGet, http.MethodHead)
		return
	}
	name, ok := staticName(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, codeNotFound, "no such file")
		return
	}
	f, info, ok := sf.open(name)
	if !ok {
		if sf.isApp(name) {
			// A folder holding an index.html, asked without its slash: where its page is.
			http.Redirect(w, r, path.Base(name)+"/", http.StatusMovedPermanently)
			return
		}
		writeError(w, http.StatusNotFound, codeNotFound, "no such file")
		return
	}
	defer f.Close()
	if sf.versioned(r, name, f, info) {
		h.Set("Cache-Control", immutable)
	}
	ctype, pinned := staticTypes[path.Ext(name)]
	if !pinned {
		if ctype = mime.TypeByExtension(path.Ext(name)); ctype == "" {
			ctype = "application/octet-stream"
		}
	}
	h.Set("Content-Type", ctype)
	// Only for pinned types: the copy's own extension would give the wrong one.
	if pinned && r.Header.Get("Range") == "" {
		if enc, c, cinfo, ok := sf.compressedCopy(name, info.ModTime(), r.Header.Get("Accept-Encoding")); ok {
			defer c.Close()
			h.Set("Content-Encoding", enc)
			h.Add("Vary", "Accept-Encoding")
			http.ServeContent(w, r, name, cinfo.ModTime(), c)
			return
		}
	}
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// staticName maps a URL path to a slash-separated name inside the root: "" and paths ending
// in / name their index.html; any segment starting with a dot is refused.
func staticName(p string) (string, bool) {
	clean := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") || clean == "/" {
		clean = path.Join(clean, "index.html")
	}
	name := strings.TrimPrefix(clean, "/")
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	return name, true
}

// open opens name when it is a regular file inside the root (symlinks are followed only
// while they stay inside it).
func (sf *staticFiles) open(name string) (*os.File, fs.FileInfo, bool) {
	f, err := sf.root.Open(name)
	if err != nil {
		return nil, nil, false
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, false
	}
	return f, info, true
}

// isApp reports whether name is a folder with an index.html (served at name + "/").
func (sf *staticFiles) isApp(name string) bool {
	if d, err := sf.root.Stat(name); err != nil || !d.IsDir() {
		return false
	}
	i, err := sf.root.Stat(name + "/index.html")
	return err == nil && i.Mode().IsRegular()
}

// compressedCopy opens the precompressed copy of name the client accepts, when it is not
// older than the file.
func (sf *staticFiles) compressedCopy(name string, mod time.Time, accept string) (string, *os.File, fs.FileInfo, bool) {
	for _, p := range precompressed {
		if !acceptsEncoding(accept, p.encoding) {
			continue
		}
		c, info, ok := sf.open(name + p.suffix)
		if !ok {
			continue
		}
		if !info.ModTime().Before(mod) {
			return p.encoding, c, info, true
		}
		c.Close()
	}
	return "", nil, nil, false
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
