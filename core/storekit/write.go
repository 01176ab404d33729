package storekit

import "github.com/offsync/offsync/core"

// WriteTx is what a WriteLocal runs over inside a backend's transaction: the writes' entities
// as read already (in one batch) and the changes it stages for its commit.
type WriteTx interface {
	// Record returns the entity's record as staged (nil when absent).
	Record(kind, id string) *core.Record
	// Pending returns the entity's pending ops as staged, in Seq order.
	Pending(kind, id string) []core.Op
	// PutRecord stages r as its entity's record. r is also the record WriteLocal returns, which
	// its caller may change: a backend that keeps r beyond the transaction keeps a copy.
	PutRecord(r core.Record)
	// Place stages plan's outbox verdict (append, replace or remove the last op) on the
	// entity whose pending ops Pending returned as pending.
	Place(kind, id string, pending []core.Op, plan WritePlan)
}

// applyWrites applies writes in order, each through planWrite on the entity as the
// writes before it left it, and returns the stored records, one per write. The caller checks
// op ids against the store (one already pending or parked), commits what was staged, or drops
// it on an error.
func applyWrites(t WriteTx, writes []core.LocalWrite) ([]core.Record, error) {
	out := make([]core.Record, 0, len(writes))
	for _, w := range writes {
		pending := t.Pending(w.Kind, w.ID)
		plan, err := planWrite(t.Record(w.Kind, w.ID), pending, w)
		if err != nil {
			return nil, err
		}
		t.PutRecord(plan.Record)
		t.Place(w.Kind, w.ID, pending, plan)
		// Not a copy: plan.Record is planWrite's own, and what PutRecord keeps it copies.
		out = append(out, plan.Record)
	}
	return out, nil
}
