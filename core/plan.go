package core

import (
	"bytes"
	"sort"

	"github.com/offsync/offsync/internal/jsonv"
)

// WritePlan is what a Store does for one LocalWrite (see PlanWrite).
type WritePlan struct {
	// Record is the entity's new local state, always written.
	Record Record
	// Exactly one of the following holds, or none (a create and its delete cancelled out).
	Append  *Op  // append this op (the store assigns Seq)
	Replace *Op  // replace the entity's last op (same OpID and Seq) by this coalesced op
	Remove  bool // remove the entity's last op: it created the entity, was never sent, and is now deleted
}

// PlanWrite decides one local write. existing is the stored record (nil when absent) and last
// the entity's last op in the outbox (nil when none; parked ops do not count). Stores call it
// inside their write transaction, write by write, so that later writes of one call see the
// effect of earlier ones.
//
// Coalescing (only into a last op that was never sent: InFlight false), so that many offline
// edits of one record push as one op:
//   - upsert after upsert → one upsert: the new payload, the union of changedFields (nil, "all",
//     wins), the earlier base version, the later timestamp;
//   - delete after upsert → one delete with the earlier base; if that upsert created the entity
//     (no base) the two cancel out and the op is removed;
//   - upsert after delete → one upsert of the new content (all fields changed), earlier base;
//   - delete after delete → one delete.
//
// An in-flight last op is never coalesced into (the server may have applied it): the new op is
// appended and rebased when the in-flight one is acknowledged (PlanAck).
func PlanWrite(existing *Record, last *Op, w LocalWrite) (WritePlan, error) {
	if last == nil {
		return PlanWritePending(existing, nil, w)
	}
	return PlanWritePending(existing, []Op{*last}, w)
}

// PlanWritePending is PlanWrite given all of the entity's pending ops in Seq order (parked
// ones excluded) instead of only the last; stores use it. See CoalescePending for why.
func PlanWritePending(existing *Record, pending []Op, w LocalWrite) (WritePlan, error) {
	base := ""
	if existing != nil {
		base = existing.UpdatedAt
	}
	var plan WritePlan
	op := Op{
		OpID:           w.OpID,
		Kind:           w.Kind,
		EntityID:       w.ID,
		BaseUpdatedAt:  base,
		LocalTimestamp: w.LocalTimestamp,
	}
	if w.Delete {
		op.Type = OpDelete
		data := RawJSON(nil)
		if existing != nil {
			data = cloneRaw(existing.Data)
		}
		if len(data) == 0 {
			data = idObject(w.ID)
		}
		plan.Record = Record{Kind: w.Kind, ID: w.ID, Data: data, UpdatedAt: base, Deleted: true}
	} else {
		op.Type = OpUpsert
		op.Payload = cloneRaw(w.Data)
		switch {
		case w.ChangedGiven:
			op.ChangedFields = cloneStrings(w.ChangedFields)
		case existing != nil && !existing.Deleted:
			changed, err := DiffFields(existing.Data, w.Data)
			if err != nil {
				return WritePlan{}, err
			}
			op.ChangedFields = changed
		}
		plan.Record = Record{Kind: w.Kind, ID: w.ID, Data: cloneRaw(w.Data), UpdatedAt: base}
	}
	merged, remove := CoalescePending(pending, op)
	switch {
	case remove:
		plan.Remove = true
	case merged != nil:
		plan.Replace = merged
	default:
		plan.Append = &op
	}
	return plan, nil
}

// Coalesce folds next into last (the entity's last pending op) by PlanWrite's rules. It returns
// the replacement for last, or remove=true when both cancel out, or (nil, false) when next must
// be appended as it is (no last op, or last is in flight).
func Coalesce(last *Op, next Op) (merged *Op, remove bool) {
	if last == nil || last.InFlight {
		return nil, false
	}
	m := *last
	m.LocalTimestamp = next.LocalTimestamp
	switch {
	case last.Type == OpUpsert && next.Type == OpUpsert:
		m.Payload = cloneRaw(next.Payload)
		m.ChangedFields = unionFields(last.ChangedFields, next.ChangedFields)
	case last.Type == OpUpsert && next.Type == OpDelete:
		if last.BaseUpdatedAt == "" && last.Attempt == 0 {
			return nil, true
		}
		return coalesceDelete(*last, next), false
	case last.Type == OpDelete && next.Type == OpUpsert:
		m.Type = OpUpsert
		m.Payload = cloneRaw(next.Payload)
		m.ChangedFields = nil
	default: // delete after delete
	}
	return &m, false
}

// CoalescePending is Coalesce given all of the entity's pending ops in Seq order: a create and
// its delete cancel out only when the create is the entity's sole pending op. Behind an
// earlier (in-flight) op a base-less upsert is not a create — the server will have the entity
// once that op is acknowledged — so the delete stays, to be rebased and pushed after it.
func CoalescePending(pending []Op, next Op) (merged *Op, remove bool) {
	if len(pending) == 0 {
		return nil, false
	}
	last := pending[len(pending)-1]
	merged, remove = Coalesce(&last, next)
	if remove && len(pending) > 1 {
		return coalesceDelete(last, next), false
	}
	return merged, remove
}

// CoalesceEnqueued is CoalescePending for app-made ops (Store.Enqueue), which never cancel
// out: the delete is kept, folded into the last op. An app's op carries the app's base, so a
// base-less upsert before it need not be a create the server lacks; and Enqueue leaves records
// alone, so a cancelled create would stay live locally with nothing left to push. The server
// answers a delete of an unknown id with 404, which is done, and its ack makes the local copy
// a tombstone.
func CoalesceEnqueued(pending []Op, next Op) *Op {
	merged, remove := CoalescePending(pending, next)
	if remove {
		return coalesceDelete(pending[len(pending)-1], next)
	}
	return merged
}

