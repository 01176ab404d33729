package core

import (
	"context"
	"errors"

	"github.com/offsync/offsync/internal/jsonv"
)

// metaRefetch is the Meta key of the entities whose local copy may be older than the
// server's: a deferred conflict resolved with the server's record as it was when the conflict
// was stored, a dropped parked op, or an entity a pull held (it had pending ops, and the cursor
// moved past the server's version: if those ops then vanish without reaching the server, as a
// create cancelled by a delete before it was sent, no push meets that version and no pull
// brings it back). The next sync fetches them.
const metaRefetch = "refetch"

type refetchEntry struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

func (e *Engine) refetchList(ctx context.Context) ([]refetchEntry, error) {
	v, ok, err := e.cfg.Store.Meta(ctx, metaRefetch)
	if err != nil {
		return nil, Wrap(CodeStorage, "refetch", err)
	}
	return decodeRefetchList(v, ok)
}

// decodeRefetchList reads the stored refetch list v (none when not ok).
func decodeRefetchList(v string, ok bool) ([]refetchEntry, error) {
	if !ok {
		return nil, nil
	}
	list, err := decodeList([]byte(v), decodeRefetch)
	if err != nil {
		return nil, Errorf(CodeStorage, "refetch", "stored list is unreadable: %w", err)
	}
	return list, nil
}

func (e *Engine) setRefetchList(ctx context.Context, list []refetchEntry) error {
	b := jsonv.AppendList(nil, list, appendRefetch)
	return Wrap(CodeStorage, "refetch", e.cfg.Store.SetMeta(ctx, metaRefetch, string(b)))
}

// changeRefetch adds the entities add to the refetch list and removes those of drop, as one
// read-modify-write of the stored list under refetchMu.
func (e *Engine) changeRefetch(ctx context.Context, add, drop []refetchEntry) error {
	e.refetchMu.Lock()
	defer e.refetchMu.Unlock()
	list, err := e.refetchList(ctx)
	if err != nil {
		return err
	}
	gone := make(map[refetchEntry]bool, len(drop))
	for _, r := range drop {
		gone[r] = true
	}
	next := make([]refetchEntry, 0, len(list)+len(add))
	seen := make(map[refetchEntry]bool, len(list)+len(add))
	for _, r := range append(list, add...) {
		if !gone[r] && !seen[r] {
			seen[r] = true
			next = append(next, r)
		}
	}
	if len(next) == len(list) && len(drop) == 0 {
		return nil
	}
	return e.setRefetchList(ctx, next)
}

// markRefetch adds an entity to the refetch list.
func (e *Engine) markRefetch(ctx context.Context, kind, id string) error {
	return e.changeRefetch(ctx, []refetchEntry{{Kind: kind, ID: id}}, nil)
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
	parked, err := e.cfg.Store.Parked(ctx)
	if err != nil {
		return Wrap(CodeStorage, "refetch", err)
	}
	// An entity with a parked op keeps showing the refused change until the app requeues or
	// drops it; it stays listed meanwhile.
	waiting := make(map[refetchEntry]bool, len(parked))
	for _, p := range parked {
		waiting[refetchEntry{Kind: p.Op.Kind, ID: p.Op.EntityID}] = true
	}
	var done []refetchEntry
	for _, r := range list {
		if !st.kindSet[r.Kind] || waiting[r] {
			continue
		}
		var (
			rec Record
			ok  bool
		)
		err := e.withRetry(ctx, func() error {
			var ferr error
			rec, ok, ferr = e.cfg.Transport.Fetch(ctx, r.Kind, r.ID)
			e.noteReachable(ferr)
			return ferr
		})
		var bad *BadRecord
		switch {
		case errors.As(err, &bad):
			if err := e.setAsideRefetched(ctx, st, r, bad.Item.UpdatedAt, bad.Item.Reason); err != nil {
				return err
			}
			done = append(done, r)
			continue
		case err != nil:
			return Wrap(CodeNetwork, "refetch "+r.Kind+"/"+r.ID, err)
		}
		switch {
		case ok && rec.ID != r.ID:
			return Errorf(CodeProtocol, "refetch "+r.Kind+"/"+r.ID, "the server answered with record %q", rec.ID)
		case ok:
			rec.Kind = r.Kind
			if reason := itemProblem(r.Kind, rec); reason != "" {
				if err := e.setAsideRefetched(ctx, st, r, rec.UpdatedAt, reason); err != nil {
					return err
				}
				done = append(done, r)
				continue
			}
		default:
			if rec, ok, err = e.goneRecord(ctx, r.Kind, r.ID); err != nil {
				return err
			}
		}
		held := false
		if ok {
			if held, err = e.applyAtCursor(ctx, r.Kind, rec); err != nil {
				return err
			}
		}
		if !held { // held again: its ops are still pending, so it stays listed
			done = append(done, r)
		}
	}
	return e.changeRefetch(ctx, nil, done)
}

