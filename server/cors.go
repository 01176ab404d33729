package server

import (
	"net/http"
	"slices"
)

// Headers a browser client sends and reads (CONTRACT.md).
const (
	corsAllowHeaders  = "Authorization, Content-Type, X-Idempotency-Key, X-Force-Update, X-Force-Delete, X-Base-Updated-At"
	corsExposeHeaders = "Retry-After, Date, Content-Length"
	corsAllowMethods  = "GET, PUT, DELETE, POST, OPTIONS"
)

// cors sets the CORS headers for an allowed origin and answers preflights. It reports whether
// the request was fully answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	h := w.Header()
	if len(s.cfg.CORSOrigins) > 0 {
		h.Add("Vary", "Origin") // the answer depends on Origin: caches must not mix them
	}
	if origin != "" && (slices.Contains(s.cfg.CORSOrigins, "*") || slices.Contains(s.cfg.CORSOrigins, origin)) {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		if preflight {
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", "600")
		}
	}
	if preflight {
		w.WriteHeader(http.StatusNoContent)
	}
	return preflight
}
