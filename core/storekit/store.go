package storekit

import (
	"context"
	"sync/atomic"

	"github.com/offsync/offsync/core"
)

// Store is the core.Store a Backend makes (Init): every method checks that the store is open,
// checks its input, and runs the backend's primitive, with the flows of this package inside.
// A backend's own type embeds it by value (its methods become the type's, with no wrapper per
// method for the value type: memstore, idbstore) or uses a *Store on its own.
type Store struct {
	b      Backend
	closed atomic.Bool
}

var (
	_ core.Store         = (*Store)(nil)
	_ core.CursorsReader = (*Store)(nil)
	_ core.AckMarker     = (*Store)(nil)
)

// Init makes s the core.Store over b; call it once, before any other method.
func (s *Store) Init(b Backend) { s.b = b }

// open refuses every call after Close, before validating (as core.Store says). The backend
// refuses too: a call may race with Close.
func (s *Store) open(op string) error {
	if s.closed.Load() {
		return core.Errorf(core.CodeClosed, op, "store is closed")
	}
	return nil
}

// Get returns the record, tombstones included.
func (s *Store) Get(ctx context.Context, kind, id string) (core.Record, bool, error) {
	if err := s.open("get"); err != nil {
		return core.Record{}, false, err
	}
	if err := core.ValidateEntity("get", kind, id); err != nil {
		return core.Record{}, false, err
	}
	return s.b.Get(ctx, kind, id)
}

// List returns kind's live records in id byte order.
func (s *Store) List(ctx context.Context, kind string) ([]core.Record, error) {
	if err := s.open("list"); err != nil {
		return nil, err
	}
	if err := core.ValidateKind("list", kind); err != nil {
		return nil, err
	}
	return s.b.List(ctx, kind)
}

// WriteLocal applies writes through applyWrites in one Change.
func (s *Store) WriteLocal(ctx context.Context, writes []core.LocalWrite) (core.WriteResult, error) {
	if err := s.open("write"); err != nil {
		return core.WriteResult{}, err
	}
	if err := checkWrites(writes); err != nil {
		return core.WriteResult{}, err
	}
	var recs []core.Record
	ch, err := s.b.Change(ctx, Change{Flow: FlowWrite, Writes: writes}, func(t Tx) (err error) {
		recs, err = applyWrites(t, writes)
		return err
	})
	if err != nil {
		return core.WriteResult{}, err
	}
	return core.WriteResult{Records: recs, Pending: ch.Pending}, nil
}

