package storekit

import (
	"bytes"

	"github.com/offsync/offsync/core"
)

// checkWrites checks the writes of a WriteLocal: each valid (validateWrite) and no op id
// used twice in the call.
func checkWrites(writes []core.LocalWrite) error {
	return checkEach(writes, "write", validateWrite, func(w core.LocalWrite) string { return w.OpID })
}

// checkOps checks the ops of an Enqueue: each valid (core.ValidateOp) and no op id used twice
// in the call.
func checkOps(ops []core.Op) error {
	return checkEach(ops, "enqueue", core.ValidateOp, func(o core.Op) string { return o.OpID })
}

// checkEach validates items in order, refusing the first invalid one or the first whose op id
// an earlier item has.
func checkEach[T any](items []T, op string, validate func(T) error, opID func(T) string) error {
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if err := validate(it); err != nil {
			return err
		}
		id := opID(it)
		if seen[id] {
			return core.Errorf(core.CodeInvalid, op, "op id %s used twice", id)
		}
		seen[id] = true
	}
	return nil
}

// checkAcks checks the acknowledgements of an Ack (validateAck).
func checkAcks(acks []core.Ack) error {
	for _, a := range acks {
		if err := validateAck(a); err != nil {
			return err
		}
	}
	return nil
}

// AckOnEntity refuses an ack whose op id is pending as stored on another entity than a names.
func AckOnEntity(a core.Ack, stored core.Op) error {
	if stored.Kind != a.Op.Kind || stored.EntityID != a.Op.EntityID {
		return core.Errorf(core.CodeInvalid, "ack", "op %s is on %s/%s, ack says %s/%s",
			a.Op.OpID, stored.Kind, stored.EntityID, a.Op.Kind, a.Op.EntityID)
	}
	return nil
}

// checkResolve checks a Resolve's input: a valid op and, when local is given, the op's entity
// as a JSON object.
func checkResolve(op core.Op, local *core.Record) error {
	if err := core.ValidateOp(op); err != nil {
		return err
	}
	if local == nil {
		return nil
	}
	if local.Kind != op.Kind || local.ID != op.EntityID {
		return core.Errorf(core.CodeInvalid, "resolve", "local record %s/%s is not the op's entity %s/%s",
			local.Kind, local.ID, op.Kind, op.EntityID)
	}
	return core.ValidateObject("resolve", local.ID, local.Data)
}

// ResolveOnEntity refuses a Resolve whose op id is pending as stored on another entity than
// op names.
func ResolveOnEntity(op, stored core.Op) error {
	if stored.Kind != op.Kind || stored.EntityID != op.EntityID {
		return core.Errorf(core.CodeInvalid, "resolve", "op %s is on %s/%s, not %s/%s",
			op.OpID, stored.Kind, stored.EntityID, op.Kind, op.EntityID)
	}
	return nil
}

// checkParked checks the ops of a Park: each names an op id.
func checkParked(parked []core.ParkedOp) error {
	for _, p := range parked {
		if p.Op.OpID == "" {
			return core.Errorf(core.CodeInvalid, "park", "parked op without op id")
		}
	}
	return nil
}

// checkPage checks an ApplyPage's input: a valid kind and items of that kind
// (core.ValidatePageItem).
func checkPage(kind string, items []core.Record) error {
	if err := core.ValidateKind("apply page", kind); err != nil {
		return err
	}
	for _, it := range items {
		if err := core.ValidatePageItem(kind, it); err != nil {
			return err
		}
	}
	return nil
}

// validateWrite checks a core.LocalWrite: valid kind and id, an OpID, and for an upsert a JSON
// object Data (see core.ValidateObject).
func validateWrite(w core.LocalWrite) error {
	const op = "write"
	if err := core.ValidateEntity(op, w.Kind, w.ID); err != nil {
		return err
	}
	if w.OpID == "" {
		return core.Errorf(core.CodeInvalid, op, "write of %s/%s has no op id", w.Kind, w.ID)
	}
	if w.Delete || w.Checked() {
		// Checked: core.CutRecords ran ValidateObject's check (jsonscan.ValidObjectMeta's scan)
		// on these very bytes, with this id, as it cut them from putMany's text, and the bytes
		// are handed over, never changed: a second check was a third of a putMany's scans.
		return nil
	}
	return core.ValidateObject(op, w.ID, w.Data)
}

// validateAck checks an acknowledgement (Store.Ack): an OpID and, when the server sent a
// record, one with the op's entity id and a Data shaped as a JSON object ('{'…'}'). Data is not
// parsed again: as a pulled item's (core.ValidatePageItem), the transport checked the record's
// JSON where the bytes came in and took its id from it (core.PushResult), and a second pass
// over every acknowledged record was a tenth of a large-record push's Go time in wasm.
func validateAck(a core.Ack) error {
	const op = "ack"
	if a.Op.OpID == "" {
		return core.Errorf(core.CodeInvalid, op, "ack without op id")
	}
	if a.Server == nil {
		return nil
	}
	if a.Server.ID != a.Op.EntityID {
		return core.Errorf(core.CodeInvalid, op, "ack of %s: server record id %q differs from %q", a.Op.OpID, a.Server.ID, a.Op.EntityID)
	}
	if err := core.ValidateEntity(op, a.Op.Kind, a.Server.ID); err != nil {
		return err
	}
	if b := bytes.Trim(a.Server.Data, " \t\r\n"); len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return core.Errorf(core.CodeInvalid, op, "ack of %s: server record %q is not a JSON object", a.Op.OpID, a.Server.ID)
	}
	return nil
}
