//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"sort"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// pageSize is how many values one getAll reads: big enough to make the per-request cost
// negligible, small enough to keep one crossing's string modest.
const pageSize = 1000

// Get returns the record, tombstones included.
func (s *Store) Get(ctx context.Context, kind, id string) (core.Record, bool, error) {
	if err := s.guard("get"); err != nil {
		return core.Record{}, false, err
	}
	if err := core.ValidateEntity("get", kind, id); err != nil {
		return core.Record{}, false, err
	}
	var rec *recordValue
	err := s.view(ctx, "get", []string{stRecords}, func(t *txn) error {
		st, err := t.store(stRecords)
		if err != nil {
			return err
		}
		var recs []*recordValue
		if err := t.issueJSON(ctx, &recs, t.js.gather, st, "get", jsonText([]entityKey{{kind, id}})); err != nil {
			return err
		}
		rec = recs[0]
		return nil
	})
	if err != nil || rec == nil {
		return core.Record{}, false, err
	}
	s.recent.add(entityKey{kind, id})
	return rec.record(), true, nil
}

// List returns kind's live records in id byte order, read with getAll in pages.
func (s *Store) List(ctx context.Context, kind string) ([]core.Record, error) {
	if err := s.guard("list"); err != nil {
		return nil, err
	}
	if err := core.ValidateKind("list", kind); err != nil {
		return nil, err
	}
	out := []core.Record{}
	err := s.view(ctx, "list", []string{stRecords}, func(t *txn) error {
		out = out[:0]
		st, err := t.store(stRecords)
		if err != nil {
			return err
		}
		lo, loOpen, hi := js.ValueOf([]any{kind, ""}), false, js.ValueOf([]any{kind, []any{}})
		for {
			v, err := t.issue(ctx, t.js.page, st, lo, loOpen, hi, pageSize, true)
			if err != nil {
				return err
			}
			if out, err = decodePage(out, kind, v); err != nil {
				return err
			}
			if v.Index(0).Int() < pageSize {
				return nil
			}
			lo, loOpen = v.Index(2), true
		}
	})
	if err != nil {
		return nil, err
	}
	// IndexedDB orders strings by UTF-16 code units; the contract is byte order. They differ only
	// around surrogate pairs, so this is usually a linear check.
	if !sort.SliceIsSorted(out, func(i, j int) bool { return out[i].ID < out[j].ID }) {
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	}
	return out, nil
}

// decodePage appends to out the records of a page helper's result, framed or JSON.
func decodePage(out []core.Record, kind string, v js.Value) ([]core.Record, error) {
	return decodeRecords(out, kind, v.Index(1).String(), v.Index(3).Bool())
}

// decodeRecords appends the records a helper sent as text: framed, or a JSON array of values.
func decodeRecords(out []core.Record, kind, text string, framed bool) ([]core.Record, error) {
	if framed {
		return unframeRecords(out, kind, text)
	}
	var vals []recordValue
	if err := decodeJSON(text, &vals); err != nil {
		return out, err
	}
	for _, rv := range vals {
		out = append(out, rv.record())
	}
	return out, nil
}

