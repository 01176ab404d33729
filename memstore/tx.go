package memstore

import (
	"slices"

	"github.com/offsync/offsync/core"
)

type entityKey struct{ kind, id string }

// tx stages one call's changes to records and the outbox: reads see earlier staged writes of
// the same call, and nothing reaches the Store before commit. Staged values are never
// modified in place (only replaced), so sharing their byte slices with the Store is safe.
//
// The outbox changes are an overlay on the Store's outbox and indexes (added, replaced and
// removed ops), so a call costs what it touches, not the size of the outbox: a 10,000-op
// backlog written or acknowledged op by op stays linear.
type tx struct {
	s        *Store
	recs     map[entityKey]core.Record
	nextSeq  int64
	added    []core.Op // new ops in Seq order (removed ones included, see removed)
	replaced map[int64]core.Op
	removed  map[int64]bool
	entities map[entityKey][]int64 // staged Seq lists of the entities this call touched
	idsAdded map[string]int64
	idsGone  map[string]bool
}

func (s *Store) begin() *tx {
	return &tx{
		s: s, recs: map[entityKey]core.Record{}, nextSeq: s.nextSeq,
		replaced: map[int64]core.Op{}, removed: map[int64]bool{}, entities: map[entityKey][]int64{},
		idsAdded: map[string]int64{}, idsGone: map[string]bool{},
	}
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

// op returns the staged or stored pending op with seq (not a copy).
func (t *tx) op(seq int64) (core.Op, bool) {
	if t.removed[seq] {
		return core.Op{}, false
	}
	if o, ok := t.replaced[seq]; ok {
		return o, true
	}
	if seq > t.s.nextSeq {
		i, ok := slices.BinarySearchFunc(t.added, seq, cmpSeq)
		if !ok {
			return core.Op{}, false
		}
		return t.added[i], true
	}
	return t.s.opAt(seq)
}

func cmpSeq(o core.Op, seq int64) int {
	switch {
	case o.Seq < seq:
		return -1
	case o.Seq > seq:
		return 1
	}
	return 0
}

// seqs returns the entity's pending Seqs in order (read only).
func (t *tx) seqs(k entityKey) []int64 {
	if s, ok := t.entities[k]; ok {
		return s
	}
	return t.s.byEntity[k]
}

// touch returns the entity's staged Seq list, copied from the Store's on first use.
func (t *tx) touch(k entityKey) []int64 {
	s, ok := t.entities[k]
	if !ok {
		s = slices.Clone(t.s.byEntity[k])
		t.entities[k] = s
	}
	return s
}

// pending returns the entity's pending ops in Seq order (copies).
func (t *tx) pending(kind, id string) []core.Op {
	var ops []core.Op
	for _, seq := range t.seqs(entityKey{kind, id}) {
		o, _ := t.op(seq)
		ops = append(ops, core.CloneOp(o))
	}
	return ops
}

func (t *tx) hasPending(kind, id string) bool { return len(t.seqs(entityKey{kind, id})) > 0 }

// findOp returns the pending op with opID (not a copy).
func (t *tx) findOp(opID string) (core.Op, bool) {
	if t.idsGone[opID] {
		return core.Op{}, false
	}
	seq, ok := t.idsAdded[opID]
	if !ok {
		seq, ok = t.s.byID[opID]
	}
	if !ok {
		return core.Op{}, false
	}
	return t.op(seq)
}

// appendOp gives o the next Seq and appends it.
func (t *tx) appendOp(o core.Op) core.Op {
	t.nextSeq++
	o.Seq = t.nextSeq
	t.added = append(t.added, o)
	k := entityKey{o.Kind, o.EntityID}
	t.entities[k] = append(t.touch(k), o.Seq)
	t.idsAdded[o.OpID] = o.Seq
	delete(t.idsGone, o.OpID)
	return o
}

// replaceOp puts o (same Seq, entity and op id as the op it replaces) in place.
func (t *tx) replaceOp(o core.Op) {
	if i, ok := slices.BinarySearchFunc(t.added, o.Seq, cmpSeq); ok {
		t.added[i] = o
		return
	}
	t.replaced[o.Seq] = o
}

// removeOp drops the pending op with seq.
func (t *tx) removeOp(seq int64) {
	o, ok := t.op(seq)
	if !ok {
		return
	}
	t.removed[seq] = true
	k := entityKey{o.Kind, o.EntityID}
	t.entities[k] = slices.DeleteFunc(t.touch(k), func(s int64) bool { return s == seq })
	delete(t.idsAdded, o.OpID)
	t.idsGone[o.OpID] = true
}

// knownOpID reports whether an op id is in the working outbox or parked.
func (t *tx) knownOpID(id string) bool {
	if _, ok := t.findOp(id); ok {
		return true
	}
	return slices.ContainsFunc(t.s.parked, func(p core.ParkedOp) bool { return p.Op.OpID == id })
}

func (t *tx) commit() {
	s := t.s
	for _, r := range t.recs {
		s.putRecord(r)
	}
	for seq, o := range t.replaced {
		if i, ok := slices.BinarySearchFunc(s.outbox, seq, cmpSeq); ok {
			s.outbox[i] = o
		}
	}
	if len(t.removed) > 0 {
		s.outbox = slices.DeleteFunc(s.outbox, func(o core.Op) bool { return t.removed[o.Seq] })
	}
	for _, o := range t.added {
		if !t.removed[o.Seq] {
			s.outbox = append(s.outbox, o)
		}
	}
	for k, seqs := range t.entities {
		if len(seqs) == 0 {
			delete(s.byEntity, k)
		} else {
			s.byEntity[k] = seqs
		}
	}
	for id := range t.idsGone {
		delete(s.byID, id)
	}
	for id, seq := range t.idsAdded {
		s.byID[id] = seq
	}
	s.nextSeq = t.nextSeq
}
