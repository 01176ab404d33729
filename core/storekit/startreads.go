package storekit

import (
	"context"

	"github.com/offsync/offsync/core"
)

var _ core.StartReader = (*Store)(nil)

// StartBackend is optionally implemented by a Backend that reads a sync run's start
// (core.StartReader) in one step, kinds checked (and empty for a run that pulls nothing: its
// outbox is read as thinly as any other's); without it Store reads it with Claim, Meta and
// Cursors.
type StartBackend interface {
	ReadStart(ctx context.Context, kinds []string, metaKey string) (core.StartReads, error)
}

// ReadStart reads the outbox, the meta value at metaKey and the cursors of kinds.
func (s *Store) ReadStart(ctx context.Context, kinds []string, metaKey string) (core.StartReads, error) {
	const op = "read start"
	if err := s.open(op); err != nil {
		return core.StartReads{}, err
	}
	for _, k := range kinds {
		if err := core.ValidateKind(op, k); err != nil {
			return core.StartReads{}, err
		}
	}
	if sb, ok := s.b.(StartBackend); ok {
		return sb.ReadStart(ctx, kinds, metaKey)
	}
	var (
		r   core.StartReads
		err error
	)
	if r.Outbox, _, err = s.b.Claim(ctx, Claim{Limit: -1}); err != nil {
		return core.StartReads{}, err
	}
	if r.Meta, r.HasMeta, err = s.b.Meta(ctx, metaKey); err != nil {
		return core.StartReads{}, err
	}
	r.Cursors = []core.Cursor{}
	if len(kinds) > 0 {
		r.Cursors, err = s.b.Cursors(ctx, kinds)
	}
	return r, err
}
