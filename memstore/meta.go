package memstore

import (
	"context"
	"slices"

	"github.com/offsync/offsync/core"
)

// PutConflict stores a copy of c, replacing the conflict with the same ID in place.
func (b backend) PutConflict(ctx context.Context, c core.Conflict) error {
	s := b.s
	if err := s.lock(ctx, "put conflict"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	c = cloneConflict(c)
	if i := slices.IndexFunc(s.conflicts, func(x core.Conflict) bool { return x.ID == c.ID }); i >= 0 {
		s.conflicts[i] = c
		return nil
	}
	s.conflicts = append(s.conflicts, c)
	return nil
}

// Conflicts returns copies of the deferred conflicts in the order they were first stored.
func (b backend) Conflicts(ctx context.Context) ([]core.Conflict, error) {
	s := b.s
	if err := s.lock(ctx, "conflicts"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]core.Conflict, len(s.conflicts))
	for i, c := range s.conflicts {
		out[i] = cloneConflict(c)
	}
	return out, nil
}

// DeleteConflict removes a deferred conflict; unknown ids are ignored.
func (b backend) DeleteConflict(ctx context.Context, id string) error {
	s := b.s
	if err := s.lock(ctx, "delete conflict"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.conflicts = slices.DeleteFunc(s.conflicts, func(c core.Conflict) bool { return c.ID == id })
	return nil
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

func cloneConflict(c core.Conflict) core.Conflict {
	c.Local = slices.Clone(c.Local)
	c.Server = slices.Clone(c.Server)
	c.ChangedFields = slices.Clone(c.ChangedFields)
	return c
}
