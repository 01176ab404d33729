//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// entity is one entity's row inside a write transaction: its record and pending ops, read
// once, changed in memory by storekit's flows (so later steps of one call see earlier ones),
// and written back as one row by flush.
type entity struct {
	rec *core.Record
	// stored: the row exists (a record, pending ops, or both).
	stored bool
	dirty  bool
	ops    []*pendingOp // in Seq order, new ones last
}

type pendingOp struct {
	op      core.Op
	stored  bool // it is in the row already
	dirty   bool
	removed bool
	// marked is whether the stored op is marked in flight (as loaded); flush marks or unmarks
	// it when op.InFlight says otherwise, and unmarks it when it is removed.
	marked bool
}

// entities is the working set of a write transaction.
type entities struct {
	byKey map[entityKey]*entity
	added []*pendingOp // new ops in append order
	seqs  *seqClock
	// now is the clock as the first new op read it (0: not read), the reading of all of them.
	now int64

	// texts and textsJS: the call's record texts (WithTexts), nil and undefined for none.
	texts   map[entityKey]textRef
	textsJS js.Value
}

// loadEntities reads the rows of keys in one request batch.
func loadEntities(ctx context.Context, t *txn, seqs *seqClock, keys []entityKey) (*entities, error) {
	es, _, err := load(ctx, t, seqs, keys, nil)
	return es, err
}

// loadForAck is loadEntities for the entities of acks (those ackPlain left: rare).
func loadForAck(ctx context.Context, t *txn, seqs *seqClock, acks []core.Ack) (*entities, error) {
	keys := make([]entityKey, len(acks))
	for i, a := range acks {
		keys[i] = entityKey{a.Op.Kind, a.Op.EntityID}
	}
	return loadEntities(ctx, t, seqs, keys)
}

// loadForWrite is loadEntities for a local write with op ids ids: it refuses an id already
// pending on one of these entities or, with parked, parked (the transaction then includes
// stParked). An id pending on another entity is refused by the unique opIds index when its
// row is put, or by refuseUnaddedOpIDs when its op is not added.
func loadForWrite(ctx context.Context, t *txn, seqs *seqClock, op string, keys []entityKey, ids []string, parked bool) (*entities, error) {
	var look []string
	if parked {
		look = ids
	}
	es, parkedAt, err := load(ctx, t, seqs, keys, look)
	if err != nil {
		return nil, err
	}
	es.added = make([]*pendingOp, 0, len(keys)) // a write adds an op per key, most often
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

// load reads the rows of keys and, with ids, which of them is parked (its position, -1 when
// none) in one helper call (H.load), reporting once. Per kind it reads the keys present in the
// keys' id range (getAllKeys: a batch of new ids reads no row), then a get of each present
// row; when the range holds many more rows than keys, or for a single key, a get per key. The
// ops' InFlight comes from the marks, all read with one getAll in parallel (the transaction
// must include the marks store; the helper keeps them for flush): a write must never coalesce
// into an op in flight. Parked ids are looked up in the parked opId index (for several ids
// only when that store is not empty).
func load(ctx context.Context, t *txn, seqs *seqClock, keys []entityKey, ids []string) (*entities, int, error) {
	es := &entities{byKey: make(map[entityKey]*entity, len(keys)), seqs: seqs}
	uniq := make([]entityKey, 0, len(keys))
	for _, k := range keys {
		if _, ok := es.byKey[k]; !ok {
			es.byKey[k] = &entity{}
			uniq = append(uniq, k)
		}
	}
	if len(uniq) == 0 && len(ids) == 0 {
		return es, -1, nil
	}
	a := loadArgs{Query: loadQuery(uniq, ids), WithParked: len(ids) > 0}
	v, err := t.issue(ctx, t.js.load, t.raw, a)
	if err != nil {
		return nil, -1, err
	}
	got, err := decodeLoaded(t.js, v, len(uniq))
	if err != nil {
		return nil, -1, err
	}
	for i, k := range uniq {
		e := es.byKey[k]
		e.rec = got.recs[i]
		e.stored = e.rec != nil || len(got.ops[i]) > 0
		for _, o := range got.ops[i] {
			seqs.seen(o.Seq)
			e.ops = append(e.ops, &pendingOp{op: o, stored: true, marked: o.InFlight})
		}
	}
	return es, got.parked, nil
}

// refuseUnaddedOpIDs refuses the ids (a local write's) that flush will not add (their op was
// coalesced into an earlier one, or cancelled) and that another op already has: only added
// ops meet the unique opIds index. One request batch, only when there are such ids.
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
	keys, err := rowsOfOps(ctx, t, check)
	if err != nil {
		return err
	}
	for i, k := range keys {
		if k != nil {
			return core.Errorf(core.CodeInvalid, op, "op id %s already in the outbox", check[i])
		}
	}
	return nil
}

