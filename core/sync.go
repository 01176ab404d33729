package core

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// Full resync reasons (Event.Reason).
const (
	ReasonManual   = "manual"   // FullResync was called
	ReasonInterval = "interval" // the last full resync is older than FullResyncInterval
)

// metaLastFullResync is the Meta key holding the Unix ms of the last full resync.
const metaLastFullResync = "lastFullResync"

// syncOrResync is a sync of every kind, or the full resync when one is due. A first sync
// starts the full resync clock.
func (e *Engine) syncOrResync(ctx context.Context) (Stats, error) {
	last, known := e.lastFullResync(ctx)
	if known && e.lim.fullResyncInterval > 0 && e.cfg.Now().Sub(last) >= e.lim.fullResyncInterval {
		return e.runFullResync(ctx, false, ReasonInterval)
	}
	stats, err := e.runSync(ctx, bothKinds(e.cfg.Kinds))
	if err == nil && !known {
		e.markFullResync(ctx)
	}
	return stats, err
}

// runSync is one sync run: the start reads (with the pulled kinds' first pages fetched
// meanwhile, prefetch.go), push sel.push, refetch, pull sel.pull. The first error ends it.
func (e *Engine) runSync(ctx context.Context, sel runKinds) (Stats, error) {
	st := e.startRun(ctx, sel, true)
	defer e.unwindRun(st)
	err := e.readRunStart(ctx, st)
	if err == nil {
		err = e.push(ctx, st)
	}
	if err == nil {
		st.enter("pull")
		err = e.refetch(ctx, st)
	}
	if err == nil {
		err = e.pull(ctx, st)
	}
	return e.endRun(ctx, st, err)
}

// startRun begins a sync or full resync run: status "syncing", "syncStarted", and with ahead
// the first pages of the pulled kinds fetched while the run reads its start (prefetch.go).
// endRun ends it; unwindRun must be deferred.
func (e *Engine) startRun(ctx context.Context, sel runKinds, ahead bool) *runState {
	st := newRunState(sel.pull)
	st.pushOnly(sel.push)
	st.startedAt = e.cfg.Now()
	e.setSyncing(true, -1)
	e.emit(Event{Type: EventSyncStarted, Phase: "push", Kinds: cloneStrings(e.unionKinds(sel))})
	if ahead {
		st.prefetch = e.startPrefetch(ctx, sel.pull)
	}
	return st
}

// endRun reports a run's outcome: "error" (with the phase it failed in) on failure,
// "completed" with its stats, then the status with the pending count.
func (e *Engine) endRun(ctx context.Context, st *runState, err error) (Stats, error) {
	if err != nil && ctx.Err() != nil {
		err = Wrap(CodeCancelled, "sync", ctx.Err())
	}
	stats := st.snapshot()
	stats.DurationMs = e.cfg.Now().Sub(st.startedAt).Milliseconds()
	if err != nil {
		stats.Errors++
		e.emit(Event{Type: EventError, Phase: st.phaseNow(), StatusCode: HTTPStatusOf(err), Err: err})
	} else {
		e.syncedAt(nowMs(e.cfg.Now))
	}
	final := stats
	e.emit(Event{Type: EventCompleted, Stats: &final, Err: err})
	pending := -1
	st.mu.Lock()
	exact := st.pendingExact || st.pendingRead
	st.mu.Unlock()
	if !exact {
		pending = e.countPending(context.WithoutCancel(ctx))
	}
	e.setSyncing(false, pending)
	st.ended = true
	return stats, err
}

// unwindRun runs when a run returns or panics: the pages fetched ahead are let go, and after
// a panic (in a resolver, say) the status does not stay "syncing".
func (e *Engine) unwindRun(st *runState) {
	st.prefetch.stop()
	if !st.ended {
		e.setSyncing(false, -1)
	}
}

