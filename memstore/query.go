package memstore

import (
	"context"

	"github.com/offsync/offsync/core"
)

// memstore is the reference for queries: every query is a scan of the kind's records in
// memory, filtered, ordered and windowed by core's rules (no index: they only change speed).

var _ core.Querier = (*Store)(nil)

// Query returns copies of kind's live records that match q, ordered and windowed.
func (s *Store) Query(ctx context.Context, kind string, q core.Query) ([]core.Record, error) {
	if err := s.lock(ctx, "query"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := core.ValidateKind("query", kind); err != nil {
		return nil, err
	}
	var out []core.Record
	for _, r := range s.records[kind] {
		if q.Matches(r) {
			out = append(out, r)
		}
	}
	q.Sort(out)
	out = q.Window(out)
	res := make([]core.Record, len(out))
	for i, r := range out {
		res[i] = core.CloneRecord(r)
	}
	return res, nil
}

// Count counts kind's live records that match q.Where.
func (s *Store) Count(ctx context.Context, kind string, q core.Query) (int, error) {
	if err := s.lock(ctx, "count"); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	if err := core.ValidateKind("count", kind); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range s.records[kind] {
		if q.Matches(r) {
			n++
		}
	}
	return n, nil
}

// GetMany returns copies of the live records of ids, nil where absent or deleted.
func (s *Store) GetMany(ctx context.Context, kind string, ids []string) ([]*core.Record, error) {
	if err := s.lock(ctx, "getMany"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := core.ValidateKind("getMany", kind); err != nil {
		return nil, err
	}
	out := make([]*core.Record, len(ids))
	for i, id := range ids {
		if r, ok := s.stored(kind, id); ok && !r.Deleted {
			c := core.CloneRecord(r)
			out[i] = &c
		}
	}
	return out, nil
}
