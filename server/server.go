// Package server is offsync's reference REST server: every endpoint of
// docs/CONTRACT.md over SQLite (embedded default) or PostgreSQL (several server
// processes may share one database and behave as one server).
//
// Versions: updatedAt is fixed-width RFC 3339 UTC with microseconds
// (2026-11-26T01:02:03.456789Z), strictly increasing per (tenant, kind) even when the wall
// clock steps back, and assigned under a per-(tenant, kind) serialisation so commit order equals
// (updatedAt, id) order.
//
// Choices where CONTRACT.md is loose:
//   - A PUT whose _baseUpdatedAt equals a tombstone's updatedAt revives it (200, deletedAt
//     cleared); a stale base on a tombstone is a 409 whose current has deletedAt.
//   - A PUT with _baseUpdatedAt for an id the server does not have creates it (201).
//   - A DELETE of a tombstone answers 200 with the tombstone unchanged.
//   - Idempotency keys are kept per tenant for IdempotencyTTL (24 h), at most
//     IdempotencyMaxKeys per tenant (oldest dropped), pruned on a timer; a key replays the first
//     answer that wrote or found nothing to write (200, 201, 404). A 409 wrote nothing and is
//     not kept (a replay re-evaluates it); requests refused before the version check (400, 401,
//     413, 429) are not recorded either. A success larger than 4 KiB is kept without its record.
//   - POST /batch takes ≤ 500 ops (counted before decoding) and a body of up to 8 × MaxBody; each
//     op's payload is held to MaxBody (413 for that op alone). All valid ops of a batch run in one
//     transaction. It reads at most 32 MiB of stored records and answers with at most 8 MiB of
//     them (limits.go): ops past the first are deferred (503), successes past the second carry
//     no data, conflicts past it are deferred.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/offsync/offsync/server/storage"
	"github.com/offsync/offsync/server/storage/postgres"
	"github.com/offsync/offsync/server/storage/sqlite"
)

// Defaults of Config.
const (
	DefaultMaxBody        = 1 << 20
	DefaultIdempotencyTTL = 24 * time.Hour
	defaultPruneEvery     = time.Minute
	openTimeout           = 30 * time.Second
)

// Config configures a Server.
type Config struct {
	// DB is a SQLite file path or a postgres:// (postgresql://) URL. Ignored when Storage is set.
	DB string
	// Storage, when set, is used instead of opening DB; the Server then closes it on Close.
	Storage storage.Storage
	// Tokens maps bearer tokens to tenants.
	Tokens map[string]string
	// Dev accepts any bearer token as its own tenant. For demos only.
	Dev bool
	// Prefix mounts the API under a path (e.g. "/api"); required with StaticDir.
	Prefix string
	// StaticDir, when set, is served at / with no-cache headers (a web app and its sync.wasm).
	StaticDir string
	// CORSOrigins lists the allowed browser origins; "*" allows any.
	CORSOrigins []string
	// MaxBody is the largest accepted record body in bytes [DefaultMaxBody].
	MaxBody int64
	// Rate limits each tenant to this many requests per second (burst of the same size); 0 is off.
	Rate float64
	// IdempotencyTTL is how long idempotency keys are kept [DefaultIdempotencyTTL].
	IdempotencyTTL time.Duration
	// IdempotencyMaxKeys bounds the keys kept per tenant [DefaultIdempotencyMaxKeys].
	IdempotencyMaxKeys int
	// PruneEvery is the period of the timer that drops expired and surplus keys [1 min].
	PruneEvery time.Duration
	// MaxPageBytes caps the records of one pull page in bytes [DefaultMaxPageBytes].
	MaxPageBytes int
	// Now is the clock [time.Now].
	Now func() time.Time
	// Logger [slog.Default()].
	Logger *slog.Logger
}

// Server is the REST server; it is an http.Handler.
type Server struct {
	cfg    Config
	store  storage.Storage
	log    *slog.Logger
	static *staticFiles
	keys   *keyJanitor

	rateMu  sync.Mutex
	buckets map[string]*bucket
	// sweepAt is the bucket count at which full buckets are dropped (ratelimit.go).
	sweepAt int
}

