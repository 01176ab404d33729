//go:build js && wasm

package idbstore

import (
	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// kitTx is the entities a transaction loaded, as the flows of core/storekit see them. It
// remembers the op Acked found last and its later ops, which Settle then changes.
type kitTx struct {
	es    *entities
	e     *entity
	p     *pendingOp
	later []*pendingOp
	// unparked are the ops an unpark requeues.
	unparked []core.Op
	// parkable are the ops a park read, by op id (taken once parked); parking what it parks.
	parkable map[string]*pendingOp
	parking  []parkedValue
	// conflict is the conflict a conflict flow puts, dropConflict whether it deletes one.
	conflict     *core.Conflict
	dropConflict bool
}

// Parking returns the op as loaded, InFlight from its mark.
func (k *kitTx) Parking(opID string) (core.Op, bool) {
	p := k.parkable[opID]
	if p == nil || p.removed {
		return core.Op{}, false
	}
	return core.CloneOp(p.op), true
}

// Park takes the op off its row (flush unmarks it) and stages its parked value.
func (k *kitTx) Park(p core.ParkedOp) {
	k.parkable[p.Op.OpID].removed = true
	delete(k.parkable, p.Op.OpID)
	k.parking = append(k.parking, toParkedValue(p))
}

func (k *kitTx) PutConflict(c core.Conflict) { k.conflict = &c }
func (k *kitTx) DeleteConflict(string)       { k.dropConflict = true }

func (k *kitTx) Unparked() []core.Op { return k.unparked }

// Acked finds the op among the ack's entity's loaded ops: the acks' entities are loaded
// before, and an op pending on another entity was refused then (refuseMisplacedAcks).
func (k *kitTx) Acked(a core.Ack) (core.Op, []core.Op, *core.Record, bool) {
	e := k.es.get(a.Op.Kind, a.Op.EntityID)
	if e == nil {
		return core.Op{}, nil, nil, false // not loaded: settled by ackPlain
	}
	p, at := e.find(a.Op.OpID)
	if p == nil {
		return core.Op{}, nil, nil, false
	}
	k.e, k.p = e, p
	var later []core.Op
	later, k.later = e.laterOps(at, k.later[:0])
	return p.op, later, e.rec, true
}

func (k *kitTx) Settle(_ core.Op, rebased []core.Op, rec *core.Record) {
	k.p.removed = true
	for j, o := range rebased {
		k.later[j].op, k.later[j].dirty = o, true
	}
	if rec != nil {
		k.e.setRecord(*rec)
	}
}

func (k *kitTx) Append(o core.Op) { k.es.append(k.es.get(o.Kind, o.EntityID), o) }

func (k *kitTx) Record(kind, id string) *core.Record { return k.es.get(kind, id).rec }

// PutRecord stages r itself, not a copy (WriteTx): the flows stage records they made
// (planWrite's copy in, planUnpark's, resolve's clone), and a staged row lives only until the
// transaction's flush, before WriteLocal returns. A large putMany copied each record 8 times.
func (k *kitTx) PutRecord(r core.Record) { k.es.get(r.Kind, r.ID).setRecord(r) }

func (k *kitTx) Pending(kind, id string) []core.Op { return k.es.get(kind, id).pending() }

func (k *kitTx) Place(kind, id string, _ []core.Op, plan storekit.WritePlan) {
	e := k.es.get(kind, id)
	if plan.Append != nil {
		// planWrite's op is new, its payload the array its record's data is (PutRecord): the
		// row's data and its op's payload stay one array, which appendOpFrame's compare of
		// the two then finds equal by address instead of byte by byte.
		k.es.append(e, *plan.Append)
		return
	}
	k.es.place(e, plan.Replace, plan.Remove, core.Op{})
}

func (k *kitTx) Enqueue(merged *core.Op, o core.Op) core.Op {
	return k.es.place(k.es.get(o.Kind, o.EntityID), merged, false, o).op
}

// Resolving finds the op among the ops of the entity k.e, the resolved op's: the op was read
// by id and found on that entity before its ops were loaded.
func (k *kitTx) Resolving(opID string) (core.Op, []core.Op, bool) {
	p, i := k.e.find(opID)
	if p == nil {
		return core.Op{}, nil, false
	}
	later, _ := k.e.laterOps(i, nil)
	return p.op, later, true
}

// Replace finds the op of o's id among the entity's (the resolved one or a later one).
func (k *kitTx) Replace(o core.Op) {
	if p, _ := k.e.find(o.OpID); p != nil {
		p.op, p.dirty = o, true
	}
}

// laterOps are copies of e's pending ops after the one at index at, in Seq order, and the
// entries themselves appended to into (which the Ack flow's Settle changes).
func (e *entity) laterOps(at int, into []*pendingOp) ([]core.Op, []*pendingOp) {
	var later []core.Op
	for _, q := range e.ops[at+1:] {
		if !q.removed {
			later = append(later, core.CloneOp(q.op))
			into = append(into, q)
		}
	}
	return later, into
}
