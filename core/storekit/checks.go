package storekit

import "github.com/offsync/offsync/core"

// CheckWrites checks the writes of a WriteLocal: each valid (core.ValidateWrite) and no op id
// used twice in the call.
func CheckWrites(writes []core.LocalWrite) error {
	return checkEach(writes, "write", core.ValidateWrite, func(w core.LocalWrite) string { return w.OpID })
}

// CheckOps checks the ops of an Enqueue: each valid (core.ValidateOp) and no op id used twice
// in the call.
func CheckOps(ops []core.Op) error {
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

// CheckAcks checks the acknowledgements of an Ack (core.ValidateAck).
func CheckAcks(acks []core.Ack) error {
	for _, a := range acks {
		if err := core.ValidateAck(a); err != nil {
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

// CheckResolve checks a Resolve's input: a valid op and, when local is given, the op's entity
// as a JSON object.
func CheckResolve(op core.Op, local *core.Record) error {
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

// CheckParked checks the ops of a Park: each names an op id.
func CheckParked(parked []core.ParkedOp) error {
	for _, p := range parked {
		if p.Op.OpID == "" {
			return core.Errorf(core.CodeInvalid, "park", "parked op without op id")
		}
	}
	return nil
}

// CheckPage checks an ApplyPage's input: a valid kind and items of that kind
// (core.ValidatePageItem).
func CheckPage(kind string, items []core.Record) error {
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
