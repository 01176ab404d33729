package storekit

import "github.com/offsync/offsync/core"

// ParkTx is what a Park runs over inside a backend's transaction: the named ops as read
// already, and the changes it stages for its commit.
type ParkTx interface {
	// Parking returns the pending op opID as staged; ok is false when it is not pending (or
	// parked by this call already). A backend that keeps in-flight marks apart from the ops
	// may leave InFlight to its commit.
	Parking(opID string) (stored core.Op, ok bool)
	// Park stages p at the end of the parked list and its op (the one Parking returned) off
	// the outbox.
	Park(p core.ParkedOp)
}

// parkOps parks the pending ops parked names, in order, each as stored with its ParkedOp's
// Status, Reason and ParkedAtMs; an id not pending (or named twice) is skipped.
func parkOps(t ParkTx, parked []core.ParkedOp) {
	for _, p := range parked {
		stored, ok := t.Parking(p.Op.OpID)
		if !ok {
			continue
		}
		p.Op = stored
		t.Park(p)
	}
}

// ConflictTx is what a PutConflict or DeleteConflict runs over inside a backend's
// transaction.
type ConflictTx interface {
	// PutConflict stages c in place of the stored conflict with its ID, else last.
	PutConflict(c core.Conflict)
	// DeleteConflict stages the removal of conflict id, if stored.
	DeleteConflict(id string)
}
