package core

import (
	"context"
)

// applyResolution carries out res for op's conflict c with server:
//   - acceptServer / discard: an acknowledgement with the server's record (later ops rebase);
//   - acceptClient / merged: the op is replaced by its next attempt (payload, base = the
//     server's version, Attempt+1, new key), pushed again in this run, not forced;
//   - defer: the conflict is stored, the op becomes its next attempt (same content, new key)
//     and the entity waits for a later run.
//
// Except for defer (not a resolution: the conflict stays listed), it emits
// "conflictResolved" with what the resolution discarded.
func (e *Engine) applyResolution(ctx context.Context, st *runState, op Op, c Conflict, server *Record, res Resolution) error {
	discarded := discardedBy(c, res)
	switch res.Action {
	case AcceptServer, Discard:
		if err := e.cfg.Store.Ack(ctx, []Ack{{Op: op, Server: server}}); err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
		if err := e.finishOps(ctx, st, []Op{op}); err != nil {
			return err
		}
		if server != nil && !server.Deleted {
			if err := e.rebaseLater(ctx, op, server.Data, server.UpdatedAt); err != nil {
				return err
			}
		}
		e.changed([]Op{op})
	case AcceptClient, Merged:
		next, local := repush(op, server, res)
		if err := e.cfg.Store.Resolve(ctx, next, local); err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
		if res.Action == Merged {
			if err := e.rebaseLater(ctx, op, next.Payload, next.BaseUpdatedAt); err != nil {
				return err
			}
		}
		st.mu.Lock()
		st.repushes[op.OpID]++
		wasDeferred := st.deferred[op.OpID]
		delete(st.deferred, op.OpID)
		st.mu.Unlock()
		if wasDeferred {
			if err := e.cfg.Store.DeleteConflict(ctx, op.OpID); err != nil {
				return Wrap(CodeStorage, "conflict", err)
			}
		}
		if local != nil {
			e.changed([]Op{op})
		}
	default:
		// The op's next push is a new attempt with its own key: under the key the server
		// answered 409 it would replay that answer, with its record as it was then.
		next := CloneOp(op)
		next.Attempt++
		if err := e.cfg.Store.Resolve(ctx, next, nil); err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
		if err := e.cfg.Store.PutConflict(ctx, c); err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
		st.mu.Lock()
		st.skip[entityKey(op.Kind, op.EntityID)] = true
		st.deferred[c.ID] = true
		st.mu.Unlock()
	}
	if res.Action == Defer {
		ev := c
		e.emit(Event{Type: EventConflictUnresolved, Kind: op.Kind, Conflict: &ev})
		return nil
	}
	st.count(func(s *Stats) { s.ConflictsResolved++ })
	ev, r := c, res
	e.emit(Event{Type: EventConflictResolved, Kind: op.Kind, Conflict: &ev, Resolution: &r, Discarded: discarded})
	return nil
}

// rebaseLater carries a resolution over to the entity's later upserts (made while op was in
// flight): each payload was built on the local record before the conflict, so its fields it
// did not change would otherwise overwrite the resolution (the server's or merged values)
// when pushed. Each becomes base with its own changedFields applied (PreservingMergeJSON), in
// order; the last one is also the local record. They are marked in flight first, so that no
// local write coalesces into them between reading and replacing them.
func (e *Engine) rebaseLater(ctx context.Context, op Op, base RawJSON, version string) error {
	ops, err := e.cfg.Store.Outbox(ctx, 0)
	if err != nil {
		return Wrap(CodeStorage, "conflict", err)
	}
	var later []Op
	for _, o := range ops {
		if o.Kind == op.Kind && o.EntityID == op.EntityID && o.Seq > op.Seq && o.Type == OpUpsert {
			later = append(later, o)
		}
	}
	if len(later) == 0 {
		return nil
	}
	marked, err := e.markInFlight(ctx, later)
	if err != nil {
		return err
	}
	later = later[:0]
	for _, o := range marked {
		if o.Type == OpUpsert {
			later = append(later, o)
		}
	}
	for i, o := range later {
		payload, err := PreservingMergeJSON(o.Payload, base, o.ChangedFields)
		if err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
		o.Payload, base = payload, payload
		var local *Record
		if i == len(later)-1 {
			local = &Record{Kind: o.Kind, ID: o.EntityID, Data: cloneRaw(payload), UpdatedAt: version}
		}
		if err := e.cfg.Store.Resolve(ctx, o, local); err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
	}
	return nil
}

// checkResolution refuses what a resolver may get wrong: an unknown action, merged data that
// is not a JSON object of the op's entity.
func checkResolution(op Op, res Resolution) error {
	switch res.Action {
	case AcceptServer, AcceptClient, Defer, Discard:
		return nil
	case Merged:
		return ValidateObject("resolve "+opName(op), op.EntityID, res.Data)
	}
	return Errorf(CodeInvalid, "resolve "+opName(op), "unknown resolution action %q", res.Action)
}

// repush makes op's next attempt for an acceptClient or merged resolution, and the local
// record to write (nil for a delete, whose local tombstone stays).
func repush(op Op, server *Record, res Resolution) (Op, *Record) {
	next := CloneOp(op)
	next.BaseUpdatedAt = ""
	if server != nil {
		next.BaseUpdatedAt = server.UpdatedAt
	}
	next.Attempt++
	next.InFlight = false
	if res.Action == Merged {
		next.Type = OpUpsert
		next.Payload = cloneRaw(res.Data)
		next.ChangedFields = mergedChanges(server, res.Data)
	}
	if next.Type == OpDelete {
		return next, nil
	}
	local := &Record{Kind: op.Kind, ID: op.EntityID, Data: cloneRaw(next.Payload), UpdatedAt: next.BaseUpdatedAt}
	return next, local
}

// mergedChanges are the fields a merged re-push changes: where the merged data differs from
// the server's record it was merged with (all fields when there is none, or a tombstone). Not
// the original edit's: a conflict the re-push meets would otherwise merge again from those
// alone and silently drop the values the resolution brought in.
func mergedChanges(server *Record, merged []byte) []string {
	if server == nil || server.Deleted {
		return nil
	}
	diff, err := DiffFields(server.Data, merged)
	if err != nil {
		return nil
	}
	return diff
}
