package memstore

import (
	"context"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// Change runs c's flow over a tx (kit.go) and commits it, all or nothing.
func (b backend) Change(ctx context.Context, c storekit.Change, fn func(storekit.Tx) error) (storekit.Changed, error) {
	s := b.s
	const op = "change"
	if err := s.lock(ctx, op); err != nil {
		return storekit.Changed{}, err
	}
	defer s.mu.Unlock()
	t := s.begin()
	// Op ids are checked against the state before the call, as all validation: an op this
	// call cancels does not free its id for a later write of the same call.
	var ids []string
	for _, w := range c.Writes {
		ids = append(ids, w.OpID)
	}
	for _, o := range c.Ops {
		ids = append(ids, o.OpID)
	}
	for _, id := range ids {
		if t.knownOpID(id) {
			return storekit.Changed{}, core.Errorf(core.CodeInvalid, op, "op id %s already in the outbox", id)
		}
	}
	k := &kitTx{tx: t}
	var kept []core.ParkedOp
	if c.Flow == storekit.FlowUnpark {
		want := make(map[string]bool, len(c.Unpark))
		for _, id := range c.Unpark {
			want[id] = true
		}
		kept = make([]core.ParkedOp, 0, len(s.parked))
		for _, p := range s.parked {
			if want[p.Op.OpID] {
				k.unparked = append(k.unparked, p.Op)
			} else {
				kept = append(kept, p)
			}
		}
	}
	if err := fn(k); err != nil {
		return storekit.Changed{}, err
	}
	t.commit()
	if kept != nil {
		s.parked = kept
	}
	s.parked = append(s.parked, k.parking...)
	if k.conflicts != nil {
		s.conflicts = *k.conflicts
	}
	return storekit.Changed{Pending: len(s.outbox)}, nil
}

// Claim returns copies of up to c.Limit pending ops in Seq order and the pending count; with
// c.Pick, those it takes, marked in flight (read from the start: From and Heads are only
// hints).
func (b backend) Claim(ctx context.Context, c storekit.Claim) ([]core.Op, int, error) {
	s := b.s
	if err := s.lock(ctx, "claim"); err != nil {
		return nil, 0, err
	}
	defer s.mu.Unlock()
	out := []core.Op{}
	for i := range s.outbox {
		if len(out) == c.Limit {
			break
		}
		if o := &s.outbox[i]; c.Pick == nil || c.Pick(*o) {
			o.InFlight = o.InFlight || c.Pick != nil
			out = append(out, core.CloneOp(*o))
		}
	}
	return out, len(s.outbox), nil
}

// Parked returns copies of the parked ops in the order they were parked.
func (b backend) Parked(ctx context.Context) ([]core.ParkedOp, error) {
	s := b.s
	if err := s.lock(ctx, "parked"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]core.ParkedOp, len(s.parked))
	for i, p := range s.parked {
		p.Op = core.CloneOp(p.Op)
		out[i] = p
	}
	return out, nil
}
