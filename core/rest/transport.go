package rest

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/offsync/offsync/core"
)

// Config configures a Transport. Zero values take the defaults in brackets.
type Config struct {
	// BaseURL is the API root, e.g. "http://127.0.0.1:8080/api" (required).
	BaseURL string
	// Doer moves the bytes (required): rest/nethttp on the host, fetch in the wasm build.
	Doer Doer
	// Token returns the credentials for one request; it is called before every request but
	// /health, except that requests starting while a call is under way share its answer. A
	// bare token is sent as "Bearer <token>"; a value that already names a scheme ("Bearer
	// abc", as the JS API's provider returns) is sent as is; "" sends no header. Its error
	// fails the call with an auth error. nil sends no Authorization header.
	Token func(ctx context.Context) (string, error)
	// UserAgent is sent as User-Agent when not empty.
	UserAgent string
	// DisableBatch sends every op as its own PUT/DELETE instead of POST /batch [false].
	// Without it the transport still falls back to single ops, for good, the first time a
	// server answers /batch with 404 or 405.
	DisableBatch bool
	// RequestTimeout bounds each request (token provider included); past it the call fails
	// with a timeout error. 0 leaves it to the caller's ctx and the Doer.
	RequestTimeout time.Duration
	// PushConcurrency bounds the single-op requests in flight at once [4], at most 32.
	PushConcurrency int
	// Now is the clock used to turn an HTTP-date Retry-After into a delay when the response
	// has no Date header [time.Now].
	Now func() time.Time
}

// maxBatch is CONTRACT.md's limit of ops in one POST /batch.
const maxBatch = 500

// Transport is core.Transport over the REST contract (CONTRACT.md). It keeps no state between
// calls except whether the server has POST /batch, and is safe for concurrent use.
type Transport struct {
	cfg     Config
	base    string
	noBatch atomic.Bool
	tokens  tokens
}

var (
	_ core.Transport  = (*Transport)(nil)
	_ core.PullSender = (*Transport)(nil)
)

// New checks cfg and returns a Transport.
func New(cfg Config) (*Transport, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, core.Errorf(core.CodeInvalid, "rest.New", "BaseURL %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.Doer == nil {
		return nil, core.Errorf(core.CodeInvalid, "rest.New", "Doer is required")
	}
	switch {
	case cfg.PushConcurrency <= 0:
		cfg.PushConcurrency = 4
	case cfg.PushConcurrency > 32:
		cfg.PushConcurrency = 32
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	t := &Transport{cfg: cfg, base: base}
	t.noBatch.Store(cfg.DisableBatch)
	return t, nil
}

// BatchSupported reports whether pushes currently go through POST /batch.
func (t *Transport) BatchSupported() bool { return !t.noBatch.Load() }
