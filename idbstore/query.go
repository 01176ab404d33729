//go:build js && wasm

package idbstore

import (
	"context"

	"github.com/offsync/offsync/core"
)

var _ core.Querier = (*Store)(nil)

// Query returns kind's live records that match q, ordered and windowed.
func (s *Store) Query(ctx context.Context, kind string, q core.Query) ([]core.Record, error) {
	recs, err := s.List(ctx, kind)
	if err != nil {
		return nil, err
	}
	return q.Run(recs), nil
}

// Count counts kind's live records that match q.Where.
func (s *Store) Count(ctx context.Context, kind string, q core.Query) (int, error) {
	recs, err := s.List(ctx, kind)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		if q.Matches(r) {
			n++
		}
	}
	return n, nil
}

// GetMany reads the records of ids in one transaction; nil where absent or deleted.
func (s *Store) GetMany(ctx context.Context, kind string, ids []string) ([]*core.Record, error) {
	const op = "getMany"
	if err := s.guard(op); err != nil {
		return nil, err
	}
	if err := core.ValidateKind(op, kind); err != nil {
		return nil, err
	}
	keys := make([]entityKey, len(ids))
	for i, id := range ids {
		keys[i] = entityKey{kind, id}
	}
	out := make([]*core.Record, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.view(ctx, op, []string{stRecords}, func(t *txn) error {
		st, err := t.store(stRecords)
		if err != nil {
			return err
		}
		var recs []*recordValue
		if err := t.issueJSON(ctx, &recs, t.js.gather, st, "get", jsonText(keys)); err != nil {
			return err
		}
		for i, rv := range recs {
			if rv != nil && !rv.Deleted {
				r := rv.record()
				out[i] = &r
			}
		}
		return nil
	})
	return out, err
}
