package core

import (
	"context"
	"time"
)

// retryable reports whether the engine tries a failed request again: 429/5xx answers and
// timeouts. A network error (no answer at all) is not retried: offline fails fast
// (ARCHITECTURE.md rule 11), the next sync tries again.
func retryable(err error) bool {
	switch CodeOf(err) {
	case CodeServer, CodeTimeout:
		return true
	}
	return false
}

// backoff is the wait before retry n (0 for the first retry) after err: the server's
// Retry-After when it gave one (at most BackoffMax), else exponential backoff with full
// jitter, uniform in [BackoffMin, min(BackoffMax, BackoffMin·2^(n+1))].
func (e *Engine) backoff(n int, err error) time.Duration {
	if ra, ok := RetryAfter(err); ok {
		return min(ra, e.lim.backoffMax)
	}
	lo, hi := e.lim.backoffMin, e.lim.backoffMin
	for i := 0; i <= n && hi < e.lim.backoffMax; i++ {
		hi *= 2
	}
	hi = min(max(hi, lo), e.lim.backoffMax)
	return lo + time.Duration(e.cfg.Jitter()*float64(hi-lo))
}

// wait sleeps before retry n, ending early with a cancelled error when ctx ends.
func (e *Engine) wait(ctx context.Context, n int, err error) error {
	if serr := e.cfg.Sleep(ctx, e.backoff(n, err)); serr != nil {
		return Wrap(CodeCancelled, "sync", serr)
	}
	if ctx.Err() != nil {
		return Wrap(CodeCancelled, "sync", ctx.Err())
	}
	return nil
}

// withRetry calls fn until it succeeds, fails with an error not worth retrying, or
// MaxRetries retries were spent; it returns fn's last error.
func (e *Engine) withRetry(ctx context.Context, fn func() error) error {
	for n := 0; ; n++ {
		err := fn()
		if err == nil || !retryable(err) || n >= e.lim.maxRetries || ctx.Err() != nil {
			return err
		}
		if werr := e.wait(ctx, n, err); werr != nil {
			return werr
		}
	}
}