// New opens the storage (creating or migrating its schema) and returns the server.
func New(cfg Config) (*Server, error) {
	if len(cfg.Tokens) == 0 && !cfg.Dev {
		return nil, errors.New("server: no tokens and not in dev mode: every request would be refused (give tokens, or Dev for demos)")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.IdempotencyTTL <= 0 {
		cfg.IdempotencyTTL = DefaultIdempotencyTTL
	}
	if cfg.IdempotencyMaxKeys <= 0 {
		cfg.IdempotencyMaxKeys = DefaultIdempotencyMaxKeys
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = defaultPruneEvery
	}
	if cfg.MaxPageBytes <= 0 {
		cfg.MaxPageBytes = DefaultMaxPageBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Prefix = strings.TrimRight(cfg.Prefix, "/")
	if cfg.Prefix != "" && !strings.HasPrefix(cfg.Prefix, "/") {
		return nil, fmt.Errorf("server: prefix %q must start with /", cfg.Prefix)
	}
	if cfg.StaticDir != "" && cfg.Prefix == "" {
		return nil, errors.New("server: serving static files needs an API prefix (e.g. /api)")
	}
	s := &Server{cfg: cfg, log: cfg.Logger, store: cfg.Storage, buckets: map[string]*bucket{}}
	if cfg.StaticDir != "" {
		h, err := staticHandler(cfg.StaticDir)
		if err != nil {
			return nil, err
		}
		s.static = h
	}
	if s.store == nil {
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		st, err := openStorage(ctx, cfg.DB)
		if err != nil {
			return nil, err
		}
		s.store = st
	}
	s.keys = startKeyJanitor(s)
	return s, nil
}

func openStorage(ctx context.Context, db string) (storage.Storage, error) {
	switch {
	case db == "":
		return nil, errors.New("server: no database given")
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return postgres.Open(ctx, db)
	default:
		return sqlite.Open(ctx, db)
	}
}

// Close stops the key janitor and closes the storage.
func (s *Server) Close() error {
	s.keys.stop()
	if s.static != nil {
		s.static.root.Close()
	}
	return s.store.Close()
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// ServeHTTP routes the API (under Prefix) and the static files.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w, r = guardUnread(w, r)
	p := r.URL.EscapedPath()
	if s.cfg.Prefix != "" {
		rest, ok := strings.CutPrefix(p, s.cfg.Prefix)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			if s.static != nil {
				s.static.ServeHTTP(w, r)
				return
			}
			writeError(w, http.StatusNotFound, codeNotFound, "no such endpoint")
			return
		}
		p = rest
	}
	s.serveAPI(w, r, p)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, escPath string) {
	if s.cors(w, r) {
		return
	}
	if _, ok := query(w, r); !ok {
		return
	}
	segs, ok := splitPath(escPath)
	if !ok {
		writeError(w, http.StatusBadRequest, codeBadRequest, "malformed path")
		return
	}
	if len(segs) == 1 && segs[0] == "health" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		writeJSON(w, http.StatusOK, []byte(`{"status":"ok"}`))
		return
	}
	tenant := s.tenantOf(r)
	if tenant == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="offsync"`)
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "missing or unknown bearer token")
		return
	}
	if wait, ok := s.allow(tenant); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int((wait+time.Second-1)/time.Second)))
		writeError(w, http.StatusTooManyRequests, codeRateLimited, "too many requests; retry later")
		return
	}
	switch {
	case len(segs) == 1 && segs[0] == "batch" && r.Method == http.MethodPost:
		s.handleBatch(w, r, tenant)
	case len(segs) == 1:
		if !allowMethods(w, r, http.MethodGet) {
			return
		}
		s.handlePull(w, r, tenant, segs[0])
	case len(segs) == 2:
		switch r.Method {
		case http.MethodGet:
			s.handleGet(w, r, tenant, segs[0], segs[1])
		case http.MethodPut:
			s.handlePut(w, r, tenant, segs[0], segs[1])
		case http.MethodDelete:
			s.handleDelete(w, r, tenant, segs[0], segs[1])
		default:
			allowMethods(w, r, http.MethodGet, http.MethodPut, http.MethodDelete)
		}
	default:
		writeError(w, http.StatusNotFound, codeNotFound, "no such endpoint")
	}
}

// allowMethods answers 405 unless r's method is listed.
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeError(w, http.StatusMethodNotAllowed, codeMethod, r.Method+" is not allowed here")
	return false
}

// splitPath splits an escaped path into unescaped segments, so ids may contain %2F.
func splitPath(esc string) ([]string, bool) {
	esc = strings.Trim(esc, "/")
	if esc == "" {
		return nil, true
	}
	parts := strings.Split(esc, "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

// internalError logs err and answers 500 (or 503 when the caller went away or timed out).
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		writeError(w, http.StatusServiceUnavailable, codeInternal, "request cancelled")
		return
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, codeInternal, "internal server error")
}
