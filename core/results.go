package core

import (
	"context"
	"time"
)

// applyResults applies one push answer: acknowledgements in one Store.Ack, refusals in one
// Store.Park, conflicts one by one through the strategy. It returns the ops to send again
// (answered 429/5xx, or left without an answer) with the last such error, or the first that
// is not retryable.
func (e *Engine) applyResults(ctx context.Context, st *runState, ops []Op, results []PushResult, next *handoff) (retry []Op, lastErr error, err error) {
	if len(results) != len(ops) {
		return nil, nil, Errorf(CodeProtocol, "push", "%d results for %d ops", len(results), len(ops))
	}
	var (
		// Sized for an answer of acknowledgements (the usual one): grown by appends, acks were
		// a twentieth of a push's Go allocation.
		acks      = make([]Ack, 0, len(ops))
		parks     []ParkedOp
		conflicts []Ack
		blind     []Op // acknowledged without the server's record (learn.go)
	)
	var noted time.Time // a batch's results share their answer's time: read the clock once
	for i, r := range results {
		op := ops[i]
		if r.OpID != "" && r.OpID != op.OpID {
			return nil, nil, Errorf(CodeProtocol, "push", "result %d is for op %s, not %s", i, r.OpID, op.OpID)
		}
		if !r.ServerTime.Equal(noted) {
			e.noteServerTime(r.ServerTime)
			noted = r.ServerTime
		}
		server, err := resultRecord(op, r)
		if err != nil {
			return nil, nil, err
		}
		switch r.Status {
		case PushOK:
			if server == nil {
				blind = append(blind, op)
			} else {
				acks = append(acks, Ack{Op: op, Server: server})
			}
		case PushNotFound:
			if op.Type == OpDelete {
				acks = append(acks, Ack{Op: op})
				continue
			}
			parks = append(parks, e.parkOf(op, r.HTTPStatus, "the server has no such record and does not create it on PUT"))
		case PushRejected:
			parks = append(parks, e.parkOf(op, r.HTTPStatus, r.Message))
		case PushConflict:
			conflicts = append(conflicts, Ack{Op: op, Server: server})
		case PushRetry:
			retry = append(retry, op)
			err := r.Err
			if err == nil {
				err = Errorf(CodeServer, "push "+opName(op), "status %d: %s", r.HTTPStatus, r.Message)
			}
			if lastErr == nil || retryable(lastErr) {
				lastErr = err // one that is not retried (no answer at all) ends the push: kept
			}
		default:
			return nil, nil, Errorf(CodeProtocol, "push "+opName(op), "unknown result status %d", r.Status)
		}
	}
	learned, err := e.learnAcks(ctx, blind)
	if err != nil {
		return nil, nil, err
	}
	acks = append(acks, learned...) // acknowledged as the others: their events too
	if err := e.ack(ctx, st, acks, next); err != nil {
		return nil, nil, err
	}
	e.bus.emitAll(pushedEvents(acks, ops, results))
	if err := e.park(ctx, st, parks); err != nil {
		return nil, nil, err
	}
	for _, c := range conflicts {
		if err := e.onConflict(ctx, st, c.Op, c.Server); err != nil {
			return nil, nil, err
		}
	}
	e.bus.emitAll(retryFailures(ops, results))
	return retry, lastErr, nil
}

// resultRecord is the server record of a result, checked and with its kind set. Its Data is
// not copied: the engine only reads it, and Store.Ack copies what it keeps (storekit's
// applyAcks); a copy here was a twentieth of a push's Go allocation (PushResult.Record).
func resultRecord(op Op, r PushResult) (*Record, error) {
	if r.Record == nil {
		return nil, nil
	}
	rec := *r.Record
	if rec.ID != op.EntityID {
		return nil, Errorf(CodeProtocol, "push "+opName(op), "the server answered with record %q", rec.ID)
	}
	rec.Kind = op.Kind
	return &rec, nil
}

