package core

import (
	"context"
	"errors"
	"sync"
)

// push sends the outbox ops of the run's kinds, in passes. A pass takes the first pending op
// of every entity not skipped in this run, in Seq order, and sends them in batches of
// PushBatchSize, PushConcurrency batches at a time; so a batch holds at most one op per
// entity and an entity is never in two concurrent batches. Each batch is marked in flight
// just before it is sent (markInFlight), so marking overlaps the other batches' round trips,
// and ops not sent yet still take local edits. A later op of an entity waits for the next
// pass, after the acknowledgement of the earlier one rebased it. Passes repeat until nothing
// is left to send; any error ends the push phase. Over a HeadClaimer the first pass claims
// each batch as the next heads instead of choosing them from a read of the outbox
// (pushclaim.go).
func (e *Engine) push(ctx context.Context, st *runState) error {
	first := true
	if hc, ok := e.cfg.Store.(HeadClaimer); ok {
		claimed, err := e.claimingPass(ctx, st, hc)
		if err != nil {
			return err
		}
		first = !claimed
	}
	for {
		ops, thin, err := e.outbox(ctx, st, first)
		if err != nil {
			return err
		}
		e.setPending(len(ops))
		heads := st.heads(ops, first)
		if len(heads) == 0 {
			st.mu.Lock()
			st.pendingExact = st.pendingExact || first
			st.pendingRead = true
			st.mu.Unlock()
			return nil
		}
		first = false
		if heads, err = e.learnBeforePush(ctx, st, ops, heads, thin); err != nil || len(heads) == 0 {
			return err
		}
		if err := e.pushPass(ctx, st, newBatchQueue(heads, e.cfg.PushBatchSize)); err != nil {
			return err
		}
	}
}

// outbox is the pending ops for a pass: the first pass takes the ones the run read at its
// start (thin: without payloads, StartReads.Thin).
func (e *Engine) outbox(ctx context.Context, st *runState, first bool) (ops []Op, thin bool, err error) {
	st.mu.Lock()
	ops, read, thin := st.outbox, st.outboxRead, st.outboxThin
	st.outbox, st.outboxRead = nil, false
	st.mu.Unlock()
	if first && read {
		return ops, thin, nil
	}
	ops, err = e.cfg.Store.Outbox(ctx, 0)
	return ops, false, Wrap(CodeStorage, "push", err)
}

// heads picks a pass's ops: per entity of the run's kinds its first op, unless the entity is
// skipped or that op was already answered in this run (then a store did not settle it, and
// sending it again would loop). On the first pass it also sets the progress totals.
func (st *runState) heads(ops []Op, first bool) []Op {
	st.mu.Lock()
	defer st.mu.Unlock()
	// Sized for the whole outbox and keyed without building a string per op: a pass of a
	// 5,000-op push spent 12 ms of its wasm time allocating here.
	seen := make(map[entityRef]bool, len(ops))
	out := make([]Op, 0, len(ops))
	for _, o := range ops {
		if !st.pushSet[o.Kind] {
			continue
		}
		if first {
			st.pushTotal[o.Kind]++
		}
		e := entityRef{o.Kind, o.EntityID}
		if seen[e] {
			continue
		}
		seen[e] = true
		if !st.passesOver(o) {
			out = append(out, o)
		}
	}
	return out
}

// passesOver reports whether a pass leaves o, an entity's first pending op, unsent: the
// entity is skipped, or o was answered in this run already. st.mu is held.
func (st *runState) passesOver(o Op) bool {
	return len(st.skip) > 0 && st.skip[entityKey(o.Kind, o.EntityID)] || len(st.answered) > 0 && st.answered[o.IdempotencyKey()]
}

