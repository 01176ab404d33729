package memstore

import (
	"context"
	"sort"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// Get returns a copy of the record, tombstones included.
func (b backend) Get(ctx context.Context, kind, id string) (core.Record, bool, error) {
	s := b.s
	if err := s.lock(ctx, "get"); err != nil {
		return core.Record{}, false, err
	}
	defer s.mu.Unlock()
	r, ok := s.stored(kind, id)
	if !ok {
		return core.Record{}, false, nil
	}
	return core.CloneRecord(r), true, nil
}

// List returns copies of kind's live records in id byte order.
func (b backend) List(ctx context.Context, kind string) ([]core.Record, error) {
	s := b.s
	if err := s.lock(ctx, "list"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]core.Record, 0, len(s.records[kind]))
	for _, r := range s.records[kind] {
		if !r.Deleted {
			out = append(out, core.CloneRecord(r))
		}
	}
	// sort.Slice, not slices.SortFunc: a generic sort instance of core.Record costs sync.wasm ~5 KB gzip.
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Cursors returns the cursors of kinds, in order.
func (b backend) Cursors(ctx context.Context, kinds []string) ([]core.Cursor, error) {
	s := b.s
	if err := s.lock(ctx, "cursors"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]core.Cursor, len(kinds))
	for i, k := range kinds {
		out[i] = s.cursors[k]
	}
	return out, nil
}

// ApplyPage puts the records plan returns and sets kind's cursor, all or nothing; plan sees
// every item's stored record (the map is at hand, so memstore keeps no watermarks).
func (b backend) ApplyPage(ctx context.Context, kind string, _ []core.Record, next core.Cursor, plan storekit.PagePlan) error {
	s := b.s
	if err := s.lock(ctx, "apply page"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t := s.begin()
	for _, r := range plan(func(id string) bool { return t.hasPending(kind, id) }, func(id string) *core.Record { return t.record(kind, id) }) {
		t.putRecord(core.CloneRecord(r)) // plan's records share the page's memory (storekit.PagePlan)
	}
	t.commit()
	s.cursors[kind] = next
	return nil
}

// ResetCursors zeroes the kinds' cursors and, with clearData, drops their records that have
// no pending or parked op.
func (b backend) ResetCursors(ctx context.Context, kinds []string, clearData bool) error {
	s := b.s
	if err := s.lock(ctx, "reset cursors"); err != nil {
		return err
	}
	defer s.mu.Unlock()
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
