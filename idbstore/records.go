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
func (b backend) Get(ctx context.Context, kind, id string) (core.Record, bool, error) {
	s := b.s
	if err := s.guard("get"); err != nil {
		return core.Record{}, false, err
	}
	var rec *recordValue
	err := s.view(ctx, "get", []string{stRecords}, func(t *txn) error {
		st, err := t.store(stRecords)
		if err != nil {
			return err
		}
		var recs []*recordValue
		if err := t.issueJSON(ctx, &recs, t.js.gather, st, gatherArgs{Method: "get", Keys: jsonText([]entityKey{{kind, id}})}); err != nil {
			return err
		}
		rec = recs[0]
		return nil
	})
	if err != nil || rec == nil || rec.Data == nil {
		// A row without data holds pending ops of an entity that has no record.
		return core.Record{}, false, err
	}
	s.recent.add(entityKey{kind, id})
	return rec.record(), true, nil
}

// List returns kind's live records in id byte order, read with getAll in pages.
func (b backend) List(ctx context.Context, kind string) ([]core.Record, error) {
	s := b.s
	if err := s.guard("list"); err != nil {
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
			v, err := t.issue(ctx, t.js.page, st, pageArgs{Span: span{Lo: lo, LoOpen: loOpen, Hi: hi, Count: pageSize}, Records: true})
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

// changeWrite is Change's FlowWrite: fn plans every write from its entity's row as read and
// as changed by the writes before it, in one transaction. A single write that looks like a
// create (its entity not written or found lately, see recentKeys) is planned on an empty
// entity and written ahead (writeAhead): one add of its row, committed at once, which fails
// when the entity has a row; then that transaction is aborted and fn runs again over what is
// stored. The transaction that commits calls ctx's WithCommitted hook. The pending count is
// this Store's (pendingCount): the transaction counts only when it is unknown.
func (b backend) changeWrite(ctx context.Context, writes []core.LocalWrite, fn func(storekit.Tx) error) (storekit.Changed, error) {
	s := b.s
	const op = "write"
	if err := s.guard(op); err != nil {
		return storekit.Changed{}, err
	}
	keys := make([]entityKey, len(writes))
	ids := make([]string, len(writes))
	for i, w := range writes {
		keys[i], ids[i] = entityKey{w.Kind, w.ID}, w.OpID
	}
	stores, aheadStores := []string{stRecords, stParked, stMarks}, []string{stRecords, stParked}
	if s.freshOpIDs {
		// Nothing to look up among the parked ops (Options.FreshOpIDs).
		stores, aheadStores = []string{stRecords, stMarks}, []string{stRecords}
	}
	mode := s.writeMode
	mode.onCommit = committedOf(ctx)
	err := errRefuted
	// beforeCommit needs a commit it can stop: the write ahead's helper commits by itself.
	ahead := s.beforeCommit == nil && !s.recent.anyOf(keys)
	// Known before the commit: with WithCommitted the app's next write may come before this
	// call returns, and it is likely an edit of the same entity.
	s.recent.add(keys...)
	textsJS, texts := writeTexts(ctx, writes)
	if ahead {
		if a, ok := planAhead(writes, &s.seqs, fn, textsJS, texts); ok {
			_, known := s.count.known()
			// Its own scope: a transaction costs more the more stores it spans.
			err = s.run(ctx, op, mode, aheadStores, func(t *txn) error {
				return writeAhead(ctx, t, a, !s.freshOpIDs, !known)
			})
		}
	}
	if errors.Is(err, errRefuted) {
		err = s.run(ctx, op, mode, stores, func(t *txn) error {
			return writeLocal(ctx, t, s, op, keys, ids, !s.freshOpIDs, fn, textsJS, texts)
		})
	}
	if err != nil {
		return storekit.Changed{}, opIDTaken(op, err)
	}
	n, known := s.count.known()
	if !known {
		// Forgotten meanwhile (pendingCount's bound): counted in a transaction of its own.
		if _, n, err = b.Claim(ctx, storekit.Claim{}); err != nil {
			return storekit.Changed{}, err
		}
	}
	return storekit.Changed{Pending: n}, nil
}

// writeLocal is changeWrite's transaction when it reads first; with check, the op ids are
// looked up among the parked ops and, those not added, among the pending ones (not with
// Options.FreshOpIDs). texts (and textsJS) are the writes' texts (writeTexts).
func writeLocal(ctx context.Context, t *txn, s *Store, op string, keys []entityKey, ids []string, check bool, fn func(storekit.Tx) error,
	textsJS js.Value, texts map[entityKey]textRef) error {
	_, known := s.count.known()
	es, err := loadForWrite(ctx, t, &s.seqs, op, keys, ids, check)
	if err != nil {
		return err
	}
	es.textsJS, es.texts = textsJS, texts
	if err := fn(&kitTx{es: es}); err != nil {
		return err
	}
	if check {
		if err := refuseUnaddedOpIDs(ctx, t, op, es, ids); err != nil {
			return err
		}
	}
	return es.flush(t, !known)
}

// Cursors returns the cursors of kinds in one transaction.
func (b backend) Cursors(ctx context.Context, kinds []string) ([]core.Cursor, error) {
	s := b.s
	if err := s.guard("cursors"); err != nil {
		return nil, err
	}
	out := make([]core.Cursor, len(kinds))
	err := s.view(ctx, "cursors", []string{stCursors}, func(t *txn) error {
		rows, err := cursorRows(ctx, t, kinds)
		for i, r := range rows {
			out[i] = core.Cursor{UpdatedAt: r.UpdatedAt, ID: r.ID}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ApplyPage writes the records plan returns and kind's cursor in one transaction. What it
// decides with is read in one helper call (H.pageRead): the cursor's watermark, the ids of
// kind's entities with pending ops (the pending index's keys) and, once the watermark is known,
// the stored versions of the items that may be older than them (core/storekit/watermark.go),
// from their rows, or from the kind's ahead list for the ids it names (helpers.js): none on a
// first pull, and after a push only the acked ids whose item is older than their ack. The records are put without
// awaiting each put; a row with pending ops is never among them (held), so putting a record
// row whole loses no op. The page is the kind's last (Store.pages) for StartPage's guesses.
func (b backend) ApplyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor, plan storekit.PagePlan) error {
	s := b.s
	if err := s.guard("apply page"); err != nil {
		return err
	}
	r := &pageRun{nonce: s.nonces.next()}
	err := b.applyPage(ctx, kind, items, next, plan, r)
	if err != nil {
		r = nil
	} else {
		r.ended.Store(true)
	}
	s.setPage(kind, r)
	return err
}

// applyPage is ApplyPage's transaction: it writes r's nonce in the cursor row, and notes in r
// the watermark and the pending ids it found.
func (b backend) applyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor, plan storekit.PagePlan, r *pageRun) error {
	ids := make([]string, len(items))
	micros := make([]int64, len(items))
	for i, it := range items {
		ids[i], micros[i] = it.ID, versionMicros(it.UpdatedAt)
	}
	return b.s.update(ctx, "apply page", []string{stRecords, stCursors, stMeta}, func(t *txn) error {
		var state pageState
		if err := t.issueJSON(ctx, &state, t.js.pageRead, t.raw, pageReadArgs{Kind: kind, IDs: jsonText(ids), Micros: jsonText(micros)}); err != nil {
			return err
		}
		pending := make(map[string]bool, len(state.IDs))
		for _, id := range state.IDs {
			pending[id] = true
		}
		stored := make(map[string]*core.Record, len(state.Vers))
		for _, v := range state.Vers {
			stored[v[0]] = &core.Record{UpdatedAt: v[1]}
		}
		recs := plan(func(id string) bool { return pending[id] }, func(id string) *core.Record { return stored[id] })
		if err := putRecords(t, recs); err != nil {
			return err
		}
		wm, ahead := storekit.PageWatermark(state.WM, next, recs)
		// Its ahead list ends with the watermark, or with a write past the cursor it does not
		// list (a refetched record).
		if (state.WM > 0 && wm == 0) || ahead {
			if err := forgetAhead(t, kind); err != nil {
				return err
			}
		}
		r.wm, r.pending = wm, pending
		return putValues(t, stCursors, []cursorValue{{Kind: kind, UpdatedAt: next.UpdatedAt, ID: next.ID, Watermark: wm, Page: r.nonce}})
	})
}

// forgetAhead deletes the ahead lists (helpers.js: each kind's head and chunks) of kinds.
func forgetAhead(t *txn, kinds ...string) error {
	st, err := t.store(stMeta)
	if err != nil {
		return err
	}
	return t.fire(t.js.forgetAhead, st, forgetAheadArgs{Kinds: jsonText(kinds)})
}

// versionMicros is what H.pageRead compares an item's version with a watermark by: its instant
// in µs, floored (an instant is before watermark wm exactly when this is below wm), kept within
// what a JavaScript number holds exactly; 2^53-1, never below a watermark, for a version that
// is not an RFC 3339 time (storekit.MayBeOlder is false for it).
func versionMicros(version string) int64 {
	const most = 1<<53 - 1
	t, ok := core.VersionInstant(version)
	if !ok {
		return most
	}
	return min(max(t.UnixMicro(), -most), most)
}

// pageState is H.pageRead's answer: kind's cursor watermark, the ids of its entities with
// pending ops, and [id, version] of the rows read for their versions.
type pageState struct {
	WM   int64
	IDs  []string
	Vers [][2]string
}

// cursorRows reads the cursor rows of kinds (a zero row where none is stored).
func cursorRows(ctx context.Context, t *txn, kinds []string) ([]cursorValue, error) {
	st, err := t.store(stCursors)
	if err != nil {
		return nil, err
	}
	var vals []*cursorValue
	if err := t.issueJSON(ctx, &vals, t.js.gather, st, gatherArgs{Method: "get", Keys: jsonText(kinds)}); err != nil {
		return nil, err
	}
	out := make([]cursorValue, len(kinds))
	for i, v := range vals {
		if v != nil {
			out[i] = *v
		}
		out[i].Kind = kinds[i]
	}
	return out, nil
}

// pendingIDs returns the ids of kind's entities with pending ops (the pending index's keys).
func pendingIDs(ctx context.Context, t *txn, kind string) (map[string]bool, error) {
	idx, err := t.index(stRecords, "pending")
	if err != nil {
		return nil, err
	}
	var keys [][2]string
	if err := t.issueJSON(ctx, &keys, t.js.keys, idx, keysArgs{Span: span{Lo: js.Null(), Hi: js.Null()}}); err != nil {
		return nil, err
	}
	ids := make(map[string]bool)
	for _, k := range keys {
		if k[0] == kind {
			ids[k[1]] = true
		}
	}
	return ids, nil
}

// indexIDs returns the entity ids of kind in the entity index of store name.
func indexIDs(ctx context.Context, t *txn, name, kind string) (map[string]bool, error) {
	idx, err := t.index(name, "entity")
	if err != nil {
		return nil, err
	}
	var keys [][2]string
	if err := t.issueJSON(ctx, &keys, t.js.indexKeys, idx, indexKeysArgs{Lo: js.ValueOf([]any{kind}), Hi: js.ValueOf([]any{kind, []any{}})}); err != nil {
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
func (b backend) ResetCursors(ctx context.Context, kinds []string, clearData bool) error {
	s := b.s
	const op = "reset cursors"
	if err := s.guard(op); err != nil {
		return err
	}
	stores := []string{stCursors, stMeta}
	if clearData {
		stores = append(stores, stRecords, stParked)
	}
	return s.update(ctx, op, stores, func(t *txn) error {
		// A zeroed cursor keeps a watermark covering the versions pulled so far: the pull
		// starting over may bring older ones (core/storekit/watermark.go).
		rows, err := cursorRows(ctx, t, kinds)
		if err != nil {
			return err
		}
		for i, r := range rows {
			rows[i] = cursorValue{Kind: r.Kind, Watermark: storekit.ResetWatermark(r.Watermark, core.Cursor{UpdatedAt: r.UpdatedAt, ID: r.ID})}
		}
		if err := putValues(t, stCursors, rows); err != nil {
			return err
		}
		// Every stored version may now lie past the cursor, unlisted.
		if err := forgetAhead(t, kinds...); err != nil {
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

// clearKind deletes kind's rows that have no pending ops (a row with them stays whole) and no
// parked ops.
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
		if err := t.issueJSON(ctx, &keys, t.js.keys, records, keysArgs{Span: span{Lo: lo, LoOpen: loOpen, Hi: hi, Count: pageSize}}); err != nil {
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
	return t.fire(t.js.delAll, records, delAllArgs{Keys: jsonText(drop)})
}