// readRunStart reads what a run needs first, in parallel unless Serial (one store round trip
// instead of several on a no-op sync): the outbox, for push's first pass, and when it holds
// ops the durable deferred conflicts, so that settling their ops removes them (a deferred op
// stays in the outbox, so an empty one has none); the refetch list; the pull cursors (only
// this run moves them, by its pull, or resets them), in one call when the store is a
// CursorsReader; all of it in one call when the store is a StartReader (startreads.go).
func (e *Engine) readRunStart(ctx context.Context, st *runState) error {
	if sr, ok := e.cfg.Store.(StartReader); ok {
		return e.readRunStartOnce(ctx, st, sr)
	}
	var (
		conflicts []Conflict
		ops       []Op
		list      []refetchEntry
		cursors   = make([]Cursor, len(st.kinds))
	)
	reads := []func() error{
		func() (err error) {
			if ops, err = e.cfg.Store.Outbox(ctx, 0); err != nil || len(ops) == 0 {
				return Wrap(CodeStorage, "push", err)
			}
			conflicts, err = e.cfg.Store.Conflicts(ctx)
			return Wrap(CodeStorage, "sync", err)
		},
		func() (err error) {
			list, err = e.refetchList(ctx)
			return err
		},
	}
	if cr, ok := e.cfg.Store.(CursorsReader); ok {
		reads = append(reads, func() (err error) {
			var got []Cursor
			if got, err = cr.Cursors(ctx, st.kinds); err == nil && len(got) != len(st.kinds) {
				err = Errorf(CodeStorage, "pull", "%d cursors for %d kinds", len(got), len(st.kinds))
			}
			copy(cursors, got)
			return Wrap(CodeStorage, "pull", err)
		})
	} else {
		for i, kind := range st.kinds {
			reads = append(reads, func() (err error) {
				cursors[i], err = e.cfg.Store.Cursor(ctx, kind)
				return Wrap(CodeStorage, "pull "+kind, err)
			})
		}
	}
	if err := e.inParallel(reads...); err != nil {
		return err
	}
	e.noteRunStart(st, ops, conflicts, list, cursors)
	return nil
}

// noteRunStart keeps what a run read at its start for its phases.
func (e *Engine) noteRunStart(st *runState, ops []Op, conflicts []Conflict, list []refetchEntry, cursors []Cursor) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, c := range conflicts {
		st.deferred[c.ID] = true
	}
	st.outbox, st.outboxRead = ops, true
	st.refetchList, st.refetchRead = list, true
	for i, kind := range st.kinds {
		st.cursors[kind] = cursors[i]
		e.noteCursor(kind, cursors[i])
	}
}

// inParallel runs fns at once (one after another when Serial) and returns the first error.
func (e *Engine) inParallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	if e.cfg.Serial {
		for i, f := range fns {
			errs[i] = f()
		}
	} else {
		var wg sync.WaitGroup
		for i, f := range fns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f()
			}()
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// lastFullResync reads when the last full resync (or first sync) ran. The time only moves
// forward, so while the one last seen is not due yet the store need not be asked again.
func (e *Engine) lastFullResync(ctx context.Context) (t time.Time, known bool) {
	e.mu.Lock()
	seen := e.fullResyncAt
	e.mu.Unlock()
	if !seen.IsZero() && (e.lim.fullResyncInterval <= 0 || e.cfg.Now().Sub(seen) < e.lim.fullResyncInterval) {
		return seen, true
	}
	v, ok, err := e.cfg.Store.Meta(ctx, metaLastFullResync)
	if err != nil || !ok {
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	e.sawFullResync(time.UnixMilli(ms))
	return time.UnixMilli(ms), true
}

func (e *Engine) sawFullResync(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t.After(e.fullResyncAt) {
		e.fullResyncAt = t
	}
}

// markFullResync starts the full resync clock now. A failure only means the next full
// resync comes earlier, so it is not an error of the run.
func (e *Engine) markFullResync(ctx context.Context) {
	now := nowMs(e.cfg.Now)
	if e.cfg.Store.SetMeta(context.WithoutCancel(ctx), metaLastFullResync, strconv.FormatInt(now, 10)) == nil {
		e.sawFullResync(time.UnixMilli(now))
	}
}

// syncSelection checks a Sync's kinds: all is true for a sync of every kind (which runs the
// full resync when one is due).
func (e *Engine) syncSelection(opts SyncOptions) (sel runKinds, all bool, err error) {
	kinds, err := e.syncKinds(opts.Kinds)
	if err != nil {
		return runKinds{}, false, err
	}
	if opts.PushKinds == nil && opts.PullKinds == nil {
		return bothKinds(kinds), len(opts.Kinds) == 0, nil
	}
	if len(opts.Kinds) > 0 {
		return runKinds{}, false, Errorf(CodeInvalid, "sync", "kinds cannot be combined with pushKinds or pullKinds")
	}
	sel = bothKinds(kinds)
	for _, p := range []struct {
		in  []string
		out *[]string
	}{{opts.PushKinds, &sel.push}, {opts.PullKinds, &sel.pull}} {
		switch {
		case p.in == nil:
		case len(p.in) == 0:
			*p.out = []string{}
		default:
			if *p.out, err = e.syncKinds(p.in); err != nil {
				return runKinds{}, false, err
			}
		}
	}
	return sel, false, nil
}

// unionKinds are the kinds a run pushes or pulls, in Config.Kinds order.
func (e *Engine) unionKinds(sel runKinds) []string {
	in := make(map[string]bool, len(sel.push)+len(sel.pull))
	for _, k := range append(cloneStrings(sel.push), sel.pull...) {
		in[k] = true
	}
	out := make([]string, 0, len(in))
	for _, k := range e.cfg.Kinds {
		if in[k] {
			out = append(out, k)
		}
	}
	return out
}
