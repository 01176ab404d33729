package core

import "context"

// resolveDeferred applies r to the deferred conflict id (Engine.ResolveConflict).
func (e *Engine) resolveDeferred(ctx context.Context, id string, r Resolution) error {
	const opName = "resolve conflict"
	if err := e.usable(opName, ""); err != nil {
		return err
	}
	cs, err := e.cfg.Store.Conflicts(ctx)
	if err != nil {
		return Wrap(CodeStorage, opName, err)
	}
	var c *Conflict
	for i := range cs {
		if cs[i].ID == id {
			c = &cs[i]
		}
	}
	if c == nil {
		return Errorf(CodeInvalid, opName, "no deferred conflict %q", id)
	}
	if r.Action == Defer {
		return nil
	}
	ops, err := e.cfg.Store.Outbox(ctx, 0)
	if err != nil {
		return Wrap(CodeStorage, opName, err)
	}
	st := newRunState(e.cfg.Kinds)
	st.deferred[c.ID] = true
	for _, op := range ops {
		if op.OpID == c.OpID {
			if err := checkResolution(op, r); err != nil {
				return err
			}
			if r.Action == AcceptServer || r.Action == Discard {
				if err := e.markRefetch(ctx, c.Kind, c.EntityID); err != nil {
					return err
				}
			}
			if err := e.applyResolution(ctx, st, op, *c, deferredServer(*c), r); err != nil {
				return err
			}
			e.refreshStatus(ctx)
			return nil
		}
	}
	return Wrap(CodeStorage, opName, e.cfg.Store.DeleteConflict(ctx, id))
}

// deferredServer rebuilds the server record a stored conflict saw.
func deferredServer(c Conflict) *Record {
	if len(c.Server) == 0 || string(c.Server) == "null" {
		return nil
	}
	return &Record{Kind: c.Kind, ID: c.EntityID, Data: cloneRaw(c.Server), UpdatedAt: c.ServerUpdatedAt, Deleted: c.ServerDeleted}
}
