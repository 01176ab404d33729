package core

import (
	"context"
	"time"
)

// onConflict handles a 409 for op against server (the server's current record, nil when it
// has none): the "conflict" event, then the kind's strategy and its resolution. An op whose
// conflicts were re-pushed MaxConflictRetries times in this run is parked instead.
func (e *Engine) onConflict(ctx context.Context, st *runState, op Op, server *Record) error {
	st.conflictMu.Lock()
	defer st.conflictMu.Unlock()
	c := e.newConflict(op, server)
	st.count(func(s *Stats) { s.Conflicts++ })
	ev := c
	e.emit(Event{Type: EventConflict, Kind: op.Kind, Conflict: &ev})
	st.mu.Lock()
	exhausted := st.repushes[op.OpID] >= e.lim.maxConflictRetries
	st.mu.Unlock()
	if exhausted {
		return e.park(ctx, st, []ParkedOp{e.parkOf(op, 409, "the conflict came back after every resolution")})
	}
	res, err := e.decide(ctx, op, c)
	if err == nil {
		err = checkResolution(op, res)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Wrap(CodeCancelled, "conflict", ctx.Err())
		}
		cerr := &Error{Code: CodeConflict, Op: "conflict " + opName(op), Msg: "no resolution, deferred", Err: err}
		e.emit(Event{Type: EventError, Kind: op.Kind, Phase: "push", Err: cerr})
		st.count(func(s *Stats) { s.Errors++ })
		res = Resolution{Action: Defer}
	}
	return e.applyResolution(ctx, st, op, c, server, res)
}

// newConflict describes the conflict of op with server (JS-API.md conflict object).
func (e *Engine) newConflict(op Op, server *Record) Conflict {
	c := Conflict{
		ID: op.OpID, Kind: op.Kind, EntityID: op.EntityID, OpID: op.OpID,
		Local: RawJSON("null"), Server: RawJSON("null"),
		LocalDeleted: op.Type == OpDelete, ChangedFields: cloneStrings(op.ChangedFields),
		BaseUpdatedAt: op.BaseUpdatedAt, DetectedAtMs: nowMs(e.cfg.Now),
	}
	if op.Type == OpUpsert {
		c.Local = cloneRaw(op.Payload)
	}
	if server != nil {
		c.Server = cloneRaw(server.Data)
		c.ServerDeleted = server.Deleted
		c.ServerUpdatedAt = server.UpdatedAt
	} else {
		c.ServerDeleted = true
	}
	return c
}

// decide runs the kind's strategy. Deletes on either side follow rule 10 of
// ARCHITECTURE.md: under autoPreserve (and merge, whose function only sees two records) the
// edit survives.
func (e *Engine) decide(ctx context.Context, op Op, c Conflict) (Resolution, error) {
	s := e.cfg.Strategy
	if ks, ok := e.cfg.KindStrategies[c.Kind]; ok {
		s = ks
	}
	switch s {
	case ServerWins:
		return Resolution{Action: AcceptServer}, nil
	case ClientWins:
		return Resolution{Action: AcceptClient}, nil
	case LastWriteWins:
		return e.lastWriteWins(op, c), nil
	case Manual:
		return e.manual(ctx, c)
	case Merge:
		if c.LocalDeleted || c.ServerDeleted {
			return e.autoPreserve(c)
		}
		data, err := e.merge(ctx, c)
		if err != nil {
			return Resolution{}, err
		}
		return Resolution{Action: Merged, Data: data}, nil
	case AutoPreserve:
		return e.autoPreserve(c)
	}
	// New checks every strategy, so this is a strategy added to Strategy but not here: fail
	// loudly rather than fall back to another strategy's outcome.
	return Resolution{}, Errorf(CodeInvalid, "conflict", "no decision for conflict strategy %q", s)
}

// autoPreserve loses no edit: against a delete the edited side wins (rule 10), otherwise the
// server's record with the local changes applied is pushed.
func (e *Engine) autoPreserve(c Conflict) (Resolution, error) {
	switch {
	case c.LocalDeleted:
		return Resolution{Action: AcceptServer}, nil
	case c.ServerDeleted:
		return Resolution{Action: AcceptClient}, nil
	}
	data, merged, err := preserveMerge(c)
	if err != nil {
		return Resolution{}, err
	}
	e.emit(merged)
	return Resolution{Action: Merged, Data: data}, nil
}

// merge runs the kind's merge function, else Config.MergeFunc, else the seed's default merge
// (the server's record overlaid with the local one's non-null fields).
func (e *Engine) merge(ctx context.Context, c Conflict) (RawJSON, error) {
	f, ok := e.cfg.KindMergeFuncs[c.Kind]
	if !ok {
		f = e.cfg.MergeFunc
	}
	if f == nil {
		return defaultMergeJSON(c.Local, c.Server)
	}
	return f(ctx, conflictArg(c))
}

// manual asks the kind's resolver, else Config.Resolver; without one the conflict is deferred.
func (e *Engine) manual(ctx context.Context, c Conflict) (Resolution, error) {
	r, ok := e.cfg.KindResolvers[c.Kind]
	if !ok {
		r = e.cfg.Resolver
	}
	if r == nil {
		return Resolution{Action: Defer}, nil
	}
	return r(ctx, conflictArg(c))
}

// conflictArg is a copy of c an app callback may change freely.
func conflictArg(c Conflict) Conflict {
	c.Local, c.Server, c.ChangedFields = cloneRaw(c.Local), cloneRaw(c.Server), cloneStrings(c.ChangedFields)
	return c
}

// lastWriteWins keeps the later write: the op's device time shifted into server time by the
// estimated clock offset, against the server record's updatedAt. An unreadable server
// version wins (the server's record is kept).
func (e *Engine) lastWriteWins(op Op, c Conflict) Resolution {
	if c.ServerUpdatedAt == "" {
		return Resolution{Action: AcceptClient}
	}
	server, err := parseRFC3339(c.ServerUpdatedAt)
	if err != nil {
		return Resolution{Action: AcceptServer}
	}
	if time.UnixMilli(op.LocalTimestamp).Add(e.serverOffset()).After(server) {
		return Resolution{Action: AcceptClient}
	}
	return Resolution{Action: AcceptServer}
}