// Enqueue appends app-made ops through enqueueOps in one Change.
func (s *Store) Enqueue(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	if err := s.open("enqueue"); err != nil {
		return nil, err
	}
	if err := checkOps(ops); err != nil {
		return nil, err
	}
	var out []core.Op
	ch, err := s.b.Change(ctx, Change{Flow: FlowEnqueue, Ops: ops}, func(t Tx) error {
		out = enqueueOps(t, ops)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, seq := range ch.Seqs {
		out[i].Seq = seq
	}
	return out, nil
}

// Ack applies acknowledgements through applyAcks in one Change.
func (s *Store) Ack(ctx context.Context, acks []core.Ack) error {
	_, _, err := s.AckAndMark(ctx, acks, nil)
	return err
}

// AckAndMark is Ack, and with next a claim of next in the same transaction when the backend
// can (AckClaimer); otherwise it acknowledges only (claimed false).
func (s *Store) AckAndMark(ctx context.Context, acks []core.Ack, next []core.Op) ([]core.Op, bool, error) {
	var c Claim
	if len(next) > 0 {
		c = claimOf(next)
	}
	got, claimed, err := s.ackAnd(ctx, acks, c)
	if claimed {
		got = inOrderOf(next, got)
	}
	return got, claimed, err
}

// ackAnd applies acks through applyAcks, and with c.Pick claims c in the same transaction
// when the backend can (AckClaimer; claimed); otherwise it acknowledges only.
func (s *Store) ackAnd(ctx context.Context, acks []core.Ack, c Claim) ([]core.Op, bool, error) {
	if err := s.open("ack"); err != nil {
		return nil, false, err
	}
	if err := checkAcks(acks); err != nil {
		return nil, false, err
	}
	fn := func(t Tx) error { return applyAcks(t, acks) }
	if ac, ok := s.b.(AckClaimer); ok && c.Pick != nil {
		got, err := ac.AckClaim(ctx, acks, fn, c)
		if err != nil {
			return nil, false, err
		}
		return got, true, nil
	}
	_, err := s.b.Change(ctx, Change{Flow: FlowAck, Acks: acks}, fn)
	return nil, false, err
}

// Resolve replaces a pending op through resolveOp in one Change.
func (s *Store) Resolve(ctx context.Context, op core.Op, local *core.Record, rebuild bool) error {
	if err := s.open("resolve"); err != nil {
		return err
	}
	if err := checkResolve(op, local); err != nil {
		return err
	}
	_, err := s.b.Change(ctx, Change{Flow: FlowResolve, Op: op}, func(t Tx) error { return resolveOp(t, op, local, rebuild) })
	return err
}

// Park moves ops from the outbox to the parked list.
func (s *Store) Park(ctx context.Context, parked []core.ParkedOp) error {
	if err := s.open("park"); err != nil {
		return err
	}
	if err := checkParked(parked); err != nil {
		return err
	}
	_, err := s.b.Change(ctx, Change{Flow: FlowPark, Parked: parked}, func(t Tx) error {
		parkOps(t, parked)
		return nil
	})
	return err
}

// Parked lists parked ops in the order they were parked.
func (s *Store) Parked(ctx context.Context) ([]core.ParkedOp, error) {
	if err := s.open("parked"); err != nil {
		return nil, err
	}
	return s.b.Parked(ctx)
}

// Unpark removes ops from the parked list and, with requeue, puts them back through requeueOps;
// one Change.
func (s *Store) Unpark(ctx context.Context, opIDs []string, requeue bool) error {
	if err := s.open("unpark"); err != nil {
		return err
	}
	_, err := s.b.Change(ctx, Change{Flow: FlowUnpark, Unpark: opIDs, Requeue: requeue}, func(t Tx) error {
		if !requeue {
			return nil
		}
		return requeueOps(t, t.Unparked())
	})
	return err
}

// Cursor returns kind's pull cursor.
func (s *Store) Cursor(ctx context.Context, kind string) (core.Cursor, error) {
	cs, err := s.cursors(ctx, "cursor", []string{kind})
	if err != nil {
		return core.Cursor{}, err
	}
	return cs[0], nil
}

// Cursors returns the cursors of kinds in one step.
func (s *Store) Cursors(ctx context.Context, kinds []string) ([]core.Cursor, error) {
	return s.cursors(ctx, "cursors", kinds)
}

func (s *Store) cursors(ctx context.Context, op string, kinds []string) ([]core.Cursor, error) {
	if err := s.open(op); err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if err := core.ValidateKind(op, k); err != nil {
			return nil, err
		}
	}
	if len(kinds) == 0 {
		return []core.Cursor{}, nil
	}
	return s.b.Cursors(ctx, kinds)
}

// ApplyPage writes a pulled page, each item through planPageItem, and advances kind's
// cursor in one step; the held ids come once each, in page order.
func (s *Store) ApplyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) ([]string, error) {
	return s.applyPage(ctx, "apply page", kind, items, next, false)
}

// ApplyRefetched writes one refetched record through planPageItem (refetched: the version
// stored is written again) with kind's cursor set to at, in one step.
func (s *Store) ApplyRefetched(ctx context.Context, kind string, rec core.Record, at core.Cursor) (held bool, err error) {
	ids, err := s.applyPage(ctx, "apply refetched", kind, []core.Record{rec}, at, true)
	return len(ids) > 0, err
}

// StartPage is core.PageStarter's: through the backend's PageStarter when it has one, as
// ApplyPage otherwise (wait then answers what it did). Invalid input is refused at once.
func (s *Store) StartPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) (func() ([]string, error), error) {
	if err := s.checkApply("apply page", kind, items); err != nil {
		return nil, err
	}
	held, plan := pagePlan(kind, items, false)
	var wait func() error
	if ps, ok := s.b.(PageStarter); ok {
		var err error
		if wait, err = ps.StartPage(ctx, kind, items, next, plan); err != nil {
			return nil, err
		}
	} else {
		// Applied at once: its failure is StartPage's, so that the engine starts no page after
		// it (one started after a failed page must not apply, core.PageStarter).
		if err := s.b.ApplyPage(ctx, kind, items, next, plan); err != nil {
			return nil, err
		}
		wait = func() error { return nil }
	}
	return func() ([]string, error) {
		if err := wait(); err != nil {
			return nil, err
		}
		return *held, nil
	}, nil
}

