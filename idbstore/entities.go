//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// entity is one entity's state inside a write transaction: its record and pending ops, read
// once, changed in memory by core's plans (so later steps of one call see earlier ones), and
// written back by flush.
type entity struct {
	rec   *core.Record
	dirty bool
	ops   []*pendingOp // in Seq order, new ones last
	// later: an op was appended behind another pending op (flush names the entity in stLater).
	later bool
}

type pendingOp struct {
	op      core.Op
	stored  bool // it is in the outbox already (Seq known)
	dirty   bool
	removed bool
	// marked is whether the stored op is marked in flight (as loaded); flush marks or unmarks
	// it when op.InFlight says otherwise, and unmarks it when it is removed.
	marked bool
}

// entities is the working set of a write transaction.
type entities struct {
	byKey map[entityKey]*entity
	added []*pendingOp // new ops in append order: the order their Seqs must follow
	// counted is the outbox's size when it was loaded, -1 when not counted.
	counted int
	// acked: loaded by loadForAck; flush drops from stLater the entities left with one op or none.
	acked bool
}

// loadEntities reads the records and outbox ops of keys in one request batch.
func loadEntities(ctx context.Context, t *txn, keys []entityKey) (*entities, error) {
	es, _, err := load(ctx, t, loadReq{keys: keys})
	return es, err
}

// loadForAck is loadEntities for the entities of acks: an acknowledged op's record is replaced
// by the server's unless the entity has later ops, so records are read only for entities with
// more than one op and for acks without a server record. That spares a push one read per
// acknowledged op. An entity stLater does not name holds only its ack's op, read by its Seq
// (H.loadAck), not through the entity index (one request per entity when the batch's ids are
// spread, as UUIDs are).
func loadForAck(ctx context.Context, t *txn, acks []core.Ack) (*entities, error) {
	r := loadReq{keys: make([]entityKey, len(acks)), needRecord: make([]bool, len(acks)), acked: make([]core.Op, len(acks))}
	for i, a := range acks {
		r.keys[i], r.needRecord[i], r.acked[i] = entityKey{a.Op.Kind, a.Op.EntityID}, a.Server == nil, a.Op
	}
	es, _, err := load(ctx, t, r)
	if es != nil {
		es.acked = true
	}
	return es, err
}

// loadForWrite is loadEntities for a local write with op ids ids: it refuses an id already
// pending on one of these entities or, with parked, parked (the transaction then includes
// stParked). An id pending on another entity is refused by the outbox's unique opId index when
// the op is added, or by refuseUnaddedOpIDs when it is not. It also reads the outbox size, for
// pendingAfter.
func loadForWrite(ctx context.Context, t *txn, op string, keys []entityKey, ids []string, parked bool) (*entities, error) {
	r := loadReq{keys: keys, count: true}
	if parked {
		r.ids = ids
	}
	es, parkedAt, err := load(ctx, t, r)
	if err != nil {
		return nil, err
	}
	if parkedAt >= 0 {
		return nil, core.Errorf(core.CodeInvalid, op, "op id %s is parked", ids[parkedAt])
	}
	known := make(map[string]bool)
	for _, e := range es.byKey {
		for _, p := range e.ops {
			known[p.op.OpID] = true
		}
	}
	for _, id := range ids {
		if known[id] {
			return nil, core.Errorf(core.CodeInvalid, op, "op id %s already in the outbox", id)
		}
	}
	return es, nil
}

// loadReq is what load reads: the records and outbox ops of keys and, optionally, more.
type loadReq struct {
	keys []entityKey
	// ids are op ids to look up among the parked ops (a local write's).
	ids []string
	// count asks for the outbox size (counted when the marks store's entry 0 is missing).
	count bool
	// needRecord, one per key when given, limits the records read to where it says or where
	// the entity has more than one op.
	needRecord []bool
	// acked, one op per key when given (an Ack's), reads through H.loadAck (loadForAck).
	acked []core.Op
}

