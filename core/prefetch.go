package core

import (
	"context"
	"sync"
)

// A sync fetches each kind's first page while its start reads are under way, from the cursor
// the engine last read or wrote for that kind: on a no-op or small sync that page is the whole
// pull, and the store's round trip no longer comes before the request. The page stands for
// the pull's first request only when it is the one the pull would have made:
//   - the cursor read at the start is the one it was asked from (another tab may have moved
//     it, or a full resync reset it);
//   - the push phase sent nothing: a page fetched before a push may carry an older version of
//     a record whose acknowledgement the push then wrote;
//   - the refetch list names no entity of the kind (a refetch may apply a newer version).
// Otherwise it is dropped and the pull fetches as usual. Never under Serial, and only while
// the outbox is believed empty (a run that pushes could not use the pages).

// prefetch is a run's first pages fetched ahead, by kind; pages is not changed after start.
type prefetch struct {
	wg    sync.WaitGroup
	pages map[string]*prefetched
}

type prefetched struct {
	from   Cursor
	cancel context.CancelFunc
	ch     chan sent
}

// startPrefetch fetches the first page of each of kinds (at most PullConcurrency) whose cursor
// the engine knows. It returns nil when it starts nothing.
func (e *Engine) startPrefetch(ctx context.Context, kinds []string) *prefetch {
	if e.cfg.Serial {
		return nil
	}
	e.mu.Lock()
	empty := e.state.pending == 0
	e.mu.Unlock()
	if !empty {
		return nil
	}
	from := map[string]Cursor{}
	e.cursorMu.Lock()
	for _, k := range kinds {
		if c, ok := e.lastCursor[k]; ok && len(from) < e.cfg.PullConcurrency {
			from[k] = c
		}
	}
	e.cursorMu.Unlock()
	if len(from) == 0 {
		return nil
	}
	p := &prefetch{pages: make(map[string]*prefetched, len(from))}
	for kind, cur := range from {
		ctx, cancel := context.WithCancel(ctx)
		pf := &prefetched{from: cur, cancel: cancel, ch: make(chan sent, 1)}
		p.pages[kind] = pf
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			pf.ch <- e.sendPage(ctx, kind, PullRequest{After: cur, Limit: e.cfg.PageSize}, nil)
		}()
	}
	return p
}

// take returns kind's prefetched first page when it stands for a request from cur (usable:
// the run's other conditions hold); ok is false when the caller must fetch. A page not taken
// is cancelled at once.
func (p *prefetch) take(kind string, cur Cursor, usable bool) (f sent, ok bool) {
	if p == nil {
		return sent{}, false
	}
	pf := p.pages[kind]
	if pf == nil {
		return sent{}, false
	}
	if !usable || pf.from != cur {
		pf.cancel()
		return sent{}, false
	}
	f = <-pf.ch
	pf.cancel()
	return f, true
}

// stop cancels the requests not taken and waits for them: none outlives its run.
func (p *prefetch) stop() {
	if p == nil {
		return
	}
	for _, pf := range p.pages {
		pf.cancel()
	}
	p.wg.Wait()
}

// noteCursor records kind's cursor as the store holds it now (read or written by this engine).
func (e *Engine) noteCursor(kind string, c Cursor) {
	e.cursorMu.Lock()
	defer e.cursorMu.Unlock()
	e.lastCursor[kind] = c
}

// forgetCursors drops what noteCursor recorded for kinds (their cursors were reset).
func (e *Engine) forgetCursors(kinds []string) {
	e.cursorMu.Lock()
	defer e.cursorMu.Unlock()
	for _, k := range kinds {
		delete(e.lastCursor, k)
	}
}

// prefetchUsable reports whether a page fetched before the run's push and refetch phases may
// stand for kind's first request (see the top of this file).
func (st *runState) prefetchUsable(kind string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.pendingExact || !st.refetchRead {
		return false
	}
	for _, r := range st.refetchList {
		if r.Kind == kind {
			return false
		}
	}
	return true
}
