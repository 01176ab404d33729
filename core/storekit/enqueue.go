package storekit

import "github.com/offsync/offsync/core"

// EnqueueTx is what an Enqueue runs over inside a backend's transaction: the ops' entities as
// read already (in one batch) and the changes it stages for its commit.
type EnqueueTx interface {
	// Pending returns the entity's pending ops as staged, in Seq order.
	Pending(kind, id string) []core.Op
	// Enqueue stages o on its entity: in place of the entity's last op as merged when merged
	// is not nil, else appended. It returns the op as staged (Seq 0 where the backend learns
	// it only at commit).
	Enqueue(merged *core.Op, o core.Op) core.Op
}

// enqueueOps stages app-made ops in order, each coalesced as coalesceEnqueued says with the
// entity as the ops before it left it (Seq and InFlight cleared), and returns one op per
// input as staged. The caller checks op ids against the store and commits.
func enqueueOps(t EnqueueTx, ops []core.Op) []core.Op {
	out := make([]core.Op, 0, len(ops))
	for _, in := range ops {
		o := core.CloneOp(in)
		o.Seq, o.InFlight = 0, false
		merged := coalesceEnqueued(t.Pending(o.Kind, o.EntityID), o)
		out = append(out, core.CloneOp(t.Enqueue(merged, o)))
	}
	return out
}