// skipVanished notes the heads that left the outbox before they were marked (or that a store
// failed to mark) as answered, so that no later pass picks them again.
func (st *runState) skipVanished(heads, sendable []Op) {
	if len(sendable) == len(heads) {
		return // MarkInFlight returns a subset of heads: all of them
	}
	kept := make(map[string]bool, len(sendable))
	for _, o := range sendable {
		kept[o.OpID] = true
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, h := range heads {
		if !kept[h.OpID] {
			st.answered[h.IdempotencyKey()] = true
		}
	}
}

// markInFlight marks ops in flight and returns them as the store holds them then: until they
// were marked, local writes could still coalesce into them (new payload) or cancel them out,
// so the copies read before are stale. Ops that left the outbox are not returned.
func (e *Engine) markInFlight(ctx context.Context, ops []Op) ([]Op, error) {
	marked, err := e.cfg.Store.MarkInFlight(ctx, ops)
	return marked, Wrap(CodeStorage, "push", err)
}

// pushPass sends the batches of q, PushConcurrency requests in flight at once. One batch more
// than that is under way (unless Serial): its answer is written to the store while the next
// request is out, so the store's transaction and the server's round trip overlap. After the
// first error no new batch starts; batches already sent finish.
func (e *Engine) pushPass(ctx context.Context, st *runState, q *batchQueue) error {
	sending := make(chan struct{}, e.cfg.PushConcurrency)
	workers := e.cfg.PushConcurrency
	if !e.cfg.Serial {
		workers++
	}
	if q.claim == nil {
		workers = min(workers, len(q.batches))
	}
	if workers <= 1 {
		for b := (&handoff{q: q}); b.take(); b = (&handoff{q: q}) {
			if err := e.pushBatch(ctx, st, b, sending, nil, nil); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		wg   sync.WaitGroup
		stop = newPassStop()
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer q.catch(stop)
			var carried *handoff // the batch the last ack took (and claimed, if it could)
			for {
				b := carried
				if b == nil {
					if b = (&handoff{q: q}); !b.take() {
						return
					}
				}
				next := &handoff{q: q}
				if err := e.pushBatch(ctx, st, b, sending, stop, next); err != nil {
					q.mu.Lock()
					if q.err == nil {
						q.err = err
					}
					q.mu.Unlock()
					stop.halt()
				}
				carried = nil
				if next.ops != nil || len(next.marked) > 0 {
					carried = next
				}
			}
		}()
	}
	wg.Wait()
	if q.panicked != nil {
		// A resolver's or a merge's panic reaches the run (unwindRun) as it would from a
		// serial pass, instead of ending the program from a worker's goroutine.
		panic(q.panicked)
	}
	return q.err // read after Wait: every write to it happened before
}

// catch, deferred by a pass's worker, keeps the worker's panic for pushPass and halts the
// pass.
func (q *batchQueue) catch(stop *passStop) {
	r := recover()
	if r == nil {
		return
	}
	q.mu.Lock()
	if q.panicked == nil {
		q.panicked, q.err = r, errHalted
	}
	q.mu.Unlock()
	stop.halt()
}

// batchQueue hands a pass's batches out in order until the pass fails (err, its first error):
// the batches of heads chosen beforehand, or, with claim (pushclaim.go), batches claimed from
// the store as they are taken.
type batchQueue struct {
	mu      sync.Mutex
	batches [][]Op
	err     error
	claim   *headClaims
	// panicked: what a worker panicked with (catch), raised again once the workers ended.
	panicked any
}

// newBatchQueue is the queue of heads in batches of size.
func newBatchQueue(heads []Op, size int) *batchQueue {
	q := &batchQueue{}
	for len(heads) > 0 {
		n := min(size, len(heads))
		q.batches, heads = append(q.batches, heads[:n]), heads[n:]
	}
	return q
}

// pushBatch marks batch b of heads in flight (unless the ack before it claimed it: b.marked),
// sends them and applies the answers. Ops answered "retry" (429/5xx) are sent again, alone,
// after a backoff, up to MaxRetries times; so is the whole request when it failed with a
// retryable error. next, when not nil, lets b's ack take the worker's next batch and claim it
// in the same store transaction (handoff).
// sending holds one token per request in flight; once stop is halted (another batch failed),
// a batch that has not sent yet does nothing more. stop is nil when batches go one by one.
func (e *Engine) pushBatch(ctx context.Context, st *runState, b *handoff, sending chan struct{}, stop *passStop, next *handoff) error {
	if stop.halted() {
		return nil
	}
	pending := b.marked
	if !b.claimed {
		var err error
		if b.q.claim != nil {
			pending, _, err = b.q.claim.next(ctx, nil, nil)
		} else {
			pending, err = e.markInFlight(ctx, b.ops)
		}
		if err != nil {
			return err
		}
	}
	if b.ops != nil {
		st.skipVanished(b.ops, pending)
	}
	if len(pending) == 0 {
		return nil
	}
	for n := 0; ; n++ {
		results, err := e.send(ctx, pending, sending, stop)
		if errors.Is(err, errHalted) {
			return nil
		}
		e.noteReachable(err)
		if err != nil {
			if ctx.Err() != nil {
				return Wrap(CodeCancelled, "push", ctx.Err())
			}
			e.bus.emitAll(requestFailures(pending, err))
			if retryable(err) && n < e.lim.maxRetries {
				if werr := e.wait(ctx, n, err); werr != nil {
					return werr
				}
				continue
			}
			return Wrap(CodeNetwork, "push", err)
		}
		retry, lastErr, err := e.applyResults(ctx, st, pending, results, next)
		next = nil // one claim with an ack: a retry's ack does not take another batch
		if err != nil || len(retry) == 0 {
			return err
		}
		if !retryable(lastErr) {
			// An op whose request got no answer (a transport sending ops one by one):
			// offline fails fast, as for a whole request (retryable).
			e.noteReachable(lastErr)
			return lastErr
		}
		if n >= e.lim.maxRetries {
			return lastErr
		}
		if werr := e.wait(ctx, n, lastErr); werr != nil {
			return werr
		}
		pending = retry
	}
}

// errHalted says a batch was not sent because another one of its pass failed first.
var errHalted = errors.New("push pass halted")

// send pushes ops once a request slot is free, unless the pass halts first. A failure that
// will not be retried halts the pass before the slot is given back, so that no batch waiting
// for it goes out after the first network error (offline fails fast).
func (e *Engine) send(ctx context.Context, ops []Op, sending chan struct{}, stop *passStop) ([]PushResult, error) {
	select {
	case sending <- struct{}{}:
	case <-stop.done():
		return nil, errHalted
	case <-ctx.Done():
		return nil, Wrap(CodeCancelled, "push", ctx.Err())
	}
	defer func() { <-sending }()
	if stop.halted() {
		return nil, errHalted
	}
	results, err := e.cfg.Transport.Push(ctx, ops)
	if err != nil && !retryable(err) {
		stop.halt()
	}
	return results, err
}

// passStop halts a pass's batches that have not sent yet; a nil *passStop never halts.
type passStop struct {
	once sync.Once
	ch   chan struct{}
}

func newPassStop() *passStop { return &passStop{ch: make(chan struct{})} }

func (p *passStop) halt() {
	if p != nil {
		p.once.Do(func() { close(p.ch) })
	}
}

// done is closed once halted; nil (never ready in a select) for a nil passStop.
func (p *passStop) done() <-chan struct{} {
	if p == nil {
		return nil
	}
	return p.ch
}

func (p *passStop) halted() bool {
	select {
	case <-p.done():
		return true
	default:
		return false
	}
}

// handoff is a batch of a pass, taken from its queue: by its worker to push, or by that
// worker's ack of the batch before it, which then claims it in the same store transaction
// (AckMarker). A worker acknowledges a batch while another request is out, then claims its
// next one: those were two readwrite transactions in a row, the second queued behind the other
// worker's ack, on the path to the next request (bench/push-timeline.mjs).
type handoff struct {
	q       *batchQueue
	ops     []Op // taken: nil when none, or when the queue claims its batches
	marked  []Op // as MarkInFlight (or the claim) returns them, when claimed
	claimed bool
}

// take takes the pass's next batch, if one is left and the pass has not failed; a claiming
// queue has one left until a claim found none.
func (h *handoff) take() bool {
	q := h.q
	q.mu.Lock()
	ok := q.err == nil && (q.claim != nil && !q.claim.done.Load() || len(q.batches) > 0)
	if ok && q.claim == nil {
		h.ops, q.batches = q.batches[0], q.batches[1:]
	}
	q.mu.Unlock()
	return ok
}
