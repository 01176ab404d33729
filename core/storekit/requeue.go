package storekit

import "github.com/offsync/offsync/core"

// RequeueTx is what an Unpark with requeue runs over inside a backend's transaction: the
// requeued ops' entities as read already, and the changes it stages for its commit.
type RequeueTx interface {
	// Append stages o at the end of the outbox with the next Seq.
	Append(o core.Op)
	// Record returns the entity's record as staged (nil when absent).
	Record(kind, id string) *core.Record
	// PutRecord stages r as its entity's record.
	PutRecord(r core.Record)
}

// requeueOps puts parked ops back at the end of the outbox in the order given: InFlight cleared
// and the next Attempt (so a new idempotency key), each applied again to its entity's record
// through planUnpark, since pulls may have overwritten it while the op was parked.
func requeueOps(t RequeueTx, parked []core.Op) error {
	for _, o := range parked {
		o.InFlight = false
		o.Attempt++
		t.Append(o)
		rec, err := planUnpark(t.Record(o.Kind, o.EntityID), o)
		if err != nil {
			return err
		}
		if rec != nil {
			t.PutRecord(*rec)
		}
	}
	return nil
}
