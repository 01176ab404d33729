//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"sync"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// errRefuted is a write ahead that its checks refuted: its transaction is aborted and the
// write made again from what is stored.
var errRefuted = errors.New("write ahead refuted")

// aheadWrite is one local write planned as a create, framed for H.writeAhead: its record and
// its op with its Seq; texts are the call's record texts (WithTexts; undefined for none), which
// a record framed by its text's number names.
type aheadWrite struct {
	rec, op string
	texts   js.Value
}

// planAhead plans writes as a create for writeAhead: fn (a write flow) runs over the writes'
// entity as if it had no row; ok only for one upsert whose plan stores a record and appends an
// op, both of which frame. A record whose data is its write's text (writeTexts: textsJS,
// texts) is framed as that text's number, so that its data does not cross back from Go.
func planAhead(writes []core.LocalWrite, seqs *seqClock, fn func(storekit.Tx) error, textsJS js.Value, texts map[entityKey]textRef) (aheadWrite, bool) {
	if len(writes) != 1 || writes[0].Delete {
		return aheadWrite{}, false
	}
	k := entityKey{writes[0].Kind, writes[0].ID}
	e := &entity{}
	es := &entities{byKey: map[entityKey]*entity{k: e}, seqs: seqs, texts: texts}
	if fn(&kitTx{es: es}) != nil || e.rec == nil || len(es.added) != 1 || es.added[0].removed {
		return aheadWrite{}, false
	}
	rec, op, ok := frameRowsInto(nil, nil, []row{{rec: e.rec, ops: []core.Op{es.added[0].op}, text: es.textOf(k, e.rec)}})
	return aheadWrite{rec: rec, op: op, texts: textsJS}, ok
}

// writeAhead writes a as one row, added (schema v5): the add is itself the check that the
// entity has no row (no record, no pending op) and that the op id is not pending, so the
// helper commits at once and the transaction's end is the answer: a ConstraintError is a
// refutation (errRefuted). With parked, the op id is checked not parked first (the
// transaction includes stParked; a parked id is a refutation too). With count, the helper
// counts the pending ops after the add.
func writeAhead(ctx context.Context, t *txn, a aheadWrite, parked, count bool) error {
	t.delta, t.countOnTx = 1, count
	if _, err := invoke(t.js.writeAhead, t.raw, writeAheadArgs{Rec: a.rec, Op: a.op, Texts: a.texts, Parked: parked, Count: count}, t.cb); err != nil {
		return err
	}
	select {
	case r := <-t.res:
		// Reported: refuted (the id is parked), or the parked check failed, which the add's
		// failure may have caused.
		t.abortAndWait()
		if r.ok || isConstraint(t.final) {
			return errRefuted
		}
		return asDOMError(r.v)
	case err := <-t.end:
		t.done, t.final = true, err
	case <-ctx.Done():
		// The commit may be under way: the write stands when the transaction completes.
		if !t.abortAndWait() || t.final != nil {
			return ctx.Err()
		}
	}
	if isConstraint(t.final) {
		return errRefuted
	}
	if t.final != nil {
		return t.final
	}
	t.committed = true
	return nil
}

// isConstraint reports whether err is IndexedDB's ConstraintError (a key or unique index
// entry that exists).
func isConstraint(err error) bool {
	var d *domError
	return errors.As(err, &d) && d.Name == "ConstraintError"
}

// recentCap bounds recentKeys; when full it starts over (the cost of forgetting is one write
// ahead refuted).
const recentCap = 4096

// recentKeys is the set of entities this Store wrote (or was asked to) or found lately. A
// local write to one of them is likely an update, so it is not written ahead as a create: the
// checks would refute that and the write would be made a second time. An entity written by
// another tab, or before this Store opened, is not in it: its first write here is written
// ahead and refuted once.
type recentKeys struct {
	mu   sync.Mutex
	keys map[entityKey]struct{}
}

// anyOf reports whether one of keys is in the set.
func (r *recentKeys) anyOf(keys []entityKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		if _, ok := r.keys[k]; ok {
			return true
		}
	}
	return false
}

func (r *recentKeys) add(keys ...entityKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil || len(r.keys)+len(keys) > recentCap {
		r.keys = make(map[entityKey]struct{}, min(len(keys), recentCap))
	}
	for _, k := range keys {
		if len(r.keys) < recentCap {
			r.keys[k] = struct{}{}
		}
	}
}