// setAsideRefetched sets aside a refetched record that is not usable, as a pulled item would
// be: a bad record must not fail every sync (it leaves the refetch list).
func (e *Engine) setAsideRefetched(ctx context.Context, st *runState, r refetchEntry, version, reason string) error {
	aside := []SetAside{{Kind: r.Kind, ID: r.ID, UpdatedAt: version, Reason: reason, SeenAtMs: nowMs(e.cfg.Now)}}
	added, err := e.addSetAside(ctx, aside)
	if err != nil {
		return err
	}
	e.reportSetAside(st, added)
	return nil
}

// goneRecord is what the server's 404 on a refetch makes of the local copy: a tombstone with
// no server version, as of an entity the server never had (a dropped parked create's record
// must not stay live). ok is false when there is no live local copy to end.
func (e *Engine) goneRecord(ctx context.Context, kind, id string) (Record, bool, error) {
	local, found, err := e.cfg.Store.Get(ctx, kind, id)
	if err != nil {
		return Record{}, false, Wrap(CodeStorage, "refetch "+kind+"/"+id, err)
	}
	if !found || local.Deleted {
		return Record{}, false, nil
	}
	return Record{Kind: kind, ID: id, Data: local.Data, Deleted: true}, true, nil
}

// applyAtCursor applies rec without moving its kind's cursor; held says it was not applied
// because its entity has pending ops. A rec older than the local copy is not applied either
// (and not held: there is nothing left to fetch); one of the same version is (Store.ApplyRefetched).
func (e *Engine) applyAtCursor(ctx context.Context, kind string, rec Record) (held bool, err error) {
	op := "refetch " + kind + "/" + rec.ID
	rec.Kind = kind
	cur, err := e.cfg.Store.Cursor(ctx, kind)
	if err != nil {
		return false, Wrap(CodeStorage, op, err)
	}
	if rec.UpdatedAt != "" {
		// A version older than the local synced one never overwrites it (a lagging replica,
		// or a server that lies). The store checks page items only against versions past the
		// cursor (its watermarks, core/storekit/watermark.go); a refetched record may lie before
		// the cursor, so the engine reads the local copy here (one Get per refetch, off the
		// pull path).
		local, found, err := e.cfg.Store.Get(ctx, kind, rec.ID)
		if err != nil {
			return false, Wrap(CodeStorage, op, err)
		}
		if found && versionOlder(rec.UpdatedAt, local.UpdatedAt) {
			return false, nil
		}
	}
	// Not ApplyPage: a dropped op's refused change keeps the version it was based on, so
	// the server's record of that version must be written over it.
	held, err = e.cfg.Store.ApplyRefetched(ctx, kind, rec, cur)
	if err != nil {
		return false, Wrap(CodeStorage, op, err)
	}
	if !held {
		e.emit(Event{Type: EventChange, Kind: kind, IDs: []string{rec.ID}, Origin: OriginSync})
	}
	return held, nil
}
