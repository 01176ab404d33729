package server

import (
	"context"
	"sync"
	"time"
)

// keyJanitor bounds the saved idempotency answers: a timer drops the expired ones and trims
// every tenant to IdempotencyMaxKeys even when no writes come, and a tenant that saved a
// quarter of its bound through this process since the last trim is trimmed at once, so a
// tenant never holds more than IdempotencyMaxKeys × (1 + processes/4) keys.
type keyJanitor struct {
	s      *Server
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	fresh map[string]int // tenant → keys saved here since its last trim
}

const janitorTimeout = 30 * time.Second

func startKeyJanitor(s *Server) *keyJanitor {
	ctx, cancel := context.WithCancel(context.Background())
	j := &keyJanitor{s: s, cancel: cancel, done: make(chan struct{}), fresh: map[string]int{}}
	go j.run(ctx)
	return j
}

func (j *keyJanitor) stop() {
	j.cancel()
	<-j.done
}

func (j *keyJanitor) run(ctx context.Context) {
	defer close(j.done)
	t := time.NewTicker(j.s.cfg.PruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			j.sweep(ctx)
		}
	}
}

// sweep prunes expired keys and trims crowded tenants.
func (j *keyJanitor) sweep(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, janitorTimeout)
	defer cancel()
	s := j.s
	if n, err := s.store.Prune(ctx, s.now().Add(-s.cfg.IdempotencyTTL)); err != nil {
		s.log.Error("pruning idempotency keys failed", "err", err)
	} else if n > 0 {
		s.log.Debug("pruned idempotency keys", "count", n)
	}
	crowded, err := s.store.CrowdedTenants(ctx, s.cfg.IdempotencyMaxKeys)
	if err != nil {
		s.log.Error("counting idempotency keys failed", "err", err)
		return
	}
	for _, t := range crowded {
		j.trim(ctx, t)
	}
	j.mu.Lock()
	clear(j.fresh)
	j.mu.Unlock()
}

func (j *keyJanitor) trim(ctx context.Context, tenant string) {
	s := j.s
	if n, err := s.store.Trim(ctx, tenant, s.cfg.IdempotencyMaxKeys); err != nil {
		s.log.Error("trimming idempotency keys failed", "tenant", tenant, "err", err)
	} else if n > 0 {
		s.log.Debug("trimmed idempotency keys", "tenant", tenant, "count", n)
	}
}

// savedKeys notes that a write saved n keys for tenant, trimming it when a quarter of its
// bound came in since its last trim.
func (s *Server) savedKeys(ctx context.Context, tenant string, n int) {
	if n == 0 {
		return
	}
	j := s.keys
	j.mu.Lock()
	j.fresh[tenant] += n
	due := j.fresh[tenant] >= max(1, s.cfg.IdempotencyMaxKeys/4)
	if due {
		delete(j.fresh, tenant)
	}
	j.mu.Unlock()
	if due {
		j.trim(context.WithoutCancel(ctx), tenant)
	}
}
