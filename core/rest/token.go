package rest

import (
	"context"
	"errors"
	"sync"
)

// tokens shares one call of the token provider among the requests that need credentials while
// it is under way: a sync pulls several kinds at once, and in a browser each call is an await of
// the app's async function (and a wake-up of the wasm program). Requests that start after it
// returned ask again, so a rotated token is picked up as before.
type tokens struct {
	mu     sync.Mutex
	flight *tokenCall
}

type tokenCall struct {
	done chan struct{}
	tok  string
	err  error
}

// get returns the provider's answer, from the call under way when there is one. A caller whose
// ctx is still live does not take a leader's cancellation as its own answer: it asks again.
func (ts *tokens) get(ctx context.Context, provider func(context.Context) (string, error)) (string, error) {
	for {
		ts.mu.Lock()
		c := ts.flight
		if c == nil {
			c = &tokenCall{done: make(chan struct{})}
			ts.flight = c
			ts.mu.Unlock()
			c.tok, c.err = provider(ctx)
			ts.mu.Lock()
			ts.flight = nil
			ts.mu.Unlock()
			close(c.done)
			return c.tok, c.err
		}
		ts.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		if c.err != nil && (errors.Is(c.err, context.Canceled) || errors.Is(c.err, context.DeadlineExceeded)) && ctx.Err() == nil {
			continue
		}
		return c.tok, c.err
	}
}
