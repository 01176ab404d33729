package memstore

import (
	"context"
	"slices"

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
	k := kitTx{tx: t}
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
	return storekit.Changed{Pending: len(s.outbox)}, nil
}

// Outbox returns copies of up to limit pending ops in Seq order; limit <= 0 is all.
func (b backend) Outbox(ctx context.Context, limit int) ([]core.Op, error) {
	s := b.s
	if err := s.lock(ctx, "outbox"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	n := len(s.outbox)
	if limit > 0 && limit < n {
		n = limit
	}
	out := make([]core.Op, n)
	for i := range out {
		out[i] = core.CloneOp(s.outbox[i])
	}
	return out, nil
}

// PendingCount counts pending (not parked) ops.
func (b backend) PendingCount(ctx context.Context) (int, error) {
	s := b.s
	if err := s.lock(ctx, "pending count"); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	return len(s.outbox), nil
}

// MarkInFlight sets InFlight on the pending ops matched by OpID (found through the op-id
// index; Seq is not needed) and returns copies of them in the order of ops; unknown ids are
// skipped.
func (b backend) MarkInFlight(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	s := b.s
	if err := s.lock(ctx, "mark in flight"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]core.Op, 0, len(ops))
	for _, in := range ops {
		seq, ok := s.byID[in.OpID]
		if !ok {
			continue
		}
		i, ok := slices.BinarySearchFunc(s.outbox, seq, cmpSeq)
		if !ok {
			continue
		}
		s.outbox[i].InFlight = true
		out = append(out, core.CloneOp(s.outbox[i]))
	}
	return out, nil
}

// Park moves the pending ops named by parked[i].Op.OpID to the parked list, keeping the stored
// op with the given status, reason and time; unknown op ids are ignored. All or nothing.
func (b backend) Park(ctx context.Context, parked []core.ParkedOp) error {
	s := b.s
	if err := s.lock(ctx, "park"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t := s.begin()
	var moved []core.ParkedOp
	for _, p := range parked {
		stored, ok := t.findOp(p.Op.OpID)
		if !ok {
			continue
		}
		p.Op = stored
		t.removeOp(p.Op.Seq)
		moved = append(moved, p)
	}
	t.commit()
	s.parked = append(s.parked, moved...)
	return nil
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
