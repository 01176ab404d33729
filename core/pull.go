package core

import (
	"context"
	"sync"
)

// pull walks every kind of the run from its stored cursor, page by page, until the server
// says there is no next page. Each page is applied with the cursor of its last item in one
// store call (ARCHITECTURE.md rule 2); entities with pending ops are held, not overwritten.
// Up to PullConcurrency kinds are pulled at once (unless Serial), each in its own page order
// with its own events in order; the first error stops the others.
func (e *Engine) pull(ctx context.Context, st *runState) error {
	workers := min(e.cfg.PullConcurrency, len(st.kinds))
	if workers <= 1 || e.cfg.Serial {
		for _, kind := range st.kinds {
			if err := e.pullKind(ctx, st, kind); err != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan string)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for kind := range work {
				if err := e.pullKind(ctx, st, kind); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for _, kind := range st.kinds {
		select {
		case work <- kind:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return Wrap(CodeCancelled, "pull", ctx.Err())
	}
	return firstErr
}

// sent is a page request sent ahead of its turn; its answer is read when the page's turn comes.
type sent struct {
	answer SentPull
	err    error
}

// pullKind pulls one kind. Unless Serial, the next page's request is sent while the
// current page is applied (the request needs only the current page's token and last item):
// at most one page ahead, and the cursor is still written only with its own page. The answer
// is read only once the current page is applied (PullSender), so that a transport holding it
// outside the program's memory meanwhile leaves one page in memory, not two.
//
// The walk never trusts the server to end it (CONTRACT.md "Client-side handling of
// responses"): each page is checked (checkPage) before it is applied, and a page token seen
// before in this walk, a page with a token but no new items, or a page ending where an earlier
// one ended (more pages than the data can explain) ends it with a protocol error.
func (e *Engine) pullKind(ctx context.Context, st *runState, kind string) error {
	cur, err := e.cursor(ctx, st, kind)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var ahead chan sent
	defer func() {
		cancel()
		if ahead != nil {
			<-ahead // no fetch outlives the pull
		}
	}()
	op := "pull " + kind
	tokens, ends := map[string]bool{}, map[Cursor]bool{}
	done := 0
	req := PullRequest{After: cur, Limit: e.cfg.PageSize}
	first, ok := st.prefetch.take(kind, cur, st.prefetchUsable(kind))
	if !ok {
		first = e.sendPage(ctx, kind, req)
	}
	page, err := e.readPage(kind, first)
	for {
		if err != nil {
			return err
		}
		cp, cerr := checkPage(kind, req, page, nowMs(e.cfg.Now))
		if cerr != nil {
			return cerr
		}
		token := page.NextPageToken
		if token != "" && (tokens[token] || cp.fresh == 0) {
			return Errorf(CodeProtocol, op, "the server's next page token does not move on")
		}
		tokens[token] = true
		if cp.moved {
			if ends[cp.next] {
				return Errorf(CodeProtocol, op, "the server sent a page ending at (%q, %q) again", cp.next.ID, cp.next.UpdatedAt)
			}
			ends[cp.next] = true
		}
		next := PullRequest{After: cp.next, PageToken: token, Limit: e.cfg.PageSize}
		if token != "" && !e.cfg.Serial {
			ahead = make(chan sent, 1)
			go func(ch chan<- sent) { ch <- e.sendPage(ctx, kind, next) }(ahead)
		}
		if cp.fresh > 0 { // repeats of the cursor's instant alone change nothing
			if aerr := e.applyPage(ctx, st, kind, cp); aerr != nil {
				return aerr
			}
		}
		done += cp.total
		e.emit(Event{Type: EventProgress, Phase: "pull", Kind: kind, Done: done, Total: done})
		if token == "" {
			return nil
		}
		req = next
		var answer sent
		if ahead != nil {
			answer, ahead = <-ahead, nil
		} else {
			answer = e.sendPage(ctx, kind, req)
		}
		page, err = e.readPage(kind, answer)
	}
}

// cursor is kind's cursor as the run read it at its start, or from the store.
func (e *Engine) cursor(ctx context.Context, st *runState, kind string) (Cursor, error) {
	st.mu.Lock()
	cur, ok := st.cursors[kind]
	delete(st.cursors, kind)
	st.mu.Unlock()
	if ok {
		return cur, nil
	}
	cur, err := e.cfg.Store.Cursor(ctx, kind)
	if err != nil {
		return Cursor{}, Wrap(CodeStorage, "pull "+kind, err)
	}
	e.noteCursor(kind, cur)
	return cur, nil
}

// sendPage sends one page request, with retries, and waits for its answer.
func (e *Engine) sendPage(ctx context.Context, kind string, req PullRequest) sent {
	var answer SentPull
	err := e.withRetry(ctx, func() error {
		var perr error
		answer, perr = e.sendPull(ctx, kind, req)
		e.noteReachable(perr)
		return perr
	})
	if err != nil {
		if ctx.Err() != nil {
			return sent{err: Wrap(CodeCancelled, "pull "+kind, ctx.Err())}
		}
		return sent{err: Wrap(CodeNetwork, "pull "+kind, err)}
	}
	return sent{answer: answer}
}

// sendPull is the transport's SendPull, or its Pull for one that cannot send ahead.
func (e *Engine) sendPull(ctx context.Context, kind string, req PullRequest) (SentPull, error) {
	if s, ok := e.cfg.Transport.(PullSender); ok {
		return s.SendPull(ctx, kind, req)
	}
	page, err := e.cfg.Transport.Pull(ctx, kind, req)
	return pulled(page), err
}

// pulled is a page a transport's Pull read at once.
type pulled PullPage

func (p pulled) Read() (PullPage, error) { return PullPage(p), nil }

// readPage reads a sent request's answer.
func (e *Engine) readPage(kind string, s sent) (PullPage, error) {
	if s.err != nil {
		return PullPage{}, s.err
	}
	page, err := s.answer.Read()
	if err != nil {
		return PullPage{}, Wrap(CodeProtocol, "pull "+kind, err)
	}
	e.noteServerTime(page.ServerTime)
	return page, nil
}

// applyPage writes a checked page: its set-aside items first (so a crash before the page
// is applied loses none of them), then its good items with the page's cursor in one store
// call; then it reports the change.
func (e *Engine) applyPage(ctx context.Context, st *runState, kind string, cp checkedPage) error {
	op := "pull " + kind
	var aside []SetAside
	if len(cp.aside) > 0 {
		var err error
		if aside, err = e.addSetAside(ctx, cp.aside); err != nil {
			return err
		}
	}
	held, err := e.cfg.Store.ApplyPage(ctx, kind, cp.good, cp.next)
	if err != nil {
		if CodeOf(err) == CodeInvalid {
			return &Error{Code: CodeProtocol, Op: op, Msg: "the server sent an invalid item", Err: err}
		}
		return Wrap(CodeStorage, op, err)
	}
	e.noteCursor(kind, cp.next)
	if len(aside) > 0 {
		e.reportSetAside(st, aside)
	}
	skip := make(map[string]bool, len(held))
	refetch := make([]refetchEntry, len(held))
	for i, id := range held {
		skip[id] = true
		refetch[i] = refetchEntry{Kind: kind, ID: id}
	}
	if len(refetch) > 0 {
		if err := e.changeRefetch(ctx, refetch, nil); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(cp.good))
	for _, it := range cp.good {
		if !skip[it.ID] {
			ids = append(ids, it.ID)
		}
	}
	st.count(func(s *Stats) { s.Pulled += len(ids) })
	if len(ids) > 0 {
		e.emit(Event{Type: EventChange, Kind: kind, IDs: ids, Origin: OriginSync})
	}
	return nil
}