// coalesceDelete folds a delete into the entity's last (upsert) op: one delete, earlier base.
func coalesceDelete(last, next Op) *Op {
	last.LocalTimestamp = next.LocalTimestamp
	last.Type = OpDelete
	last.Payload = nil
	last.ChangedFields = nil
	return &last
}

// PlanPageItem decides one pulled item of kind: the record to write, or held=true when the
// entity has pending ops (hasPending; parked ops do not count) and must not be overwritten —
// the pending op's push meets the server's version as a conflict instead (ARCHITECTURE.md
// rule 3). The written record is a copy with Kind set to kind.
func PlanPageItem(kind string, item Record, hasPending bool) (rec *Record, held bool) {
	if hasPending {
		return nil, true
	}
	r := cloneRecord(item)
	r.Kind = kind
	return &r, false
}

// PlanUnpark decides what requeueing a parked op does to its entity's local record. While the
// op was parked, pulls could overwrite the record (parked ops are not pending), so its change
// is applied again, as when it was written: an upsert's fields onto the record (PreservingMerge
// with the op's changedFields; onto a tombstone, the payload revives it), a delete as a
// tombstone. Otherwise a later write coalescing into the requeued op would replace its payload
// with data that lacks the parked change. nil: nothing to write (the store holds no record of
// the entity, e.g. an app-made op, or it is already what the op makes it).
func PlanUnpark(existing *Record, op Op) (*Record, error) {
	if existing == nil {
		return nil, nil
	}
	r := cloneRecord(*existing)
	switch {
	case op.Type == OpDelete && existing.Deleted:
		return nil, nil
	case op.Type == OpDelete:
		r.Deleted = true
	case existing.Deleted:
		r.Data, r.Deleted = cloneRaw(op.Payload), false
	default:
		merged, err := PreservingMergeJSON(op.Payload, existing.Data, op.ChangedFields)
		if err != nil {
			return nil, Wrap(CodeInvalid, "unpark "+op.Kind+"/"+op.EntityID, err)
		}
		r.Data = merged
	}
	return &r, nil
}

// PlanAck decides what acknowledging a.Op does to its entity. existing is the stored record
// (nil when absent) and later the entity's other pending ops with a higher Seq.
//
// Without later ops the server's record becomes the local record (or, for a 404 on delete,
// the local record becomes a tombstone). With later ops the local data is kept (it holds newer
// edits) and only its version advances; the later ops are rebased onto the server's version so
// the device never conflicts with itself (ARCHITECTURE.md rule 8).
//
// rec is nil when nothing is to be written; rebased are the later ops with their new base.
func PlanAck(existing *Record, later []Op, a Ack) (rec *Record, rebased []Op) {
	if len(later) == 0 {
		if a.Server != nil {
			r := cloneRecord(*a.Server)
			r.Kind = a.Op.Kind
			return &r, nil
		}
		if existing != nil && !existing.Deleted {
			r := cloneRecord(*existing)
			r.Deleted = true
			return &r, nil
		}
		return nil, nil
	}
	version := ""
	if a.Server != nil {
		version = a.Server.UpdatedAt
	}
	for _, o := range later {
		o.BaseUpdatedAt = version
		o.ChangedFields = cloneStrings(o.ChangedFields)
		rebased = append(rebased, o)
	}
	if existing != nil {
		r := cloneRecord(*existing)
		r.UpdatedAt = version
		rec = &r
	}
	return rec, rebased
}

// systemFields are server-owned or identity fields: never part of a derived changedFields.
var systemFields = map[string]bool{
	"id": true, "updatedAt": true, "updated_at": true, "deletedAt": true, "deleted_at": true,
}

// DiffFields returns the top-level keys whose values differ deeply between two JSON objects
// (added and removed keys included, system fields excluded), sorted. It never returns nil.
func DiffFields(old, new RawJSON) ([]string, error) {
	a, err := jsonv.RawObject(old)
	if err != nil {
		return nil, Errorf(CodeInvalid, "diff", "stored record is not a JSON object: %w", err)
	}
	b, err := jsonv.RawObject(new)
	if err != nil {
		return nil, Errorf(CodeInvalid, "diff", "record is not a JSON object: %w", err)
	}
	changed := []string{}
	for k, bv := range b {
		if systemFields[k] {
			continue
		}
		if av, ok := a[k]; !ok || !jsonEqual(av, bv) {
			changed = append(changed, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok && !systemFields[k] {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	return changed, nil
}

// jsonEqual compares two JSON values by meaning (key order and spacing do not matter).
func jsonEqual(a, b RawJSON) bool {
	if bytes.Equal(a, b) {
		return true
	}
	return jsonv.SameJSON(a, b)
}

// unionFields merges two changedFields sets; nil (all fields) absorbs anything.
func unionFields(a, b []string) []string {
	if a == nil || b == nil {
		return nil
	}
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]string, 0, len(a)+len(b))
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func cloneRaw(b RawJSON) RawJSON {
	if b == nil {
		return nil
	}
	return append(RawJSON{}, b...)
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

func cloneRecord(r Record) Record {
	r.Data = cloneRaw(r.Data)
	return r
}

// CloneOp returns a deep copy of o (stores use it to honour "copies in, copies out").
func CloneOp(o Op) Op {
	o.Payload = cloneRaw(o.Payload)
	o.ChangedFields = cloneStrings(o.ChangedFields)
	return o
}

// CloneRecord returns a deep copy of r.
func CloneRecord(r Record) Record { return cloneRecord(r) }
