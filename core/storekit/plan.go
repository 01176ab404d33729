package storekit

import (
	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonv"
)

// The store decisions: pure functions the flows of this package run inside a backend's
// transaction, so that every store behaves the same (ARCHITECTURE.md, the store section).

// WritePlan is what a store does for one core.LocalWrite (see planWrite).
type WritePlan struct {
	// Record is the entity's new local state, always written.
	Record core.Record
	// Exactly one of the following holds, or none (a create and its delete cancelled out).
	Append  *core.Op // append this op (the store assigns Seq)
	Replace *core.Op // replace the entity's last op (same OpID and Seq) by this coalesced op
	Remove  bool     // remove the entity's last op: it created the entity, was never sent, and is now deleted
}

// planWrite decides one local write. existing is the stored record (nil when absent) and
// pending the entity's pending ops in Seq order (parked ones excluded; see coalescePending for
// why all of them). Write calls it inside the backend's transaction, write by write, so that
// later writes of one call see the effect of earlier ones.
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
// appended and rebased when the in-flight one is acknowledged (planAck).
func planWrite(existing *core.Record, pending []core.Op, w core.LocalWrite) (WritePlan, error) {
	base := ""
	if existing != nil {
		base = existing.UpdatedAt
	}
	var plan WritePlan
	op := core.Op{
		OpID:           w.OpID,
		Kind:           w.Kind,
		EntityID:       w.ID,
		BaseUpdatedAt:  base,
		LocalTimestamp: w.LocalTimestamp,
	}
	if w.Delete {
		op.Type = core.OpDelete
		data := core.RawJSON(nil)
		if existing != nil {
			data = cloneRaw(existing.Data)
		}
		if len(data) == 0 {
			data = append(jsonv.AppendString([]byte(`{"id":`), w.ID), '}')
		}
		plan.Record = core.Record{Kind: w.Kind, ID: w.ID, Data: data, UpdatedAt: base, Deleted: true}
	} else {
		op.Type = core.OpUpsert
		// One copy in for the op and the record (none for data handed over: LocalWrite.Owned):
		// nothing changes a RawJSON in place, and what a backend keeps beyond its transaction
		// it copies (WriteTx); a large putMany copied each record 8 times.
		data := w.Data
		if !w.Owned {
			data = cloneRaw(w.Data)
		}
		op.Payload = data
		switch {
		case w.ChangedGiven:
			op.ChangedFields = cloneStrings(w.ChangedFields)
		case existing != nil && !existing.Deleted:
			changed, err := core.DiffFields(existing.Data, w.Data)
			if err != nil {
				return WritePlan{}, err
			}
			op.ChangedFields = changed
		}
		plan.Record = core.Record{Kind: w.Kind, ID: w.ID, Data: data, UpdatedAt: base}
	}
	merged, remove := coalescePending(pending, op)
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

// coalesce folds next into last (the entity's last pending op) by planWrite's rules. It returns
// the replacement for last, or remove=true when both cancel out, or (nil, false) when next must
// be appended as it is (no last op, or last is in flight).
func coalesce(last *core.Op, next core.Op) (merged *core.Op, remove bool) {
	if last == nil || last.InFlight {
		return nil, false
	}
	m := *last
	m.LocalTimestamp = next.LocalTimestamp
	switch {
	case last.Type == core.OpUpsert && next.Type == core.OpUpsert:
		m.Payload = cloneRaw(next.Payload)
		m.ChangedFields = unionFields(last.ChangedFields, next.ChangedFields)
	case last.Type == core.OpUpsert && next.Type == core.OpDelete:
		if last.BaseUpdatedAt == "" && last.Attempt == 0 {
			return nil, true
		}
		return coalesceDelete(*last, next), false
	case last.Type == core.OpDelete && next.Type == core.OpUpsert:
		m.Type = core.OpUpsert
		m.Payload = cloneRaw(next.Payload)
		m.ChangedFields = nil
	default: // delete after delete
	}
	return &m, false
}

// coalescePending is Coalesce given all of the entity's pending ops in Seq order: a create and
// its delete cancel out only when the create is the entity's sole pending op. Behind an
// earlier (in-flight) op a base-less upsert is not a create — the server will have the entity
// once that op is acknowledged — so the delete stays, to be rebased and pushed after it.
func coalescePending(pending []core.Op, next core.Op) (merged *core.Op, remove bool) {
	if len(pending) == 0 {
		return nil, false
	}
	last := pending[len(pending)-1]
	merged, remove = coalesce(&last, next)
	if remove && len(pending) > 1 {
		return coalesceDelete(last, next), false
	}
	return merged, remove
}

// coalesceEnqueued is coalescePending for app-made ops (Store.Enqueue), which never cancel
// out: the delete is kept, folded into the last op. An app's op carries the app's base, so a
// base-less upsert before it need not be a create the server lacks; and Enqueue leaves records
// alone, so a cancelled create would stay live locally with nothing left to push. The server
// answers a delete of an unknown id with 404, which is done, and its ack makes the local copy
// a tombstone.
func coalesceEnqueued(pending []core.Op, next core.Op) *core.Op {
	merged, remove := coalescePending(pending, next)
	if remove {
		return coalesceDelete(pending[len(pending)-1], next)
	}
	return merged
}

// coalesceDelete folds a delete into the entity's last (upsert) op: one delete, earlier base.
func coalesceDelete(last, next core.Op) *core.Op {
	last.LocalTimestamp = next.LocalTimestamp
	last.Type = core.OpDelete
	last.Payload = nil
	last.ChangedFields = nil
	return &last
}

// planPageItem decides one pulled item of kind: the record to write, or held=true when the
// entity has pending ops (hasPending; parked ops do not count) and must not be overwritten —
// the pending op's push meets the server's version as a conflict instead (ARCHITECTURE.md
// rule 3). The written record is item with Kind set to kind, its Data shared, not copied (a
// pulled page's items are cut out of its body: a copy per item doubled the page in memory;
// PagePlan says who copies). stored is the entity's stored
// record when the backend read it: an item whose version is older is not written either (rec
// nil, held false), as CONTRACT.md "Client-side handling of responses" says, nor one of the
// version already stored (the pull after a push meets every pushed record again: rewriting it
// would cost a put each); versions are compared as core/version.go says, undecidable is
// neither. A refetched record (refetched: core.Store.ApplyRefetched) is written at the version
// stored too: a local write keeps its record's version as its op's base, so a record whose op
// left without an ack (a dropped parked op) claims the server's version while holding the
// refused change, and only the refetch can tell it apart.
func planPageItem(kind string, item core.Record, hasPending bool, stored *core.Record, refetched bool) (rec *core.Record, held bool) {
	if hasPending {
		return nil, true
	}
	if stored != nil {
		skip := notNewer(item.UpdatedAt, stored.UpdatedAt)
		if refetched { // only an older one
			skip = skip && !notNewer(stored.UpdatedAt, item.UpdatedAt)
		}
		if skip {
			return nil, false
		}
	}
	r := item
	r.Kind = kind
	return &r, false
}

// planUnpark decides what requeueing a parked op does to its entity's local record. While the
// op was parked, pulls could overwrite the record (parked ops are not pending), so its change
// is applied again, as when it was written: an upsert's fields onto the record (PreservingMerge
// with the op's changedFields; onto a tombstone, the payload revives it), a delete as a
// tombstone. Otherwise a later write coalescing into the requeued op would replace its payload
// with data that lacks the parked change. nil: nothing to write (the store holds no record of
// the entity, e.g. an app-made op, or it is already what the op makes it).
func planUnpark(existing *core.Record, op core.Op) (*core.Record, error) {
	if existing == nil {
		return nil, nil
	}
	r := core.CloneRecord(*existing)
	switch {
	case op.Type == core.OpDelete && existing.Deleted:
		return nil, nil
	case op.Type == core.OpDelete:
		r.Deleted = true
	case existing.Deleted:
		r.Data, r.Deleted = cloneRaw(op.Payload), false
	default:
		merged, err := core.PreservingMergeJSON(op.Payload, existing.Data, op.ChangedFields)
		if err != nil {
			return nil, core.Wrap(core.CodeInvalid, "unpark "+op.Kind+"/"+op.EntityID, err)
		}
		r.Data = merged
	}
	return &r, nil
}

// planAck decides what acknowledging a.Op does to its entity. existing is the stored record
// (nil when absent) and later the entity's other pending ops with a higher Seq.
//
// Without later ops the server's record becomes the local record (or, for a 404 on delete,
// the local record becomes a tombstone). With later ops the local data is kept (it holds newer
// edits) and only its version advances; the later ops are rebased onto the server's version so
// the device never conflicts with itself (ARCHITECTURE.md rule 8). An a.Rebuild with a live
// server record also rebuilds the later upserts on it (rebuildLater).
//
// rec is nil when nothing is to be written; rebased are the later ops with their new base.
func planAck(existing *core.Record, later []core.Op, a core.Ack) (rec *core.Record, rebased []core.Op, err error) {
	if len(later) == 0 {
		if a.Server != nil {
			r := core.CloneRecord(*a.Server)
			r.Kind = a.Op.Kind
			return &r, nil, nil
		}
		if existing != nil && !existing.Deleted {
			r := core.CloneRecord(*existing)
			r.Deleted = true
			return &r, nil, nil
		}
		return nil, nil, nil
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
		r := core.CloneRecord(*existing)
		r.UpdatedAt = version
		rec = &r
	}
	if a.Rebuild && a.Server != nil && !a.Server.Deleted {
		return rebuildLater(rec, rebased, core.Record{Kind: a.Op.Kind, ID: a.Op.EntityID, Data: a.Server.Data, UpdatedAt: version})
	}
	return rec, rebased, nil
}

// rebuildLater carries a conflict's resolution (base: the server's or the merged record) over
// to the resolved op's later upserts, made while it was in flight. Each was built on the local
// record before the conflict, so its fields it did not change would otherwise overwrite the
// resolution when pushed: each becomes the one before (base first) with its own changedFields
// applied (core.PreservingMergeJSON), in order. When the last later op is an upsert, its data
// is the entity's record, at base's version (rec otherwise, rec may be nil). It runs inside
// the store's transaction of the resolution itself, so that neither a crash or a cancel
// between the two nor a local write meanwhile can leave a later op built on the old data.
func rebuildLater(rec *core.Record, later []core.Op, base core.Record) (*core.Record, []core.Op, error) {
	data := base.Data
	for i, o := range later {
		if o.Type != core.OpUpsert {
			continue
		}
		merged, err := core.PreservingMergeJSON(o.Payload, data, o.ChangedFields)
		if err != nil {
			return nil, nil, err // PreservingMergeJSON's: invalid, naming the merge
		}
		later[i].Payload, data = merged, merged
	}
	if later[len(later)-1].Type != core.OpUpsert {
		return rec, later, nil
	}
	r := base
	r.Data = cloneRaw(data)
	return &r, later, nil
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

func cloneRaw(b core.RawJSON) core.RawJSON {
	if b == nil {
		return nil
	}
	return append(core.RawJSON{}, b...)
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}
