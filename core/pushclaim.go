package core

import (
	"context"
	"sync"
	"sync/atomic"
)

// claimingPass is the push's first pass over a HeadClaimer (store.go): its batches are
// claimed as they are taken, each the next heads after the last op claimed, so the first
// request goes out without the heads of the whole outbox chosen first (and, after a start
// read that gave only Totals, without the whole outbox read). It reports false, having sent nothing, when it
// does not run: nothing of the run's kinds is pending, or the engine must learn of unconfirmed
// entities first (learnBeforePush reads every pending op); the first of push's passes then
// runs as before.
func (e *Engine) claimingPass(ctx context.Context, st *runState, hc HeadClaimer) (bool, error) {
	st.mu.Lock()
	ops, read, totals := st.outbox, st.outboxRead, st.outboxTotals
	if totals == nil {
		totals = map[string]int{}
		for _, o := range ops {
			totals[o.Kind]++
		}
	} else {
		// The start read only the first ops: any pass but this one reads the outbox whole.
		st.outbox, st.outboxRead, st.outboxTotals = nil, false, nil
	}
	pending, pushing := 0, 0
	for k, n := range totals {
		pending += n
		if st.pushSet[k] {
			pushing += n
		}
	}
	st.mu.Unlock()
	if !read || pushing == 0 {
		return false, nil
	}
	if list, err := e.unconfirmedList(ctx); err != nil || len(list) > 0 {
		return false, err
	}
	st.mu.Lock()
	st.outbox, st.outboxRead, st.outboxTotals = nil, false, nil
	for k, n := range totals {
		if st.pushSet[k] {
			st.pushTotal[k] += n
		}
	}
	st.mu.Unlock()
	e.setPending(pending)
	return true, e.pushPass(ctx, st, &batchQueue{claim: &headClaims{hc: hc, st: st, size: e.cfg.PushBatchSize, left: pushing, taken: map[entityRef]bool{}}})
}

// headClaims claims a claiming pass's batches, each from the Seq after the last op taken
// before it. Claims may run at once (a worker's plain claim beside another's ack and claim):
// an entity's head is taken once in the pass (take), so two claims that read the same rows
// never send one twice, and an entity's later op is left to push's next pass. The pass ends
// when a claim comes back short (it read every row from its Seq on) or the pass claimed as
// many ops as were pending at the start.
type headClaims struct {
	hc    HeadClaimer
	st    *runState
	size  int
	mu    sync.Mutex
	from  int64
	left  int // ops pending at the start and not claimed yet
	taken map[entityRef]bool
	done  atomic.Bool // no claim is left to make
}

// entityRef is an entity as a map key, without building a string per op.
type entityRef struct{ kind, id string }

// next claims the next batch (none once the pass is done); with store, it acknowledges acks
// first, in the same call when the store can (claimed), else alone.
func (c *headClaims) next(ctx context.Context, store Store, acks []Ack) (ops []Op, claimed bool, err error) {
	hc := HeadClaim{From: c.start, Limit: c.size, Take: c.take}
	switch {
	case store == nil && c.done.Load():
		return nil, false, nil
	case store == nil:
		ops, err = c.hc.ClaimHeads(ctx, hc)
		err, claimed = Wrap(CodeStorage, "push", err), err == nil
	case c.done.Load():
		return nil, false, store.Ack(ctx, acks)
	default:
		ops, claimed, err = c.hc.AckAndClaimHeads(ctx, acks, hc)
	}
	if err != nil || !claimed {
		return nil, false, err
	}
	c.mu.Lock()
	if c.left -= len(ops); c.left <= 0 || len(ops) < c.size {
		c.done.Store(true)
	}
	c.mu.Unlock()
	return ops, true, nil
}

// start is where a claim starts reading: past the last op taken.
func (c *headClaims) start() int64 {
	c.mu.Lock()
	from := c.from
	c.mu.Unlock()
	return from
}

// take takes o, an entity's first pending op, for a claim (HeadClaim.Take): an op of the
// run's kinds that heads would send, of an entity not taken in this pass yet.
func (c *headClaims) take(o Op) bool {
	st := c.st
	st.mu.Lock()
	ok := st.pushSet[o.Kind] && !st.passesOver(o)
	st.mu.Unlock()
	k := entityRef{o.Kind, o.EntityID}
	c.mu.Lock()
	if ok = ok && !c.taken[k]; ok {
		c.taken[k] = true
		// The next claim starts past o, even one the store runs before this one returned.
		c.from = max(c.from, o.Seq+1)
	}
	c.mu.Unlock()
	return ok
}
