package e2e

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/faultproxy"
)

// sleeps records the engine's backoff waits instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// TestBadAnswersLoseNothing (ARCHITECTURE.md rule 7): a proxy's HTML 500/503 page in the push
// or the pull phase fails the sync with a categorised error, keeps the outbox and the cursor
// where they were, and the next sync succeeds; a 429's Retry-After reaches the engine's backoff.
func TestBadAnswersLoseNothing(t *testing.T) {
	e := startServer(t)
	ctx := testCtx(t, 60*time.Second)
	p, err := faultproxy.Start(faultproxy.Config{Target: e.URL, RetryAfter: "3"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	var waits sleeps
	a := newClient(t, p.URL(), tokA, func(c *core.Config) {
		c.MaxRetries, c.BackoffMax, c.Sleep = new(1), new(10*time.Second), waits.sleep
	}, nil)

	a.put(ctx, "n1", `"v":1`)
	p.Next(faultproxy.HTML500, faultproxy.HTML500)
	_, err = a.Sync(ctx, core.SyncOptions{})
	require.True(t, errors.Is(err, core.ErrServer), "push phase: %v", err)
	assert.NotContains(t, err.Error(), "<html", "no HTML in the error")
	n, err := a.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the op stays")
	a.sync(ctx)

	b := newClient(t, p.URL(), tokB, func(c *core.Config) {
		c.MaxRetries, c.BackoffMax, c.Sleep = new(1), new(10*time.Second), waits.sleep
	}, nil)
	p.Next(faultproxy.HTML503, faultproxy.HTML503)
	_, err = b.Sync(ctx, core.SyncOptions{})
	require.True(t, errors.Is(err, core.ErrServer), "pull phase: %v", err)
	cursors, err := b.Cursors(ctx)
	require.NoError(t, err)
	assert.True(t, cursors[kind].IsZero(), "the cursor did not move")
	assert.Nil(t, b.fields(ctx, "n1"))

	before := len(waits.all())
	p.Next(faultproxy.TooMany)
	st := b.sync(ctx)
	assert.Equal(t, 1, st.Pulled)
	w := waits.all()
	require.Greater(t, len(w), before)
	assert.Equal(t, 3*time.Second, w[len(w)-1], "the server's Retry-After is the wait")
	requireConverged(t, ctx, e.URL, a, b)
}
