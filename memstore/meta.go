package memstore

import (
	"context"

	"github.com/offsync/offsync/core"
)

// Conflicts returns copies of the deferred conflicts in the order they were first stored.
func (b backend) Conflicts(ctx context.Context) ([]core.Conflict, error) {
	s := b.s
	if err := s.lock(ctx, "conflicts"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]core.Conflict, len(s.conflicts))
	for i, c := range s.conflicts {
		out[i] = c.Clone()
	}
	return out, nil
}

// Meta reads a metadata value.
func (b backend) Meta(ctx context.Context, key string) (string, bool, error) {
	s := b.s
	if err := s.lock(ctx, "meta"); err != nil {
		return "", false, err
	}
	defer s.mu.Unlock()
	v, ok := s.meta[key]
	return v, ok, nil
}

// SetMeta writes a metadata value.
func (b backend) SetMeta(ctx context.Context, key, value string) error {
	s := b.s
	if err := s.lock(ctx, "set meta"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.meta[key] = value
	return nil
}
