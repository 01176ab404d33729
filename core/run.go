package core

import (
	"context"
	"slices"
	"sync"
	"time"
)

// run is one exclusive operation of the engine: a sync, a full resync, or the resolution of a
// deferred conflict. Only one runs at a time.
type run struct {
	done  chan struct{} // closed when the run ended; stats and err are then set
	syncs bool          // a sync or full resync: a Sync may join it
	// kinds are what a sync run pushes and pulls; nil for every kind (a full resync too). A
	// Sync joins the run only when they cover its own.
	kinds *runKinds
	stats Stats
	err   error
}

// How a run shares the engine with others (exclusive).
type runMode int

const (
	modeSync    runMode = iota // joins a running sync or full resync
	modeResync                 // waits for the running one; a Sync may join it
	modeResolve                // waits for the running one; nobody joins it
)

// exclusive runs fn as the engine's only run, with a context that Close also cancels. A Sync
// of kinds (nil: every kind) that finds a sync of at least those kinds running waits for it
// and returns its result, unless that run was cancelled by its own caller; any other caller
// waits for the running one to end, then starts its own.
func (e *Engine) exclusive(ctx context.Context, mode runMode, kinds *runKinds, fn func(ctx context.Context) (Stats, error)) (Stats, error) {
	r, joined, err := e.takeTurn(ctx, mode, kinds)
	if err != nil {
		return Stats{}, err
	}
	if joined != nil {
		return joined.stats, joined.err
	}
	defer e.endTurn(r) // even if fn panics, so that no caller waits for r forever
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.closeCtx, cancel)()
	r.stats, r.err = fn(runCtx)
	if r.err != nil && ctx.Err() == nil && e.closeCtx.Err() != nil {
		r.err = &Error{Code: CodeClosed, Op: "sync", Msg: "the engine was closed", Err: r.err}
	}
	return r.stats, r.err
}

// takeTurn waits until no run is running and makes r the running one; or, for modeSync,
// returns the finished sync it waited for as joined (joins).
func (e *Engine) takeTurn(ctx context.Context, mode runMode, kinds *runKinds) (r, joined *run, err error) {
	for {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return nil, nil, Errorf(CodeClosed, "sync", "the engine is closed")
		}
		cur := e.run
		if cur == nil {
			r = &run{done: make(chan struct{}), syncs: mode != modeResolve, kinds: kinds}
			e.run = r
			e.mu.Unlock()
			return r, nil, nil
		}
		e.mu.Unlock()
		select {
		case <-cur.done:
			if mode == modeSync && cur.joins(ctx, kinds) {
				return nil, cur, nil
			}
		case <-ctx.Done():
			return nil, nil, Wrap(CodeCancelled, "sync", ctx.Err())
		}
	}
}

// joins says whether a Sync of kinds (nil: every kind) that waited for the finished run r
// takes r's result: r is a sync that pushed and pulled at least those kinds, and it was not
// cancelled by its own caller while the Sync's is still live (the Sync runs then).
func (r *run) joins(ctx context.Context, kinds *runKinds) bool {
	if !r.syncs || CodeOf(r.err) == CodeCancelled && ctx.Err() == nil {
		return false
	}
	if r.kinds == nil {
		return true
	}
	return kinds != nil && subset(kinds.push, r.kinds.push) && subset(kinds.pull, r.kinds.pull)
}

// subset says whether every kind of a is in b (kinds lists are short: no set).
func subset(a, b []string) bool {
	for _, k := range a {
		if !slices.Contains(b, k) {
			return false
		}
	}
	return true
}

// endTurn ends r: the engine is idle again and r's waiters see its result.
func (e *Engine) endTurn(r *run) {
	e.mu.Lock()
	e.run = nil
	e.mu.Unlock()
	close(r.done)
}

// runState is the bookkeeping of one sync run, shared by its concurrent push batches.
type runState struct {
	kinds     []string        // pulled (and refetched)
	kindSet   map[string]bool // of kinds
	pushKinds []string        // pushed
	pushSet   map[string]bool

	mu        sync.Mutex
	stats     Stats
	skip      map[string]bool // entities (kind/id) whose ops wait for a later run (deferred)
	answered  map[string]bool // idempotency keys with a final answer in this run
	repushes  map[string]int  // conflict re-pushes per op id in this run
	deferred  map[string]bool // ids of durable deferred conflicts (Store.Conflicts)
	pushTotal map[string]int  // per kind: ops to push, for progress
	pushDone  map[string]int
	phase     string // "push", then "pull": where an error of the run happened
	// pendingExact: the push phase found nothing to send, so the pending count it read from
	// the outbox is still exact at the end of the run (no need to count again).
	pendingExact bool
	// pendingRead: the push phase ended on a pass that found nothing to send, after setting
	// the pending count from its read of the outbox; nothing later in the run changes the
	// outbox (local writes set the count themselves), so the end of the run need not count.
	pendingRead bool
	// Read at the start of the run (readRunStart): the outbox for push's first pass, and the
	// refetch list, still current when the push phase sent nothing.
	outbox     []Op
	outboxRead bool
	outboxThin bool // outbox's ops carry no payloads (StartReads.Thin)
	// outboxTotals: the pending ops per kind when the start did not read them (outbox empty;
	// StartReads.Totals); nil otherwise.
	outboxTotals map[string]int
	refetchList  []refetchEntry
	refetchRead  bool
	cursors      map[string]Cursor // per kind, until its pull starts (taken) or a reset (cleared)
	prefetch     *prefetch         // first pages fetched during the start reads; nil: none
	startedAt    time.Time         // for Stats.DurationMs
	ended        bool              // endRun reported the run (unwindRun: no panic)
	// conflictMu serialises conflict handling: resolvers and merge functions see one
	// conflict at a time even with concurrent push batches.
	conflictMu sync.Mutex
}

func newRunState(kinds []string) *runState {
	set := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		set[k] = true
	}
	return &runState{
		kinds: kinds, kindSet: set, pushKinds: kinds, pushSet: set, phase: "push",
		skip: map[string]bool{}, answered: map[string]bool{}, repushes: map[string]int{},
		deferred: map[string]bool{}, pushTotal: map[string]int{}, pushDone: map[string]int{},
		cursors: map[string]Cursor{},
	}
}

// pushOnly makes the run push the ops of kinds (its pulled kinds otherwise).
func (st *runState) pushOnly(kinds []string) {
	set := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		set[k] = true
	}
	st.pushKinds, st.pushSet = kinds, set
}

// enter notes the phase the run is in now.
func (st *runState) enter(phase string) {
	st.mu.Lock()
	st.phase = phase
	st.mu.Unlock()
}

func (st *runState) phaseNow() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.phase
}

// count adds to the run's stats under its lock.
func (st *runState) count(f func(s *Stats)) {
	st.mu.Lock()
	f(&st.stats)
	st.mu.Unlock()
}

func (st *runState) snapshot() Stats {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.stats
}

func entityKey(kind, id string) string { return kind + "/" + id }

// runKinds are the kinds a sync run pushes and those it pulls.
type runKinds struct{ push, pull []string }

func bothKinds(kinds []string) runKinds { return runKinds{push: kinds, pull: kinds} }
