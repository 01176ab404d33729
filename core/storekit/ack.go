package storekit

import "github.com/offsync/offsync/core"

// AckTx is what an Ack runs over inside a backend's transaction: the acks' entities as read
// already (a backend reads them in one batch before calling Ack) and the changes it stages
// for its commit.
type AckTx interface {
	// Acked returns the pending op a acknowledges (found by op id, as it stands after the
	// acks before it), its entity's later pending ops in Seq order and the entity's record
	// (nil when absent); ok is false when the op is not pending.
	Acked(a core.Ack) (stored core.Op, later []core.Op, rec *core.Record, ok bool)
	// Settle stages the outcome for the op Acked returned last: stored removed, the later ops
	// it returned replaced by rebased (same order), and rec put when not nil.
	Settle(stored core.Op, rebased []core.Op, rec *core.Record)
}

// applyAcks applies acks in order, each through planAck with the op as stored; an ack of an op
// not pending (another tab acknowledged it) is skipped, one that names another entity than the
// stored op is refused. The caller commits what was staged, or drops it on an error.
func applyAcks(t AckTx, acks []core.Ack) error {
	for _, a := range acks {
		stored, later, rec, ok := t.Acked(a)
		if !ok {
			continue
		}
		if err := AckOnEntity(a, stored); err != nil {
			return err
		}
		ack := core.Ack{Op: core.CloneOp(stored), Server: a.Server, Rebuild: a.Rebuild}
		if a.Server != nil {
			srv := core.CloneRecord(*a.Server)
			ack.Server = &srv
		}
		rec, rebased, err := planAck(rec, later, ack)
		if err != nil {
			return err
		}
		t.Settle(stored, rebased, rec)
	}
	return nil
}

// PlainAck returns the record acknowledging a stores when a.Op is its entity's only pending
// op (planAck without later ops): the server's record under the op's kind, not copied. ok is
// false when a carries no server record, or one of another entity: a backend then runs the
// whole flow. A backend that finds, inside its Change's transaction, that a.Op is the only
// pending op of its entity may write that record and remove the op itself (idbstore does, in
// one helper call, without reading the row into Go); fn then finds the op no longer pending.
func PlainAck(a core.Ack) (core.Record, bool) {
	if a.Server == nil || a.Server.ID != a.Op.EntityID {
		return core.Record{}, false
	}
	r := *a.Server
	r.Kind = a.Op.Kind
	return r, true
}