func (s *Store) applyPage(ctx context.Context, op, kind string, items []core.Record, next core.Cursor, refetched bool) ([]string, error) {
	if err := s.checkApply(op, kind, items); err != nil {
		return nil, err
	}
	held, plan := pagePlan(kind, items, refetched)
	if err := s.b.ApplyPage(ctx, kind, items, next, plan); err != nil {
		return nil, err
	}
	return *held, nil
}

// checkApply checks what ApplyPage is given before a backend sees it.
func (s *Store) checkApply(op, kind string, items []core.Record) error {
	if err := s.open(op); err != nil {
		return err
	}
	return checkPage(kind, items)
}

// pagePlan is the PagePlan of a page of kind: each item through planPageItem. held is set by
// its last call: the held ids, once each, in page order (never nil once called).
func pagePlan(kind string, items []core.Record, refetched bool) (*[]string, PagePlan) {
	var held []string
	return &held, func(hasPending func(string) bool, stored func(string) *core.Record) []core.Record {
		held = []string{}
		seen := make(map[string]bool)
		recs := make([]core.Record, 0, len(items))
		for _, it := range items {
			rec, isHeld := planPageItem(kind, it, hasPending(it.ID), stored(it.ID), refetched)
			if rec != nil {
				recs = append(recs, *rec)
			} else if isHeld && !seen[it.ID] {
				seen[it.ID] = true
				held = append(held, it.ID)
			}
		}
		return recs
	}
}

// ResetCursors zeroes the cursors of kinds (and with clearData drops their unchanged records).
func (s *Store) ResetCursors(ctx context.Context, kinds []string, clearData bool) error {
	const op = "reset cursors"
	if err := s.open(op); err != nil {
		return err
	}
	for _, k := range kinds {
		if err := core.ValidateKind(op, k); err != nil {
			return err
		}
	}
	return s.b.ResetCursors(ctx, kinds, clearData)
}

// PutConflict stores (or replaces, by ID) a deferred conflict.
func (s *Store) PutConflict(ctx context.Context, c core.Conflict) error {
	const op = "put conflict"
	if err := s.open(op); err != nil {
		return err
	}
	if c.ID == "" {
		return core.Errorf(core.CodeInvalid, op, "conflict without id")
	}
	c = c.Clone() // staged as is: a store keeps none of its caller's slices
	_, err := s.b.Change(ctx, Change{Flow: FlowConflict, ConflictID: c.ID}, func(t Tx) error {
		t.PutConflict(c)
		return nil
	})
	return err
}

// Conflicts lists deferred conflicts in the order they were first stored.
func (s *Store) Conflicts(ctx context.Context) ([]core.Conflict, error) {
	if err := s.open("conflicts"); err != nil {
		return nil, err
	}
	return s.b.Conflicts(ctx)
}

// DeleteConflict removes a deferred conflict; unknown ids are ignored.
func (s *Store) DeleteConflict(ctx context.Context, id string) error {
	if err := s.open("delete conflict"); err != nil {
		return err
	}
	_, err := s.b.Change(ctx, Change{Flow: FlowConflict, ConflictID: id}, func(t Tx) error {
		t.DeleteConflict(id)
		return nil
	})
	return err
}

// Meta reads a metadata value.
func (s *Store) Meta(ctx context.Context, key string) (string, bool, error) {
	if err := s.open("meta"); err != nil {
		return "", false, err
	}
	return s.b.Meta(ctx, key)
}

// SetMeta writes a metadata value; the key must not be empty.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	const op = "set meta"
	if err := s.open(op); err != nil {
		return err
	}
	if key == "" {
		return core.Errorf(core.CodeInvalid, op, "empty key")
	}
	return s.b.SetMeta(ctx, key, value)
}

// Close closes the backend; later calls answer ErrClosed. Safe to call more than once.
func (s *Store) Close() error {
	s.closed.Store(true)
	return s.b.Close()
}
