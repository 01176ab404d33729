package core

import (
	"context"
	"time"
)

// defaultAutoInterval is StartAuto's period when given none.
const defaultAutoInterval = 5 * time.Minute

// autoLoop is a running StartAuto.
type autoLoop struct {
	stop chan struct{}
}

// StartAuto syncs every interval (and a full resync when one is due) until StopAuto or Close.
// Calling it again changes the interval.
func (e *Engine) StartAuto(interval time.Duration) {
	if interval <= 0 {
		interval = defaultAutoInterval
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	e.stopAutoLocked()
	l := &autoLoop{stop: make(chan struct{})}
	e.auto = l
	e.workers.Add(1)
	go e.autoRun(l, interval)
}

// StopAuto stops automatic syncing; a running sync finishes.
func (e *Engine) StopAuto() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopAutoLocked()
}

func (e *Engine) stopAutoLocked() {
	if e.auto != nil {
		close(e.auto.stop)
		e.auto = nil
	}
}

// autoRun ticks until stopped or closed. Each tick joins or runs a sync of every kind; its
// outcome reaches the app through events.
func (e *Engine) autoRun(l *autoLoop, interval time.Duration) {
	defer e.workers.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-e.closeCtx.Done():
			return
		case <-t.C:
		}
		_, _ = e.syncOrResync(context.Background())
	}
}