// rowsOfOps returns the key of the row holding each pending op id (nil where none), through
// the unique opIds index.
func rowsOfOps(ctx context.Context, t *txn, opIDs []string) ([]*[2]string, error) {
	idx, err := t.index(stRecords, "opIds")
	if err != nil {
		return nil, err
	}
	var keys []*[2]string
	if err := t.issueJSON(ctx, &keys, t.js.gather, idx, gatherArgs{Method: "getKey", Keys: jsonText(opIDs)}); err != nil {
		return nil, err
	}
	return keys, nil
}

// opIDTaken turns the unique opIds index refusing a row (ConstraintError, the whole
// transaction aborted) into the invalid error of an op id already in the outbox.
func opIDTaken(op string, err error) error {
	var d *domError
	if errors.As(err, &d) && d.Name == "ConstraintError" {
		return core.Errorf(core.CodeInvalid, op, "op id already in the outbox: %w", d)
	}
	return err
}

func (es *entities) get(kind, id string) *entity { return es.byKey[entityKey{kind, id}] }

// delta is the change of the number of pending ops flush makes: the new ops kept less the
// stored ops removed.
func (es *entities) delta() int {
	n := 0
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

// changed reports whether flush must write the entity's row.
func (e *entity) changed() bool {
	if e.dirty {
		return true
	}
	for _, p := range e.ops {
		if p.stored && p.removed || !p.stored && !p.removed || p.stored && p.dirty && !p.removed {
			return true
		}
	}
	return false
}

// append adds a new op at the end of the entity's ops, with a Seq past every Seq the entity's
// ops have (and this Store's clock).
func (es *entities) append(e *entity, o core.Op) *pendingOp {
	var after int64
	for _, p := range e.ops {
		after = max(after, p.op.Seq)
	}
	if es.now == 0 {
		es.now = es.seqs.now()
	}
	o.Seq = es.seqs.next(after, es.now)
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

// row is one entity's row as flush writes it.
type row struct {
	rec *core.Record
	ops []core.Op // as the outbox stores them: InFlight is not written (the marks say it)
	// text is the number of the call's text that is rec's data (WithTexts), -1 for none.
	text int
}

// flush issues the writes of everything changed through H.flush (not awaited: the
// transaction's completion covers them): each changed entity's row put whole (record, ops,
// pseq and op ids), or deleted when it is left with neither record nor ops; the marks'
// changes (a removed op is unmarked, a stored op whose InFlight changed is marked or
// unmarked; new ops are never in flight). With count (the pending count unknown), the helper
// counts the pending ops after the writes. It notes the change of the pending count on t.
func (es *entities) flush(t *txn, count bool) error {
	rows := make([]row, 0, len(es.byKey))
	var dels []entityKey
	var unmarks, marks []string
	for k, e := range es.byKey {
		for _, p := range e.ops {
			switch {
			case p.stored && p.removed && p.marked:
				unmarks = append(unmarks, p.op.OpID)
			case p.stored && !p.removed && p.op.InFlight && !p.marked:
				marks = append(marks, p.op.OpID)
			case p.stored && !p.removed && !p.op.InFlight && p.marked:
				unmarks = append(unmarks, p.op.OpID)
			}
		}
		if !e.changed() {
			continue
		}
		var ops []core.Op
		for _, p := range e.ops {
			if !p.removed {
				ops = append(ops, p.op)
			}
		}
		if e.rec == nil && len(ops) == 0 {
			if e.stored {
				dels = append(dels, k)
			}
			continue
		}
		rows = append(rows, row{rec: e.rec, ops: ops, text: es.textOf(k, e.rec)})
	}
	t.delta += es.delta()
	f := flushArgs{Dels: keysText(dels), Unmarks: textOrEmpty(unmarks), Marks: textOrEmpty(marks), Count: count}
	t.countOnTx = t.countOnTx || count
	if len(rows) > 0 {
		f.Recs, f.Ops, f.Counts, f.Framed = frameRows(rows)
		f.Texts = es.textsJS
	}
	if f.Dels == "" && f.Unmarks == "" && f.Marks == "" && f.Counts == "" && !count {
		return nil
	}
	return t.fire(t.js.flush, t.raw, f)
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
