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
		// Rebuild: the entity's later edits are carried over to the server's record in the
		// acknowledgement's own transaction (Ack.Rebuild).
		if err := e.cfg.Store.Ack(ctx, []Ack{{Op: op, Server: server, Rebuild: true}}); err != nil {
			return Wrap(CodeStorage, "conflict", err)
		}
		if err := e.finishOps(ctx, st, []Op{op}); err != nil {
			return err
		}
		e.changed([]Op{op})
	case AcceptClient, Merged:
		next, local := repush(op, server, res)
		if err := e.cfg.Store.Resolve(ctx, next, local, res.Action == Merged); err != nil {
			return Wrap(CodeStorage, "conflict", err)
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
		if err := e.cfg.Store.Resolve(ctx, next, nil, false); err != nil {
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