// WriteLocal applies writes through PlanWritePending in one transaction, which also reads the
// stored outbox size for the pending count it returns. A single write that looks like a
// create (its entity not written or found lately, see recentKeys) is written ahead of the
// reads (writeAhead): one round trip instead of two when it is a create indeed; when it is
// not, that transaction is aborted and the write made again from the reads. The transaction
// that commits calls ctx's WithCommitted hook.
func (s *Store) WriteLocal(ctx context.Context, writes []core.LocalWrite) (core.WriteResult, error) {
	const op = "write"
	if err := s.guard(op); err != nil {
		return core.WriteResult{}, err
	}
	if err := storekit.CheckWrites(writes); err != nil {
		return core.WriteResult{}, err
	}
	keys := make([]entityKey, len(writes))
	ids := make([]string, len(writes))
	for i, w := range writes {
		keys[i], ids[i] = entityKey{w.Kind, w.ID}, w.OpID
	}
	stores := []string{stRecords, stOutbox, stParked, stMarks, stLater}
	mode := s.writeMode
	mode.onCommit = committedOf(ctx)
	var res core.WriteResult
	err := errRefuted
	// beforeCommit needs a commit it can stop: the write ahead's helper commits by itself.
	ahead := s.beforeCommit == nil && !s.recent.anyOf(keys)
	// Known before the commit: with WithCommitted the app's next write may come before this
	// call returns, and it is likely an edit of the same entity.
	s.recent.add(keys...)
	if ahead {
		if a, ok := planAhead(writes); ok {
			// Its own scope: a transaction costs more the more stores it spans.
			err = s.run(ctx, op, mode, []string{stRecords, stOutbox, stParked, stMarks}, func(t *txn) error {
				n, err := writeAhead(ctx, t, a)
				res = core.WriteResult{Records: []core.Record{core.CloneRecord(a.stored)}, Pending: n}
				return err
			})
		}
	}
	if errors.Is(err, errRefuted) {
		err = s.run(ctx, op, mode, stores, func(t *txn) error {
			var err error
			res, err = writeLocal(ctx, t, op, writes, keys, ids)
			return err
		})
	}
	if err != nil {
		return core.WriteResult{}, opIDTaken(op, err)
	}
	return res, nil
}

// writeLocal is WriteLocal's transaction when it reads first: it plans every write from the
// entity's state as read and as changed by the writes before it.
func writeLocal(ctx context.Context, t *txn, op string, writes []core.LocalWrite, keys []entityKey, ids []string) (core.WriteResult, error) {
	es, err := loadForWrite(ctx, t, op, keys, ids)
	if err != nil {
		return core.WriteResult{}, err
	}
	out, err := storekit.Write(&kitTx{es: es}, writes)
	if err != nil {
		return core.WriteResult{}, err
	}
	if err := refuseUnaddedOpIDs(ctx, t, op, es, ids); err != nil {
		return core.WriteResult{}, err
	}
	res := core.WriteResult{Records: out, Pending: es.pendingAfter()}
	return res, es.flush(ctx, t, false)
}

// Cursor returns kind's pull cursor.
func (s *Store) Cursor(ctx context.Context, kind string) (core.Cursor, error) {
	if err := s.guard("cursor"); err != nil {
		return core.Cursor{}, err
	}
	if err := core.ValidateKind("cursor", kind); err != nil {
		return core.Cursor{}, err
	}
	var cur core.Cursor
	err := s.view(ctx, "cursor", []string{stCursors}, func(t *txn) error {
		st, err := t.store(stCursors)
		if err != nil {
			return err
		}
		var vals []*cursorValue
		if err := t.issueJSON(ctx, &vals, t.js.gather, st, "get", jsonText([]string{kind})); err != nil {
			return err
		}
		if vals[0] != nil {
			cur = core.Cursor{UpdatedAt: vals[0].UpdatedAt, ID: vals[0].ID}
		}
		return nil
	})
	return cur, err
}

