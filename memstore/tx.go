package memstore

import (
	"slices"

	"github.com/offsync/offsync/core"
)

type entityKey struct{ kind, id string }

// tx stages one call's changes to records and the outbox: reads see earlier staged writes of
// the same call, and nothing reaches the Store before commit. Staged values are never
// modified in place (only replaced), so sharing their byte slices with the Store is safe.
type tx struct {
	s       *Store
	recs    map[entityKey]core.Record
	outbox  []core.Op
	nextSeq int64
	// seqs indexes the working outbox by entity (Seq order) and ids by op id; built on first use.
	seqs map[entityKey][]int64
	ids  map[string]int64
}

func (s *Store) begin() *tx {
	return &tx{s: s, recs: map[entityKey]core.Record{}, outbox: slices.Clone(s.outbox), nextSeq: s.nextSeq}
}

// record returns a copy of the entity's staged or stored record, nil when absent.
func (t *tx) record(kind, id string) *core.Record {
	r, ok := t.recs[entityKey{kind, id}]
	if !ok {
		r, ok = t.s.stored(kind, id)
	}
	if !ok {
		return nil
	}
	c := core.CloneRecord(r)
	return &c
}

func (t *tx) putRecord(r core.Record) { t.recs[entityKey{r.Kind, r.ID}] = r }

func (t *tx) index() map[entityKey][]int64 {
	if t.seqs == nil {
		t.seqs = map[entityKey][]int64{}
		t.ids = make(map[string]int64, len(t.outbox))
		for _, o := range t.outbox {
			k := entityKey{o.Kind, o.EntityID}
			t.seqs[k] = append(t.seqs[k], o.Seq)
			t.ids[o.OpID] = o.Seq
		}
	}
	return t.seqs
}

// pos finds the working outbox position of the op with seq.
func (t *tx) pos(seq int64) (int, bool) {
	return slices.BinarySearchFunc(t.outbox, seq, func(o core.Op, s int64) int {
		switch {
		case o.Seq < s:
			return -1
		case o.Seq > s:
			return 1
		}
		return 0
	})
}

// pending returns the entity's pending ops in Seq order (copies).
func (t *tx) pending(kind, id string) []core.Op {
	var ops []core.Op
	for _, seq := range t.index()[entityKey{kind, id}] {
		i, _ := t.pos(seq)
		ops = append(ops, core.CloneOp(t.outbox[i]))
	}
	return ops
}

func (t *tx) hasPending(kind, id string) bool { return len(t.index()[entityKey{kind, id}]) > 0 }

// findOp returns the position of the pending op with opID.
func (t *tx) findOp(opID string) (int, bool) {
	t.index()
	seq, ok := t.ids[opID]
	if !ok {
		return 0, false
	}
	return t.pos(seq)
}

// appendOp gives o the next Seq and appends it.
func (t *tx) appendOp(o core.Op) core.Op {
	idx := t.index()
	t.nextSeq++
	o.Seq = t.nextSeq
	t.outbox = append(t.outbox, o)
	k := entityKey{o.Kind, o.EntityID}
	idx[k] = append(idx[k], o.Seq)
	t.ids[o.OpID] = o.Seq
	return o
}

// replaceOp puts o (same Seq and entity as the op it replaces) in place.
func (t *tx) replaceOp(o core.Op) {
	i, _ := t.pos(o.Seq)
	t.outbox[i] = o
}

// removeOp drops the pending op with seq.
func (t *tx) removeOp(seq int64) {
	i, ok := t.pos(seq)
	if !ok {
		return
	}
	o := t.outbox[i]
	t.outbox = slices.Delete(t.outbox, i, i+1)
	idx := t.index()
	k := entityKey{o.Kind, o.EntityID}
	idx[k] = slices.DeleteFunc(idx[k], func(s int64) bool { return s == seq })
	if len(idx[k]) == 0 {
		delete(idx, k)
	}
	delete(t.ids, o.OpID)
}

// knownOpID reports whether an op id is in the working outbox or parked.
func (t *tx) knownOpID(id string) bool {
	if _, ok := t.findOp(id); ok {
		return true
	}
	return slices.ContainsFunc(t.s.parked, func(p core.ParkedOp) bool { return p.Op.OpID == id })
}

func (t *tx) commit() {
	for _, r := range t.recs {
		t.s.putRecord(r)
	}
	t.s.outbox = t.outbox
	t.s.nextSeq = t.nextSeq
}
