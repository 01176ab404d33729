package core

import (
	"context"
	"strconv"
	"time"
)

// Full resync reasons (Event.Reason).
const (
	ReasonManual   = "manual"   // FullResync was called
	ReasonInterval = "interval" // the last full resync is older than FullResyncInterval
)

// metaLastFullResync is the Meta key holding the Unix ms of the last full resync.
const metaLastFullResync = "lastFullResync"

// runSync is one sync run over kinds: push, then pull.
func (e *Engine) runSync(ctx context.Context, kinds []string) (Stats, error) {
	return e.syncing(ctx, kinds, func(ctx context.Context, st *runState) error {
		if err := e.push(ctx, st); err != nil {
			return err
		}
		if err := e.refetch(ctx, st); err != nil {
			return err
		}
		return e.pull(ctx, st)
	})
}

// syncOrResync is a sync of every kind, or the full resync when one is due. A first sync
// starts the full resync clock.
func (e *Engine) syncOrResync(ctx context.Context) (Stats, error) {
	return e.exclusive(ctx, modeSync, func(ctx context.Context) (Stats, error) {
		last, known := e.lastFullResync(ctx)
		if known && e.cfg.FullResyncInterval > 0 && e.cfg.Now().Sub(last) >= e.cfg.FullResyncInterval {
			return e.runFullResync(ctx, false, ReasonInterval)
		}
		stats, err := e.runSync(ctx, e.cfg.Kinds)
		if err == nil && !known {
			e.markFullResync(ctx)
		}
		return stats, err
	})
}

// syncing wraps a run's body with its events, stats and status: "status" (syncing),
// "syncStarted", the body's own events, "error" on failure, "completed", "status".
func (e *Engine) syncing(ctx context.Context, kinds []string, body func(ctx context.Context, st *runState) error) (Stats, error) {
	st := newRunState(kinds)
	start := e.cfg.Now()
	e.setSyncing(true, -1)
	finished := false
	defer func() {
		if !finished { // a panic (in a resolver, say) must not leave the status "syncing"
			e.setSyncing(false, -1)
		}
	}()
	e.emit(Event{Type: EventSyncStarted, Phase: "push", Kinds: cloneStrings(kinds)})
	err := e.loadDeferred(ctx, st)
	if err == nil {
		err = body(ctx, st)
	}
	if err != nil && ctx.Err() != nil {
		err = Wrap(CodeCancelled, "sync", ctx.Err())
	}
	stats := st.snapshot()
	stats.DurationMs = e.cfg.Now().Sub(start).Milliseconds()
	if err != nil {
		stats.Errors++
		e.emit(Event{Type: EventError, Err: err})
	} else {
		e.syncedAt(nowMs(e.cfg.Now))
	}
	final := stats
	e.emit(Event{Type: EventCompleted, Stats: &final, Err: err})
	pending := -1
	st.mu.Lock()
	exact := st.pendingExact
	st.mu.Unlock()
	if !exact {
		pending = e.countPending(context.WithoutCancel(ctx))
	}
	e.setSyncing(false, pending)
	finished = true
	return stats, err
}

// loadDeferred notes which ops have a durable deferred conflict, so that settling them
// removes it.
func (e *Engine) loadDeferred(ctx context.Context, st *runState) error {
	cs, err := e.cfg.Store.Conflicts(ctx)
	if err != nil {
		return Wrap(CodeStorage, "sync", err)
	}
	for _, c := range cs {
		st.deferred[c.ID] = true
	}
	return nil
}

// lastFullResync reads when the last full resync (or first sync) ran.
func (e *Engine) lastFullResync(ctx context.Context) (t time.Time, known bool) {
	v, ok, err := e.cfg.Store.Meta(ctx, metaLastFullResync)
	if err != nil || !ok {
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// markFullResync starts the full resync clock now. A failure only means the next full
// resync comes earlier, so it is not an error of the run.
func (e *Engine) markFullResync(ctx context.Context) {
	_ = e.cfg.Store.SetMeta(context.WithoutCancel(ctx), metaLastFullResync, strconv.FormatInt(nowMs(e.cfg.Now), 10))
}