// Cursors returns the cursors of kinds in one transaction.
func (s *Store) Cursors(ctx context.Context, kinds []string) ([]core.Cursor, error) {
	if err := s.guard("cursors"); err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if err := core.ValidateKind("cursors", k); err != nil {
			return nil, err
		}
	}
	out := make([]core.Cursor, len(kinds))
	if len(kinds) == 0 {
		return out, nil
	}
	err := s.view(ctx, "cursors", []string{stCursors}, func(t *txn) error {
		st, err := t.store(stCursors)
		if err != nil {
			return err
		}
		var vals []*cursorValue
		if err := t.issueJSON(ctx, &vals, t.js.gather, st, "get", jsonText(kinds)); err != nil {
			return err
		}
		for i, v := range vals {
			if v != nil {
				out[i] = core.Cursor{UpdatedAt: v.UpdatedAt, ID: v.ID}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ApplyPage writes a pulled page and kind's cursor in one transaction. The entities with
// pending ops are read once (the distinct keys of the outbox's entity index for kind); their
// items are held, the others are put without awaiting each put.
func (s *Store) ApplyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) ([]string, error) {
	const op = "apply page"
	if err := s.guard(op); err != nil {
		return nil, err
	}
	if err := storekit.CheckPage(kind, items); err != nil {
		return nil, err
	}
	var held []string
	err := s.update(ctx, op, []string{stRecords, stOutbox, stCursors}, func(t *txn) error {
		held = []string{}
		pending, err := pendingIDs(ctx, t, kind)
		if err != nil {
			return err
		}
		seen := make(map[string]bool)
		recs := make([]core.Record, 0, len(items))
		for _, it := range items {
			rec, isHeld := core.PlanPageItem(kind, it, pending[it.ID])
			if isHeld {
				if !seen[it.ID] {
					seen[it.ID] = true
					held = append(held, it.ID)
				}
				continue
			}
			recs = append(recs, *rec)
		}
		if err := putRecords(t, recs); err != nil {
			return err
		}
		return putValues(t, stCursors, []cursorValue{{Kind: kind, UpdatedAt: next.UpdatedAt, ID: next.ID}})
	})
	if err != nil {
		return nil, err
	}
	return held, nil
}

// pendingIDs returns the ids of kind's entities with ops in the outbox.
func pendingIDs(ctx context.Context, t *txn, kind string) (map[string]bool, error) {
	return indexIDs(ctx, t, stOutbox, kind)
}

// indexIDs returns the entity ids of kind in the entity index of store name.
func indexIDs(ctx context.Context, t *txn, name, kind string) (map[string]bool, error) {
	idx, err := t.index(name, "entity")
	if err != nil {
		return nil, err
	}
	var keys [][2]string
	if err := t.issueJSON(ctx, &keys, t.js.indexKeys, idx, js.ValueOf([]any{kind}), js.ValueOf([]any{kind, []any{}})); err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(keys))
	for _, k := range keys {
		ids[k[1]] = true
	}
	return ids, nil
}

// ResetCursors zeroes the cursors of kinds and, with clearData, drops their records that have
// no pending or parked ops; one transaction.
func (s *Store) ResetCursors(ctx context.Context, kinds []string, clearData bool) error {
	const op = "reset cursors"
	if err := s.guard(op); err != nil {
		return err
	}
	for _, k := range kinds {
		if err := core.ValidateKind(op, k); err != nil {
			return err
		}
	}
	stores := []string{stCursors}
	if clearData {
		stores = append(stores, stRecords, stOutbox, stParked)
	}
	return s.update(ctx, op, stores, func(t *txn) error {
		cursors, err := t.store(stCursors)
		if err != nil {
			return err
		}
		if err := t.fire(t.js.delAll, cursors, jsonText(kinds)); err != nil {
			return err
		}
		if !clearData {
			return nil
		}
		for _, kind := range kinds {
			if err := clearKind(ctx, t, kind); err != nil {
				return err
			}
		}
		return nil
	})
}

// clearKind deletes kind's records that have no pending or parked ops.
func clearKind(ctx context.Context, t *txn, kind string) error {
	pending, err := pendingIDs(ctx, t, kind)
	if err != nil {
		return err
	}
	parked, err := indexIDs(ctx, t, stParked, kind)
	if err != nil {
		return err
	}
	records, err := t.store(stRecords)
	if err != nil {
		return err
	}
	var drop []entityKey
	lo, loOpen, hi := js.ValueOf([]any{kind, ""}), false, js.ValueOf([]any{kind, []any{}})
	for {
		var keys [][2]string
		if err := t.issueJSON(ctx, &keys, t.js.keys, records, lo, loOpen, hi, pageSize); err != nil {
			return err
		}
		for _, k := range keys {
			if !pending[k[1]] && !parked[k[1]] {
				drop = append(drop, entityKey{k[0], k[1]})
			}
		}
		if len(keys) < pageSize {
			break
		}
		lo, loOpen = js.ValueOf([]any{keys[len(keys)-1][0], keys[len(keys)-1][1]}), true
	}
	if len(drop) == 0 {
		return nil
	}
	return t.fire(t.js.delAll, records, jsonText(drop))
}