func opName(op Op) string { return string(op.Type) + " " + op.Kind + "/" + op.EntityID }

func (e *Engine) parkOf(op Op, status int, reason string) ParkedOp {
	return ParkedOp{Op: op, Status: status, Reason: reason, ParkedAtMs: nowMs(e.cfg.Now)}
}

// ack writes acknowledgements (one store call), removes the deferred conflicts they settle,
// and reports the change and the progress. With next, a store that can (AckMarker, or
// HeadClaimer for a claiming queue) claims the worker's next batch in the same call, when one
// is waiting.
func (e *Engine) ack(ctx context.Context, st *runState, acks []Ack, next *handoff) error {
	if len(acks) == 0 {
		return nil
	}
	var err error
	am, marker := e.cfg.Store.(AckMarker)
	switch {
	case next == nil || next.q.claim == nil && !marker || !next.take():
		err = e.cfg.Store.Ack(ctx, acks)
	case next.q.claim != nil:
		next.marked, next.claimed, err = next.q.claim.next(ctx, e.cfg.Store, acks)
	default:
		next.marked, next.claimed, err = am.AckAndMark(ctx, acks, next.ops)
	}
	if err != nil {
		return Wrap(CodeStorage, "ack", err)
	}
	ops := make([]Op, len(acks))
	for i, a := range acks {
		ops[i] = a.Op
	}
	if err := e.finishOps(ctx, st, ops); err != nil {
		return err
	}
	st.count(func(s *Stats) { s.Pushed += len(acks) })
	e.changed(ops)
	e.ackedPending(len(acks))
	return nil
}

// park moves refused ops out of the outbox (one store call) with an "opParked" event each.
func (e *Engine) park(ctx context.Context, st *runState, parks []ParkedOp) error {
	if len(parks) == 0 {
		return nil
	}
	if err := e.cfg.Store.Park(ctx, parks); err != nil {
		return Wrap(CodeStorage, "park", err)
	}
	ops := make([]Op, len(parks))
	for i, p := range parks {
		ops[i] = p.Op
		parked := p
		e.emit(Event{Type: EventOpParked, Kind: p.Op.Kind, Parked: &parked})
	}
	e.bus.emitAll(parkFailures(parks))
	st.count(func(s *Stats) { s.Errors += len(parks) })
	return e.finishOps(ctx, st, ops)
}

// finishOps is the bookkeeping of ops that left the outbox or wait for a later run: their
// deferred conflicts go, and progress advances.
func (e *Engine) finishOps(ctx context.Context, st *runState, ops []Op) error {
	st.mu.Lock()
	var drop []string
	touched := map[string]bool{}
	for _, o := range ops {
		st.answered[o.IdempotencyKey()] = true
		if st.deferred[o.OpID] {
			delete(st.deferred, o.OpID)
			drop = append(drop, o.OpID)
		}
		st.pushDone[o.Kind]++
		touched[o.Kind] = true
	}
	var progress []Event
	for _, k := range st.pushKinds {
		if touched[k] {
			done := st.pushDone[k]
			progress = append(progress, Event{Type: EventProgress, Phase: "push", Kind: k, Done: done, Total: max(done, st.pushTotal[k])})
		}
	}
	st.mu.Unlock()
	for _, id := range drop {
		if err := e.cfg.Store.DeleteConflict(ctx, id); err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
	}
	for _, ev := range progress {
		e.emit(ev)
	}
	return nil
}

// changed emits one "change" event (origin sync) per kind for the entities of ops.
func (e *Engine) changed(ops []Op) {
	var order []string
	ids := map[string][]string{}
	for _, o := range ops {
		if _, ok := ids[o.Kind]; !ok {
			order = append(order, o.Kind)
		}
		ids[o.Kind] = append(ids[o.Kind], o.EntityID)
	}
	for _, k := range order {
		e.emit(Event{Type: EventChange, Kind: k, IDs: ids[k], Origin: OriginSync})
	}
}
