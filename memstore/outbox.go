package memstore

import (
	"context"
	"slices"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// Enqueue appends app-made ops, coalescing as core.CoalescePending says, all or nothing. It
// returns one op per input: the op as stored (the coalesced one when folded into the entity's
// last op), or the input with Seq 0 when it cancelled that op out.
func (s *Store) Enqueue(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	if err := s.lock(ctx, "enqueue"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := storekit.CheckOps(ops); err != nil {
		return nil, err
	}
	t := s.begin()
	// Against the state before the call, as in WriteLocal.
	for _, in := range ops {
		if t.knownOpID(in.OpID) {
			return nil, core.Errorf(core.CodeInvalid, "enqueue", "op id %s already in the outbox", in.OpID)
		}
	}
	out := storekit.Enqueue(kitTx{t}, ops)
	t.commit()
	return out, nil
}

// Outbox returns copies of up to limit pending ops in Seq order; limit <= 0 is all.
func (s *Store) Outbox(ctx context.Context, limit int) ([]core.Op, error) {
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
func (s *Store) PendingCount(ctx context.Context) (int, error) {
	if err := s.lock(ctx, "pending count"); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	return len(s.outbox), nil
}

// MarkInFlight sets InFlight on the pending ops matched by OpID (found through the op-id
// index; Seq is not needed) and returns copies of them in the order of ops; unknown ids are
// skipped.
func (s *Store) MarkInFlight(ctx context.Context, ops []core.Op) ([]core.Op, error) {
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

// Ack applies acknowledgements in order through core.PlanAck, all or nothing. Unknown op ids
// are ignored; an ack whose op names another entity than the stored op is invalid.
func (s *Store) Ack(ctx context.Context, acks []core.Ack) error {
	if err := s.lock(ctx, "ack"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := storekit.CheckAcks(acks); err != nil {
		return err
	}
	t := s.begin()
	if err := storekit.Ack(kitTx{t}, acks); err != nil {
		return err
	}
	t.commit()
	return nil
}

// Resolve replaces the pending op with op.OpID by op (keeping its Seq) and, when local is
// given and the entity has no later op, writes local; all or nothing. Unknown op id: no-op.
func (s *Store) Resolve(ctx context.Context, op core.Op, local *core.Record) error {
	if err := s.lock(ctx, "resolve"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := storekit.CheckResolve(op, local); err != nil {
		return err
	}
	t := s.begin()
	if err := storekit.Resolve(kitTx{t}, op, local); err != nil {
		return err
	}
	t.commit()
	return nil
}

// Park moves the pending ops named by parked[i].Op.OpID to the parked list, keeping the stored
// op with the given status, reason and time; unknown op ids are ignored. All or nothing.
func (s *Store) Park(ctx context.Context, parked []core.ParkedOp) error {
	if err := s.lock(ctx, "park"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := storekit.CheckParked(parked); err != nil {
		return err
	}
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
func (s *Store) Parked(ctx context.Context) ([]core.ParkedOp, error) {
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

// Unpark removes ops from the parked list; with requeue they are appended to the outbox with
// a new Seq, InFlight cleared and Attempt+1 (a new idempotency key), and each is applied again
// to its local record (core.PlanUnpark). Unknown ids are ignored. All or nothing.
func (s *Store) Unpark(ctx context.Context, opIDs []string, requeue bool) error {
	if err := s.lock(ctx, "unpark"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	want := make(map[string]bool, len(opIDs))
	for _, id := range opIDs {
		want[id] = true
	}
	t := s.begin()
	kept := make([]core.ParkedOp, 0, len(s.parked))
	var back []core.Op
	for _, p := range s.parked {
		if !want[p.Op.OpID] {
			kept = append(kept, p)
		} else if requeue {
			back = append(back, p.Op)
		}
	}
	if err := storekit.Requeue(kitTx{t}, back); err != nil {
		return err
	}
	t.commit()
	s.parked = kept
	return nil
}
