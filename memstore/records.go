package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// Get returns a copy of the record, tombstones included.
func (s *Store) Get(ctx context.Context, kind, id string) (core.Record, bool, error) {
	if err := s.lock(ctx, "get"); err != nil {
		return core.Record{}, false, err
	}
	defer s.mu.Unlock()
	if err := core.ValidateEntity("get", kind, id); err != nil {
		return core.Record{}, false, err
	}
	r, ok := s.stored(kind, id)
	if !ok {
		return core.Record{}, false, nil
	}
	return core.CloneRecord(r), true, nil
}

// List returns copies of kind's live records in id byte order.
func (s *Store) List(ctx context.Context, kind string) ([]core.Record, error) {
	if err := s.lock(ctx, "list"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := core.ValidateKind("list", kind); err != nil {
		return nil, err
	}
	out := make([]core.Record, 0, len(s.records[kind]))
	for _, r := range s.records[kind] {
		if !r.Deleted {
			out = append(out, core.CloneRecord(r))
		}
	}
	slices.SortFunc(out, func(a, b core.Record) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// WriteLocal applies the writes in order through core.PlanWritePending, all or nothing.
func (s *Store) WriteLocal(ctx context.Context, writes []core.LocalWrite) (core.WriteResult, error) {
	if err := s.lock(ctx, "write"); err != nil {
		return core.WriteResult{}, err
	}
	defer s.mu.Unlock()
	if err := storekit.CheckWrites(writes); err != nil {
		return core.WriteResult{}, err
	}
	t := s.begin()
	// Against the state before the call, as all validation: an op this call cancels does not
	// free its id for a later write of the same call.
	for _, w := range writes {
		if t.knownOpID(w.OpID) {
			return core.WriteResult{}, core.Errorf(core.CodeInvalid, "write", "op id %s already in the outbox", w.OpID)
		}
	}
	out, err := storekit.Write(kitTx{t}, writes)
	if err != nil {
		return core.WriteResult{}, err
	}
	t.commit()
	return core.WriteResult{Records: out, Pending: len(s.outbox)}, nil
}

// Cursor returns kind's cursor, zero when never pulled.
func (s *Store) Cursor(ctx context.Context, kind string) (core.Cursor, error) {
	if err := s.lock(ctx, "cursor"); err != nil {
		return core.Cursor{}, err
	}
	defer s.mu.Unlock()
	if err := core.ValidateKind("cursor", kind); err != nil {
		return core.Cursor{}, err
	}
	return s.cursors[kind], nil
}

// Cursors returns the cursors of kinds, in order.
func (s *Store) Cursors(ctx context.Context, kinds []string) ([]core.Cursor, error) {
	if err := s.lock(ctx, "cursors"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]core.Cursor, len(kinds))
	for i, k := range kinds {
		if err := core.ValidateKind("cursors", k); err != nil {
			return nil, err
		}
		out[i] = s.cursors[k]
	}
	return out, nil
}

// ApplyPage writes the page through core.PlanPageItem (against each item's stored record: the
// map is at hand, so memstore needs no ahead marks) and sets kind's cursor, all or nothing.
func (s *Store) ApplyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) ([]string, error) {
	if err := s.lock(ctx, "apply page"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := storekit.CheckPage(kind, items); err != nil {
		return nil, err
	}
	t := s.begin()
	held := []string{}
	for _, it := range items {
		rec, isHeld := core.PlanPageItem(kind, it, t.hasPending(kind, it.ID), t.record(kind, it.ID))
		if isHeld && !slices.Contains(held, it.ID) {
			held = append(held, it.ID)
		}
		if rec != nil {
			t.putRecord(*rec)
		}
	}
	t.commit()
	s.cursors[kind] = next
	return held, nil
}

// ResetCursors zeroes the kinds' cursors and, with clearData, drops their records that have
// no pending or parked op.
func (s *Store) ResetCursors(ctx context.Context, kinds []string, clearData bool) error {
	if err := s.lock(ctx, "reset cursors"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, k := range kinds {
		if err := core.ValidateKind("reset cursors", k); err != nil {
			return err
		}
	}
	keep := map[entityKey]bool{}
	for _, o := range s.outbox {
		keep[entityKey{o.Kind, o.EntityID}] = true
	}
	for _, p := range s.parked {
		keep[entityKey{p.Op.Kind, p.Op.EntityID}] = true
	}
	for _, k := range kinds {
		delete(s.cursors, k)
		if !clearData {
			continue
		}
		for id := range s.records[k] {
			if !keep[entityKey{k, id}] {
				delete(s.records[k], id)
			}
		}
	}
	return nil
}
