package core

import (
	"context"
	"encoding/json"
)

// metaRefetch is the Meta key of the entities whose local copy may be older than the
// server's: a deferred conflict resolved with the server's record as it was when the conflict
// was stored, while the pull cursor may already have passed a newer version (the pull held
// the entity while its op was pending). The next sync fetches them.
const metaRefetch = "refetch"

type refetchEntry struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

func (e *Engine) refetchList(ctx context.Context) ([]refetchEntry, error) {
	v, ok, err := e.cfg.Store.Meta(ctx, metaRefetch)
	if err != nil || !ok {
		return nil, Wrap(CodeStorage, "refetch", err)
	}
	var list []refetchEntry
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		return nil, Errorf(CodeStorage, "refetch", "stored list is unreadable: %w", err)
	}
	return list, nil
}

func (e *Engine) setRefetchList(ctx context.Context, list []refetchEntry) error {
	b, err := json.Marshal(list)
	if err != nil {
		return Errorf(CodeStorage, "refetch", "%w", err)
	}
	return Wrap(CodeStorage, "refetch", e.cfg.Store.SetMeta(ctx, metaRefetch, string(b)))
}

// markRefetch adds an entity to the refetch list.
func (e *Engine) markRefetch(ctx context.Context, kind, id string) error {
	list, err := e.refetchList(ctx)
	if err != nil {
		return err
	}
	for _, r := range list {
		if r.Kind == kind && r.ID == id {
			return nil
		}
	}
	return e.setRefetchList(ctx, append(list, refetchEntry{Kind: kind, ID: id}))
}

// refetch fetches the listed entities of the run's kinds and applies each at its kind's
// current cursor (which does not move); an entity with pending ops is held as in a pull.
func (e *Engine) refetch(ctx context.Context, st *runState) error {
	st.mu.Lock()
	list, read := st.refetchList, st.refetchRead && st.pendingExact
	st.mu.Unlock()
	if !read { // the push phase resolved conflicts, which may have added to it
		var err error
		if list, err = e.refetchList(ctx); err != nil {
			return err
		}
	}
	if len(list) == 0 {
		return nil
	}
	var keep []refetchEntry
	for _, r := range list {
		if !st.kindSet[r.Kind] {
			keep = append(keep, r)
			continue
		}
		var (
			rec Record
			ok  bool
		)
		err := e.withRetry(ctx, func() error {
			var ferr error
			rec, ok, ferr = e.cfg.Transport.Fetch(ctx, r.Kind, r.ID)
			e.called(ferr)
			return ferr
		})
		if err != nil {
			return Wrap(CodeNetwork, "refetch "+r.Kind+"/"+r.ID, err)
		}
		if ok {
			if err := e.applyAtCursor(ctx, r.Kind, rec); err != nil {
				return err
			}
		}
	}
	return e.setRefetchList(ctx, keep)
}

func (e *Engine) applyAtCursor(ctx context.Context, kind string, rec Record) error {
	op := "refetch " + kind + "/" + rec.ID
	rec.Kind = kind
	if !ValidID(rec.ID) || rec.UpdatedAt == "" {
		return Errorf(CodeProtocol, op, "the server's record lacks an id or updatedAt")
	}
	cur, err := e.cfg.Store.Cursor(ctx, kind)
	if err != nil {
		return Wrap(CodeStorage, op, err)
	}
	held, err := e.cfg.Store.ApplyPage(ctx, kind, []Record{rec}, cur)
	if err != nil {
		return Wrap(CodeStorage, op, err)
	}
	if len(held) == 0 {
		e.emit(Event{Type: EventChange, Kind: kind, IDs: []string{rec.ID}, Origin: OriginSync})
	}
	return nil
}
