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
// outside the program's memory meanwhile leaves one page in memory, not two. A small page
// (pipelines) counts as applied once its transaction is under way (PageStarter): the next page
// is read and started while it commits, and it is finished (waited for, reported) after that.
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
		first = e.sendPage(ctx, kind, req, nil)
	}
	// started is the page applied last: one started (PageStarter) may still be committing
	// while the next is read and started; it is finished (waited, counted, reported) after
	// that. One left unfinished by a failure is waited for, its outcome dropped.
	var started *startedPage
	defer func() {
		if started != nil {
			_, _ = started.wait()
		}
	}()
	finish := func() error {
		p := started
		started = nil
		if p == nil {
			return nil
		}
		if err := e.finishPage(ctx, st, kind, p); err != nil {
			return err
		}
		done += p.cp.total
		e.emit(Event{Type: EventProgress, Phase: "pull", Kind: kind, Done: done, Total: done})
		return nil
	}
	// fail ends the walk with err, or with the failure of the page before it.
	fail := func(err error) error {
		if ferr := finish(); ferr != nil {
			return ferr
		}
		return err
	}
	page, err := e.readPage(kind, first)
	for {
		if err != nil {
			return fail(err)
		}
		cp, cerr := checkPage(kind, req, page, nowMs(e.cfg.Now))
		if cerr != nil {
			return fail(cerr)
		}
		token := page.NextPageToken
		if token != "" && (tokens[token] || cp.fresh == 0) {
			return fail(Errorf(CodeProtocol, op, "the server's next page token does not move on"))
		}
		tokens[token] = true
		// A page that does not move ends at the request's cursor (cp.next), where the page
		// before it ended: under a fresh token each time it would loop for ever.
		if ends[cp.next] {
			return fail(Errorf(CodeProtocol, op, "the server sent a page ending at (%q, %q) again", cp.next.ID, cp.next.UpdatedAt))
		}
		ends[cp.next] = true
		next := PullRequest{After: cp.next, PageToken: token, Limit: e.cfg.PageSize}
		if token != "" && !e.cfg.Serial {
			ahead = make(chan sent, 1)
			e.sendAhead(ctx, kind, next, ahead)
		}
		pipelined := e.pipelines(cp)
		if !pipelined {
			// Applied at once, so only once the page before has committed: a page applied
			// after one that failed would move the cursor past that one's items.
			if err := finish(); err != nil {
				return err
			}
		}
		p, serr := e.startPage(ctx, kind, cp, pipelined)
		if serr != nil {
			return fail(serr)
		}
		// The page before is finished once this one is under way (its events still come first).
		ferr := finish()
		started = p
		if ferr != nil {
			return ferr
		}
		if !pipelined {
			if err := finish(); err != nil {
				return err
			}
		}
		if token == "" {
			return finish()
		}
		req = next
		var answer sent
		if ahead != nil {
			answer, ahead = <-ahead, nil
		} else {
			answer = e.sendPage(ctx, kind, req, nil)
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

// sendAhead sends the next page's request from a goroutine of its own, its answer to ch, and
// returns once the request has left (PullSender's left) or its first try ended (sendPage). In
// the browser the program's goroutines run only while it holds the page's thread, and applying
// a page holds it in one helper call for the page's puts (~35 ms for 500 small records); the
// request's token call first awaits the app's async provider. Without the wait the request
// left only after those puts: each page waited for the server's round trip after its writes,
// not during them (21–22% of an initial pull with 40 ms of latency added,
// bench/where-the-time-goes.md "Session 22").
func (e *Engine) sendAhead(ctx context.Context, kind string, req PullRequest, ch chan<- sent) {
	left := make(chan struct{}, 1)
	mark := func() {
		select {
		case left <- struct{}{}: // the first mark; the wait takes it
		default:
		}
	}
	go func() { ch <- e.sendPage(ctx, kind, req, mark) }() // ends on ctx's end too
	// As long as the first try takes to leave or fail (the transport's request timeout bounds
	// its token call). In wasm this is never later than before: the request's token call began
	// only once the page's writes were issued, so a slow token provider held the page as long.
	// With threads (the host) it may hold the page up to the provider's time.
	<-left
}

// sendPage sends one page request, with retries, and waits for its answer. left (may be nil)
// is PullSender's, given to each attempt, and called once an attempt ends whether or not its
// request left: a try that failed first (its token provider's error) must not hold the page
// before through the retries' backoff.
func (e *Engine) sendPage(ctx context.Context, kind string, req PullRequest, left func()) sent {
	var answer SentPull
	err := e.withRetry(ctx, func() error {
		var perr error
		answer, perr = e.sendPull(ctx, kind, req, left)
		if left != nil {
			left()
		}
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

// sendPull is the transport's SendPull, or its Pull for one that cannot send ahead (whose
// request is taken to leave at once).
func (e *Engine) sendPull(ctx context.Context, kind string, req PullRequest, left func()) (SentPull, error) {
	if s, ok := e.cfg.Transport.(PullSender); ok {
		return s.SendPull(ctx, kind, req, left)
	}
	if left != nil {
		left()
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

// pipelineMax is the most page data (the items' Data, in bytes) a page started before the one
// before it has committed may hold: the next page is read meanwhile, so two pages are in memory
// at once, which only small pages may be (issue 16's memory rows: wasm memory never shrinks).
const pipelineMax = 1 << 20

// startedPage is a page whose apply has begun: wait returns what Store.ApplyPage would.
type startedPage struct {
	cp    checkedPage
	aside []SetAside
	wait  func() ([]string, error)
}

// pipelines says whether cp is started through the store's PageStarter, without waiting for
// its commit: not under Serial, not with items set aside (they are written first, in a
// transaction of their own), not when its data is over pipelineMax, and only with something to
// apply.
func (e *Engine) pipelines(cp checkedPage) bool {
	_, ok := e.cfg.Store.(PageStarter)
	return ok && !e.cfg.Serial && cp.fresh > 0 && len(cp.aside) == 0 && pageData(cp.good) <= pipelineMax
}

// pageData is the size of items' data.
func pageData(items []Record) int {
	n := 0
	for _, it := range items {
		n += len(it.Data)
	}
	return n
}

// startPage begins applying a checked page (nothing to apply when all its items repeat the
// cursor's instant): its set-aside items first (so a crash before the page is applied loses
// none of them), then its good items with the page's cursor in one store transaction; through
// the store's PageStarter when pipelined, at once otherwise.
func (e *Engine) startPage(ctx context.Context, kind string, cp checkedPage, pipelined bool) (*startedPage, error) {
	p := &startedPage{cp: cp}
	switch {
	case cp.fresh == 0:
		p.wait = func() ([]string, error) { return nil, nil }
	case pipelined:
		wait, err := e.cfg.Store.(PageStarter).StartPage(ctx, kind, cp.good, cp.next)
		if err != nil {
			return nil, applyError(kind, err)
		}
		p.wait = wait
	default:
		if len(cp.aside) > 0 {
			var err error
			if p.aside, err = e.addSetAside(ctx, cp.aside); err != nil {
				return nil, err
			}
		}
		held, err := e.cfg.Store.ApplyPage(ctx, kind, cp.good, cp.next)
		p.wait = func() ([]string, error) { return held, err }
	}
	return p, nil
}

// applyError is how a store's failure to apply a page of kind is reported: an item the store
// refused as invalid is the server's fault.
func applyError(kind string, err error) error {
	op := "pull " + kind
	if CodeOf(err) == CodeInvalid {
		return &Error{Code: CodeProtocol, Op: op, Msg: "the server sent an invalid item", Err: err}
	}
	return Wrap(CodeStorage, op, err)
}

// finishPage waits for a started page's apply and reports it: the cursor, the items set aside,
// the held entities to refetch, the count and the change event.
func (e *Engine) finishPage(ctx context.Context, st *runState, kind string, p *startedPage) error {
	if p.cp.fresh == 0 {
		return nil
	}
	held, err := p.wait()
	if err != nil {
		return applyError(kind, err)
	}
	cp := p.cp
	e.noteCursor(kind, cp.next)
	if len(p.aside) > 0 {
		e.reportSetAside(st, p.aside)
	}
	skip := make(map[string]bool, len(held))
	refetch := make([]refetchEntry, len(held))
	for i, id := range held {
		skip[id] = true
		refetch[i] = refetchEntry{Kind: kind, ID: id}
	}
	if len(refetch) > 0 {
		// The page has committed and the cursor is past these entities: a cancel (Close, a
		// sibling kind's failure) must not drop them before they are listed, or their server
		// versions would come back only with a full resync.
		if err := e.changeRefetch(context.WithoutCancel(ctx), refetch, nil); err != nil {
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