// load reads the records and outbox ops of r.keys and, with r.ids, which of them is parked (its
// position, -1 when none) in one helper call (H.load), reporting once, with the outbox size
// the marks store's entry 0 holds (counted, when r.count asks, if it is missing). The helper
// takes the object stores from the transaction itself, so Go fetches none. Per kind it reads
// over the keys' id range (a batch's ids are usually close): the record keys present
// (getAllKeys), then a get of each present record, and the outbox ops through the entity index
// (ONE getAll; the outbox is small). When a range holds many more entries than keys, or for a
// single key, it reads each key on its own instead. Parked ids are looked up in the parked
// opId index (for several ids only when that store is not empty). With needRecord (one per
// key), records are read only where needRecord says or the entity has more than one op. The ops'
// InFlight comes from the marks, all read with one getAll in parallel (the transaction must
// include the marks store; the helper keeps them for flush): a write must never coalesce into
// an op in flight.
//
// With acked (one op per key, an Ack's) it reads through H.loadAck instead (loadForAck).
func load(ctx context.Context, t *txn, r loadReq) (*entities, int, error) {
	keys, ids, needRecord := r.keys, r.ids, r.needRecord
	es := &entities{byKey: make(map[entityKey]*entity, len(keys)), counted: -1}
	uniq := make([]entityKey, 0, len(keys))
	at := make(map[entityKey]int, len(keys))
	need := js.Null()
	var needAt []int
	for i, k := range keys {
		if _, ok := es.byKey[k]; !ok {
			es.byKey[k] = &entity{}
			at[k] = len(uniq)
			uniq = append(uniq, k)
		}
		if needRecord != nil && needRecord[i] {
			needAt = append(needAt, at[k])
		}
	}
	if len(uniq) == 0 && len(ids) == 0 && !r.count {
		return es, -1, nil
	}
	if needRecord != nil {
		need = js.ValueOf(jsonText(needAt))
	}
	var v js.Value
	var err error
	if r.acked != nil {
		seqs, opIDs := ackHints(keys, r.acked, at, len(uniq))
		v, err = t.issue(ctx, t.js.loadAck, t.raw, loadAckArgs{Query: loadQuery(uniq, opIDs), Need: need, Seqs: jsonText(seqs)})
	} else {
		v, err = t.issue(ctx, t.js.load, t.raw, loadArgs{Query: loadQuery(uniq, ids), WithParked: len(ids) > 0, Count: r.count, Need: need})
	}
	if err != nil {
		return nil, -1, err
	}
	got, err := decodeLoaded(v, len(uniq))
	if err != nil {
		return nil, -1, err
	}
	es.counted = got.count
	for i, k := range uniq {
		e := es.byKey[k]
		e.rec = got.recs[i]
		for _, o := range got.ops[i] {
			e.ops = append(e.ops, &pendingOp{op: o, stored: true, marked: o.InFlight})
		}
	}
	return es, got.parked, nil
}

// ackHints is, per unique key, the Seq and op id of its acknowledged op: the Seq 0 (no hint)
// for a key acknowledged twice in one call, whose ops are then read through the entity index.
func ackHints(keys []entityKey, acked []core.Op, at map[entityKey]int, n int) ([]int64, []string) {
	seqs, opIDs := make([]int64, n), make([]string, n)
	seen := make([]bool, n)
	for i, k := range keys {
		j := at[k]
		if seen[j] {
			seqs[j] = 0
			continue
		}
		seen[j], seqs[j], opIDs[j] = true, acked[i].Seq, acked[i].OpID
	}
	return seqs, opIDs
}

// refuseUnaddedOpIDs refuses the ids (a local write's) that flush will not add to the outbox
// (their op was coalesced into an earlier one, or cancelled) and that another op already has:
// only added ops meet the unique opId index. One request batch, only when there are such ids.
func refuseUnaddedOpIDs(ctx context.Context, t *txn, op string, es *entities, ids []string) error {
	added := make(map[string]bool, len(es.added))
	for _, p := range es.added {
		if !p.removed {
			added[p.op.OpID] = true
		}
	}
	var check []string
	for _, id := range ids {
		if !added[id] {
			check = append(check, id)
		}
	}
	if len(check) == 0 {
		return nil
	}
	idx, err := t.index(stOutbox, "opId")
	if err != nil {
		return err
	}
	var keys []*int64
	if err := t.issueJSON(ctx, &keys, t.js.gather, idx, gatherArgs{Method: "getKey", Keys: jsonText(check)}); err != nil {
		return err
	}
	for i, k := range keys {
		if k != nil {
			return core.Errorf(core.CodeInvalid, op, "op id %s already in the outbox", check[i])
		}
	}
	return nil
}

// opIDTaken turns the outbox's unique opId index refusing an added op (ConstraintError, the
// whole transaction aborted) into the invalid error of an op id already in the outbox.
func opIDTaken(op string, err error) error {
	var d *domError
	if errors.As(err, &d) && d.Name == "ConstraintError" {
		return core.Errorf(core.CodeInvalid, op, "op id already in the outbox: %w", d)
	}
	return err
}

func (es *entities) get(kind, id string) *entity { return es.byKey[entityKey{kind, id}] }

// pendingAfter is the outbox's size once flush's changes are committed: the size read at
// load, less the stored ops removed, plus the new ops kept. Call it before flush (with seqs,
// flush marks the new ops stored). -1 when the load did not read it.
func (es *entities) pendingAfter() int {
	if es.counted < 0 {
		return -1
	}
	n := es.counted
	for _, e := range es.byKey {
		for _, p := range e.ops {
			switch {
			case p.stored && p.removed:
				n--
			case !p.stored && !p.removed:
				n++
			}
		}
	}
	return n
}

// last is the entity's last pending op, nil when none.
func (e *entity) last() *pendingOp {
	for i := len(e.ops) - 1; i >= 0; i-- {
		if !e.ops[i].removed {
			return e.ops[i]
		}
	}
	return nil
}

