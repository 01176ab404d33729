package storekit

import "github.com/offsync/offsync/core"

// ResolveTx is what a Resolve runs over inside a backend's transaction: the op's entity as
// read already and the changes it stages for its commit.
type ResolveTx interface {
	// Resolving returns the pending op opID as stored and its entity's pending ops after it,
	// in Seq order; ok is false when the op is not pending.
	Resolving(opID string) (stored core.Op, later []core.Op, ok bool)
	// Replace stages o in place of the pending op of its Seq (and op id): the op Resolving
	// returned last, or one of its later ops.
	Replace(o core.Op)
	// PutRecord stages r as its entity's record.
	PutRecord(r core.Record)
}

// resolveOp replaces the pending op op.OpID by op, keeping its Seq, and writes local as the
// entity's record when given and the entity has no later op (a later op's change would be
// lost under it). With rebuild and local, the later upserts are rebuilt on local's data
// (rebuildLater), the last one's written as the record. An op not pending is no change; one
// pending on another entity is refused. checkResolve has checked the input before.
func resolveOp(t ResolveTx, op core.Op, local *core.Record, rebuild bool) error {
	stored, later, ok := t.Resolving(op.OpID)
	if !ok {
		return nil
	}
	if err := ResolveOnEntity(op, stored); err != nil {
		return err
	}
	repl := core.CloneOp(op)
	repl.Seq = stored.Seq
	t.Replace(repl)
	switch {
	case local == nil:
		return nil
	case len(later) == 0:
		t.PutRecord(core.CloneRecord(*local))
		return nil
	case !rebuild:
		return nil
	}
	rec, rebuilt, err := rebuildLater(nil, later, *local)
	if err != nil {
		return err
	}
	for _, o := range rebuilt {
		t.Replace(o)
	}
	if rec != nil {
		t.PutRecord(*rec)
	}
	return nil
}
