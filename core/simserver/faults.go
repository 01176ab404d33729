package simserver

import (
	"context"
	"time"

	"github.com/offsync/offsync/core"
)

// Transport method names, as hooks and Calls see them.
const (
	MethodPull   = "pull"
	MethodPush   = "push"
	MethodFetch  = "fetch"
	MethodHealth = "health"
)

// Fault is what happens to one pushed op (Hooks.Op).
type Fault int

// Faults of one pushed op. Faults are not remembered under the op's idempotency key: a retry
// of the same key meets the real server.
const (
	Pass Fault = iota // no fault: the server answers normally
	// LoseRequest fails the whole call with a network error before this op is applied. Ops
	// before it in the same call were applied; their answers are lost too.
	LoseRequest
	// LoseResponse applies this op, then fails the whole call with a network error: the
	// answer is lost, the client will retry with the same key.
	LoseResponse
	Unavailable // this op answers 503 (core.PushRetry); the other ops go on
	TooMany     // this op answers 429 with Options.RetryAfter (core.PushRetry)
	Reject      // this op answers 400 (core.PushRejected)
	Missing     // this op answers 404 (core.PushNotFound)
)

// Hooks inject faults; nil fields do nothing. Set them with SetHooks.
type Hooks struct {
	// BeforeCall runs before every Transport call, outside the server's lock, so it may block
	// (a test holding a push "in flight"); it should honour ctx. A non-nil error is the call's
	// error and nothing is applied. ops are the pushed ops for MethodPush, nil otherwise.
	BeforeCall func(ctx context.Context, method string, ops []core.Op) error
	// Op decides the fate of each pushed op, in order, before it is applied. It runs under the
	// server's lock: it must not call the Server.
	Op func(op core.Op) Fault
}

// SetHooks replaces the fault hooks.
func (s *Server) SetHooks(h Hooks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = h
}

// SetOffline makes every call fail with a network error (true) or work again (false).
func (s *Server) SetOffline(offline bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offline = offline
}

// FailNext makes the next len(errs) calls of method fail with errs, in order, applying
// nothing. The errors are usually NetworkError, ServerError, RateLimited or Unauthorized.
func (s *Server) FailNext(method string, errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[method] = append(s.failNext[method], errs...)
}

// NetworkError is the error of a call that got no answer.
func NetworkError(method string) error {
	return core.Errorf(core.CodeNetwork, method, "simulated network failure")
}

// ServerError is the error of a call answered with a 5xx status.
func ServerError(status int) error {
	e := core.Errorf(core.CodeServer, "simserver", "status %d", status)
	e.HTTPStatus = status
	return e
}

// RateLimited is the error of a call answered 429 with Retry-After.
func RateLimited(retryAfter time.Duration) error {
	e := core.Errorf(core.CodeServer, "simserver", "status 429")
	e.RetryAfter, e.HTTPStatus = retryAfter, 429
	return e
}

// Unauthorized is the error of a call answered 401.
func Unauthorized() error {
	e := core.Errorf(core.CodeAuth, "simserver", "status 401")
	e.HTTPStatus = 401
	return e
}