// pending returns copies of the entity's pending ops in Seq order.
func (e *entity) pending() []core.Op {
	var ops []core.Op
	for _, p := range e.ops {
		if !p.removed {
			ops = append(ops, core.CloneOp(p.op))
		}
	}
	return ops
}

// find returns the pending op with opID and its position, nil when none.
func (e *entity) find(opID string) (*pendingOp, int) {
	for i, p := range e.ops {
		if !p.removed && p.op.OpID == opID {
			return p, i
		}
	}
	return nil, -1
}

func (e *entity) setRecord(r core.Record) {
	e.rec = &r
	e.dirty = true
}

// append adds a new op at the end of the entity's ops and of the outbox; behind another
// pending op, the entity is named in stLater at flush.
func (es *entities) append(e *entity, o core.Op) *pendingOp {
	if e.last() != nil {
		e.later = true
	}
	o.Seq = 0
	p := &pendingOp{op: o, dirty: true}
	e.ops = append(e.ops, p)
	es.added = append(es.added, p)
	return p
}

// place applies a plan's outbox verdict for next on e: remove the last pending op, replace it
// by merged, or append next. It returns the op that now holds next (nil when both cancelled out).
func (es *entities) place(e *entity, merged *core.Op, remove bool, next core.Op) *pendingOp {
	last := e.last()
	switch {
	case remove:
		last.removed = true
		return nil
	case merged != nil:
		last.op, last.dirty = core.CloneOp(*merged), true
		return last
	}
	return es.append(e, core.CloneOp(next))
}

// flush issues the writes of everything changed, through H.flush (framed or JSON records,
// the marks' changes, the stored outbox size when it changed, then the outbox's deletes and
// puts; the helper takes the object stores from the transaction, which must include marks).
// Op values never carry InFlight: a removed op is unmarked, a stored op whose InFlight changed
// is marked or unmarked (new ops are never in flight). New ops are added in append order,
// those cancelled within the call not at all; withSeqs awaits their generated Seqs and fills
// them in, otherwise the transaction's completion covers them.
func (es *entities) flush(ctx context.Context, t *txn, withSeqs bool) error {
	pending := es.pendingAfter()
	if pending == es.counted {
		pending = -1
	}
	var recs []core.Record
	var dels []int64
	var puts, adds []opValue
	var addOps []*pendingOp
	var unmarks, marks []int64
	var later, notLater []entityKey
	for k, e := range es.byKey {
		if e.dirty && e.rec != nil {
			recs = append(recs, *e.rec)
		}
		switch {
		case e.later:
			later = append(later, k)
		case es.acked && len(e.pending()) <= 1:
			notLater = append(notLater, k)
		}
		for _, p := range e.ops {
			switch {
			case p.stored && p.removed:
				dels = append(dels, p.op.Seq)
				if p.marked {
					unmarks = append(unmarks, p.op.Seq)
				}
				continue
			case p.stored && p.dirty:
				puts = append(puts, outboxValue(p.op))
			}
			switch {
			case p.stored && p.op.InFlight && !p.marked:
				marks = append(marks, p.op.Seq)
			case p.stored && !p.op.InFlight && p.marked:
				unmarks = append(unmarks, p.op.Seq)
			}
		}
	}
	for _, p := range es.added {
		if !p.removed {
			adds = append(adds, outboxValue(p.op))
			addOps = append(addOps, p)
		}
	}
	if !withSeqs {
		puts, adds = append(puts, adds...), nil
	}
	f := flushArgs{Dels: textOrEmpty(dels), Unmarks: textOrEmpty(unmarks), Marks: textOrEmpty(marks),
		Later: keysText(later), NotLater: keysText(notLater), Pending: pending}
	if len(recs) > 0 {
		var ok bool
		if f.Framed, ok = frameRecords(recs); !ok {
			f.Recs = jsonText(recordValues(recs))
		}
	}
	if len(puts) > 0 {
		if f.Puts, f.PutsFramed = frameOpValues(puts); !f.PutsFramed {
			f.Puts = jsonText(puts)
		}
	}
	if err := t.fire(t.js.flush, t.raw, f); err != nil {
		return err
	}
	if len(adds) == 0 {
		return nil
	}
	outbox, err := t.store(stOutbox)
	if err != nil {
		return err
	}
	var seqs []int64
	if err := t.issueJSON(ctx, &seqs, t.js.addAll, outbox, addAllArgs{Values: jsonText(adds)}); err != nil {
		return err
	}
	for i, p := range addOps {
		p.op.Seq, p.stored = seqs[i], true
	}
	return nil
}

// textOrEmpty is the JSON of values, or "" when there are none (the flush helper skips it).
func textOrEmpty[T any](values []T) string {
	if len(values) == 0 {
		return ""
	}
	return jsonText(values)
}

// putValues issues puts of values (a slice) into store name, not awaited one by one.
func putValues[T any](t *txn, name string, values []T) error {
	if len(values) == 0 {
		return nil
	}
	st, err := t.store(name)
	if err != nil {
		return err
	}
	return t.fire(t.js.putAll, st, putAllArgs{Values: jsonText(values)})
}
