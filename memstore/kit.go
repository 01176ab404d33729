package memstore

import (
	"slices"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// kitTx is a tx as the flows of core/storekit see it, with the ops an unpark took, the ops a
// park stages and the conflicts as a conflict flow left them (nil: unchanged).
type kitTx struct {
	*tx
	unparked  []core.Op
	parking   []core.ParkedOp
	conflicts *[]core.Conflict
}

func (t *kitTx) Parking(opID string) (core.Op, bool) {
	o, ok := t.findOp(opID)
	return core.CloneOp(o), ok
}

func (t *kitTx) Park(p core.ParkedOp) {
	t.removeOp(p.Op.Seq)
	t.parking = append(t.parking, p)
}

// staged returns the conflicts as this call leaves them, copied from the Store's on first use.
func (t *kitTx) staged() []core.Conflict {
	if t.conflicts == nil {
		cs := slices.Clone(t.s.conflicts)
		t.conflicts = &cs
	}
	return *t.conflicts
}

func (t *kitTx) PutConflict(c core.Conflict) {
	cs := t.staged()
	if i := slices.IndexFunc(cs, func(x core.Conflict) bool { return x.ID == c.ID }); i >= 0 {
		cs[i] = c
		return
	}
	*t.conflicts = append(cs, c)
}

func (t *kitTx) DeleteConflict(id string) {
	cs := t.staged()
	*t.conflicts = slices.DeleteFunc(cs, func(c core.Conflict) bool { return c.ID == id })
}

func (t *kitTx) Unparked() []core.Op { return t.unparked }

func (t *kitTx) Acked(a core.Ack) (core.Op, []core.Op, *core.Record, bool) {
	stored, ok := t.findOp(a.Op.OpID)
	if !ok {
		return core.Op{}, nil, nil, false
	}
	return stored, t.later(stored), t.record(stored.Kind, stored.EntityID), true
}

// later are the pending ops of stored's entity after it, in Seq order (copies).
func (t *kitTx) later(stored core.Op) []core.Op {
	var later []core.Op
	for _, o := range t.pending(stored.Kind, stored.EntityID) {
		if o.Seq > stored.Seq {
			later = append(later, o)
		}
	}
	return later
}

func (t *kitTx) Settle(stored core.Op, rebased []core.Op, rec *core.Record) {
	t.removeOp(stored.Seq)
	for _, o := range rebased {
		t.replaceOp(o)
	}
	if rec != nil {
		t.putRecord(*rec)
	}
}

func (t *kitTx) Append(o core.Op)                    { t.appendOp(o) }
func (t *kitTx) Record(kind, id string) *core.Record { return t.record(kind, id) }
func (t *kitTx) PutRecord(r core.Record)             { t.putRecord(core.CloneRecord(r)) } // kept: a copy (WriteTx)

func (t *kitTx) Pending(kind, id string) []core.Op { return t.pending(kind, id) }

func (t *kitTx) Place(_, _ string, pending []core.Op, plan storekit.WritePlan) {
	switch {
	case plan.Append != nil:
		t.appendOp(core.CloneOp(*plan.Append))
	case plan.Replace != nil:
		t.replaceOp(core.CloneOp(*plan.Replace))
	case plan.Remove:
		t.removeOp(pending[len(pending)-1].Seq)
	}
}

func (t *kitTx) Enqueue(merged *core.Op, o core.Op) core.Op {
	if merged != nil {
		t.replaceOp(*merged)
		return *merged
	}
	return t.appendOp(o)
}

func (t *kitTx) Resolving(opID string) (core.Op, []core.Op, bool) {
	stored, ok := t.findOp(opID)
	if !ok {
		return core.Op{}, nil, false
	}
	return stored, t.later(stored), true
}

func (t *kitTx) Replace(o core.Op) { t.replaceOp(o) }
