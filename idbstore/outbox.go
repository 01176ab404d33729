//go:build js && wasm

package idbstore

import (
	"context"
	"slices"
	"sort"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// changeEnqueue is Change's FlowEnqueue, in one transaction with the local writes'
// durability. The ops get their Seqs when placed, so Changed.Seqs stays nil.
func (b backend) changeEnqueue(ctx context.Context, ops []core.Op, fn func(storekit.Tx) error) (storekit.Changed, error) {
	s := b.s
	const op = "enqueue"
	if err := s.guard(op); err != nil {
		return storekit.Changed{}, err
	}
	keys := make([]entityKey, len(ops))
	ids := make([]string, len(ops))
	for i, o := range ops {
		keys[i], ids[i] = entityKey{o.Kind, o.EntityID}, o.OpID
	}
	err := s.updateDurable(ctx, op, []string{stRecords, stParked, stMarks}, func(t *txn) error {
		es, err := loadForWrite(ctx, t, &s.seqs, op, keys, ids, true)
		if err != nil {
			return err
		}
		if err := fn(&kitTx{es: es}); err != nil {
			return err
		}
		if err := refuseUnaddedOpIDs(ctx, t, op, es, ids); err != nil {
			return err
		}
		return es.flush(t, false)
	})
	if err != nil {
		return storekit.Changed{}, opIDTaken(op, err)
	}
	return storekit.Changed{}, nil
}

// Claim reads the pending ops from the rows that hold them, in pages in pseq order (the
// pending index, pendingOps), each in flight when the marks name it. The pending count is the
// number read when it reads them all, a count of the opIds index (one entry per op) for
// c.Limit 0 (PendingCount) or when the Store knows none, and else the Store's (pendingCount:
// a claim's count is not used, and a count walks the whole index). Without c.Pick it reads the first
// c.Limit ops. With it, in one transaction with the local writes' durability, it reads from
// c.From on (a batch read from the outbox lies in a short Seq range), then the rows before
// c.From only when it took fewer than c.Limit (a claim of heads, c.Heads, reads only from the
// Seq it gives on), and adds one marks entry for those it took not marked yet; the rows are not
// rewritten. A mark lost to a power cut after its request went
// out would let a later edit coalesce into an op the server may have applied, and its retry
// would replay the old answer.
func (b backend) Claim(ctx context.Context, c storekit.Claim) ([]core.Op, int, error) {
	s := b.s
	const op = "claim"
	if err := s.guard(op); err != nil {
		return nil, 0, err
	}
	out, pending := []core.Op{}, -1
	run := s.view
	if c.Pick != nil {
		run = s.updateDurable
	}
	known, ok := s.count.known()
	all := c.Limit < 0 && c.Pick == nil
	err := run(ctx, op, []string{stRecords, stMarks}, func(t *txn) error {
		var err error
		out, pending, err = claimIn(ctx, t, &s.seqs, c, c.Limit == 0 || !all && !ok)
		if err == nil && pending < 0 {
			pending = known
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, pending, nil
}

// claimIn is claim's reading and marking inside transaction t. With count it counts the
// pending ops when it does not read them all; pending is what it read or counted (-1:
// neither), which t records.
func claimIn(ctx context.Context, t *txn, seqs *seqClock, c storekit.Claim, count bool) (out []core.Op, pending int, err error) {
	state := js.Global().Get("Object").New()
	state.Set("count", count)
	if c.Limit == 0 {
		// The count alone: one page of no rows reads the marks and counts.
		v, err := t.issue(ctx, t.js.pendingPage, t.raw, pendingPageArgs{Lo: js.Null(), Hi: js.Null(), Count: 1, At: js.Global().Get("Object").New(), State: state})
		if err != nil {
			return nil, 0, err
		}
		t.counted = v.Index(4).Int()
		return []core.Op{}, t.counted, nil
	}
	want := c.Limit
	if c.Heads != nil {
		// Rows come in at their first op's Seq (pendingOps), so reading from the Seq c.Heads
		// gives reads the entities whose first op is there or after.
		if out, pending, err = pendingOps(ctx, t, seqs, pendingSpan{lo: jsSeq(c.Heads()), hi: js.Null()}, want, c.Pick, state); err != nil {
			return nil, 0, err
		}
	} else if c.Pick != nil && c.From > 1 {
		// A claim reads from its From hint on first, and the rows before it only when it
		// took too few there.
		if out, pending, err = pendingOps(ctx, t, seqs, pendingSpan{lo: jsSeq(c.From), hi: js.Null()}, want, c.Pick, state); err != nil {
			return nil, 0, err
		}
		if len(out) < want {
			var before []core.Op
			if before, _, err = pendingOps(ctx, t, seqs, pendingSpan{lo: js.Null(), hi: jsSeq(c.From), hiOpen: true}, want-len(out), c.Pick, state); err != nil {
				return nil, 0, err
			}
			out = append(before, out...)
		}
	} else if out, pending, err = pendingOps(ctx, t, seqs, pendingSpan{lo: js.Null(), hi: js.Null()}, want, c.Pick, state); err != nil {
		return nil, 0, err
	}
	if out == nil {
		out = []core.Op{} // an empty outbox is [] to the bridge
	}
	if c.Limit < 0 && c.Pick == nil {
		pending = len(out)
	}
	if pending >= 0 {
		t.counted = pending // read or counted in this transaction
	}
	if c.Pick != nil {
		var ids []string
		for i := range out {
			if !out[i].InFlight {
				out[i].InFlight = true
				ids = append(ids, out[i].OpID)
			}
		}
		if len(ids) > 0 {
			return out, pending, t.fire(t.js.mark, t.raw, markArgs{IDs: jsonText(ids)})
		}
	}
	return out, pending, nil
}

// pendingSpan is a range of pseqs (null: no bound; hi exclusive with hiOpen).
type pendingSpan struct {
	lo, hi js.Value
	hiOpen bool
}

// pendingOps reads the pending ops of the rows in sp in Seq order, up to want of them
// (want < 0: all) that pick takes (nil: all), in getAll pages of rows in pseq order
// (H.pendingPage). An op's row comes in at its first op's Seq, so after a page the ops up to
// its last pseq are in their place; the rest wait for the next page (an entity's later ops
// are rare: behind an op in flight). A claim of n heads is then one page of n rows. It also returns the count the page helper made, when
// state asked for one.
func pendingOps(ctx context.Context, t *txn, seqs *seqClock, sp pendingSpan, want int, pick func(core.Op) bool, state js.Value) ([]core.Op, int, error) {
	at := js.Global().Get("Object").New()
	var out, wait []core.Op
	if want > 0 {
		// A claim's batch: its ops were 1.1 KB each of a push's allocation while out grew.
		out = make([]core.Op, 0, want)
	}
	count := -1
	for want < 0 || len(out) < want {
		n := pageSize
		if want > 0 {
			n = min(n, max(want-len(out), 1))
		}
		v, err := t.issue(ctx, t.js.pendingPage, t.raw, pendingPageArgs{Lo: sp.lo, Hi: sp.hi, HiOpen: sp.hiOpen, Count: n, At: at, State: state})
		if err != nil {
			return nil, -1, err
		}
		if c := v.Index(4).Int(); c >= 0 {
			count = c
		}
		// Room for the page's ops (a row holds one, most often) at once: grown by appends, a
		// push's claimed ops were allocated about twice.
		wait = slices.Grow(wait, n)
		if wait, err = decodeOps(wait, t.js, v.Index(1), v.Index(3).Bool()); err != nil {
			return nil, -1, err
		}
		full := v.Index(0).Bool()
		sortBySeq(wait)
		upTo := len(wait)
		if full {
			last := int64(v.Index(2).Float())
			// Up to the last row's pseq included: a row not read yet lies at or past it, and
			// an op of Seq equal to last would tie (ties have no order to keep).
			upTo = sort.Search(len(wait), func(i int) bool { return wait[i].Seq > last })
		}
		if want < 0 {
			out = slices.Grow(out, upTo) // one growth per page
		}
		for _, o := range wait[:upTo] {
			seqs.seen(o.Seq)
			if (want < 0 || len(out) < want) && (pick == nil || pick(o)) {
				out = append(out, o)
			}
		}
		wait = append(wait[:0], wait[upTo:]...)
		if !full {
			break
		}
	}
	return out, count, nil
}

// jsSeq is a Seq as a key bound.
func jsSeq(seq int64) js.Value { return js.ValueOf(float64(seq)) }

// readAll reads up to limit values (limit <= 0: all) of store name in key order, as JSON.
func readAll[T any](ctx context.Context, t *txn, name string, limit int) ([]T, error) {
	var out []T
	err := readPages(ctx, t, name, limit, pageArgs{Span: span{Lo: js.Null(), Hi: js.Null()}}, func(v js.Value) error {
		var vals []T
		if err := decodeJSON(v.Index(1).String(), &vals); err != nil {
			return err
		}
		out = append(out, vals...)
		return nil
	})
	return out, err
}

// readPages reads up to limit values (limit <= 0: all) of store name in key order, from a's
// span on, in getAll pages of at most pageSize through H.page (answer [rawCount, text,
// lastKey, framed]); take decodes each answer.
func readPages(ctx context.Context, t *txn, name string, limit int, a pageArgs, take func(js.Value) error) error {
	st, err := t.store(name)
	if err != nil {
		return err
	}
	lo, loOpen, read := a.Span.Lo, false, 0
	for limit <= 0 || read < limit {
		n := pageSize
		if limit > 0 && limit-read < n {
			n = limit - read
		}
		a.Span.Lo, a.Span.LoOpen, a.Span.Count = lo, loOpen, n
		v, err := t.issue(ctx, t.js.page, st, a)
		if err != nil {
			return err
		}
		if err := take(v); err != nil {
			return err
		}
		if read += v.Index(0).Int(); v.Index(0).Int() < n {
			return nil
		}
		lo, loOpen = v.Index(2), true
	}
	return nil
}

// sortBySeq puts ops in Seq order. Ties (two tabs' clocks may meet) go by entity, as the
// pending index holds them; an entity's own ops never tie. sort.Slice, not SliceStable: one
// sort implementation in sync.wasm (wasm/deps_test.go TestWasmOneSort).
func sortBySeq(ops []core.Op) {
	sort.Slice(ops, func(i, j int) bool {
		a, b := &ops[i], &ops[j]
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.EntityID < b.EntityID
	})
}

// decodeOps appends the ops of a helper's opsText result (text: a JS string, or framed
// UTF-8 bytes) to out;
// missing ones are skipped.
func decodeOps(out []core.Op, h *helpers, text js.Value, framed bool) ([]core.Op, error) {
	if framed {
		return unframeOps(out, h.text.Text(text))
	}
	var vals []*opValue
	if err := decodeJSON(text.String(), &vals); err != nil {
		return out, err
	}
	for _, v := range vals {
		if v != nil {
			out = append(out, v.op())
		}
	}
	return out, nil
}

// changeAck is Change's FlowAck, in one transaction: the acks whose op is its entity's only
// pending op settled in JavaScript (ackPlain), then the others' rows loaded in one batch (each
// ack's op, its entity's other ops and record come together) and run through fn. With claim
// (AckClaim) it then claims in the same transaction, with the local writes' durability (a
// claim's: Claim's doc), and returns the ops claimed; the claim reads after the ack's writes,
// so it finds the marks and rows the ack left, and counts nothing (a claim's count is not used).
func (b backend) changeAck(ctx context.Context, acks []core.Ack, fn func(storekit.Tx) error, claim *storekit.Claim) ([]core.Op, error) {
	s := b.s
	const op = "ack"
	if err := s.guard(op); err != nil {
		return nil, err
	}
	run := s.update
	if claim != nil {
		run = s.updateDurable
	}
	var out []core.Op
	err := run(ctx, op, []string{stRecords, stMarks, stCursors, stMeta}, func(t *txn) error {
		err := ackIn(ctx, t, &s.seqs, acks, fn)
		if err == nil && claim != nil {
			out, _, err = claimIn(ctx, t, &s.seqs, *claim, false)
		}
		return err
	})
	return out, err
}

// AckClaim is changeAck with a claim of c.
func (b backend) AckClaim(ctx context.Context, acks []core.Ack, fn func(storekit.Tx) error, c storekit.Claim) ([]core.Op, error) {
	return b.changeAck(ctx, acks, fn, &c)
}

// ackIn is changeAck's work inside transaction t.
func ackIn(ctx context.Context, t *txn, seqs *seqClock, acks []core.Ack, fn func(storekit.Tx) error) error {
	// First: its read of the cursor rows must answer while the transaction is open, and
	// the flush commits it.
	if err := raiseWatermarks(t, acks); err != nil {
		return err
	}
	rest, err := ackPlain(ctx, t, acks)
	if err != nil || len(rest) == 0 {
		return err
	}
	es, err := loadForAck(ctx, t, seqs, rest)
	if err != nil {
		return err
	}
	if err := refuseMisplacedAcks(ctx, t, "ack", rest, es); err != nil {
		return err
	}
	if err := fn(&kitTx{es: es}); err != nil {
		return err
	}
	return es.flush(t, false)
}

// ackPlain settles, in one helper call (H.ackPlain), the acks whose op its row holds as the
// entity's only pending op: JavaScript reads the rows (one getAll of the pending index over the
// acks' Seqs, the marks beside), puts storekit.PlainAck's record for those and unmarks their
// ops, so that no row crosses into Go and no plan crosses back. It returns the acks left for
// the whole flow: those PlainAck refuses, an entity's acknowledged twice in the call, an
// unframable record, and those whose row holds other ops, or none, or another op (another tab
// wrote or acknowledged since the claim); fn then finds the settled ops not pending.
func ackPlain(ctx context.Context, t *txn, acks []core.Ack) ([]core.Ack, error) {
	twice := make(map[entityKey]bool, len(acks))
	for _, a := range acks {
		k := entityKey{a.Op.Kind, a.Op.EntityID}
		_, seen := twice[k]
		twice[k] = seen
	}
	var rest []core.Ack
	var plain []int // positions in acks
	recs := make([]core.Record, 0, len(acks))
	n := 0 // recs framed
	for i, a := range acks {
		r, ok := storekit.PlainAck(a)
		if !ok || twice[entityKey{a.Op.Kind, a.Op.EntityID}] || a.Op.Seq <= 0 || !framableRecord(r) {
			rest = append(rest, a)
			continue
		}
		plain = append(plain, i)
		recs = append(recs, r)
		n += frameSize(r)
	}
	if len(plain) == 0 {
		return acks, nil
	}
	// Framed as checked above: framedLen would scan every record's data for separators again.
	text := frameSized(recs, n)
	ids := make([]string, len(plain))
	seqs := make([]int64, len(plain))
	for j, i := range plain {
		ids[j], seqs[j] = acks[i].Op.OpID, acks[i].Op.Seq
	}
	v, err := t.issue(ctx, t.js.ackPlain, t.raw, ackPlainArgs{Recs: text, IDs: jsonText(ids), Seqs: jsonText(seqs)})
	if err != nil {
		return nil, err
	}
	left := v.Length()
	for j := range left {
		at := v.Index(j).Int()
		if at < 0 || at >= len(plain) {
			return nil, errDecode{errBadFrame}
		}
		rest = append(rest, acks[plain[at]])
	}
	t.delta -= len(plain) - left
	return rest, nil
}

// raiseWatermarks raises the watermarks of the acks' kinds (the server versions an Ack writes
// lie past the pull cursor) and lists the records written in the kinds' ahead lists
// (helpers.js), not awaited: each is a read of the cursor row and, in its answer, a put, so it
// must be issued before an await (the transaction is then still open).
func raiseWatermarks(t *txn, acks []core.Ack) error {
	wms, written := storekit.AckWatermarks(acks)
	if len(wms) == 0 {
		return nil
	}
	pairs := make([][]any, 0, len(wms))
	for k, wm := range wms {
		pairs = append(pairs, []any{k, float64(wm)}) // exact: a watermark is at most 2^53-1
	}
	return t.fire(t.js.raiseWatermarks, t.raw, raiseWatermarksArgs{Pairs: jsonText(pairs), Written: ackWritesText(written)})
}

// refuseMisplacedAcks refuses an ack whose op id is pending on another entity than the ack
// names. The rows of the acks' entities are loaded already; only the ids not among their ops
// (an op another tab acknowledged first, usually none) are looked up in the opIds index.
func refuseMisplacedAcks(ctx context.Context, t *txn, op string, acks []core.Ack, es *entities) error {
	var missing []core.Ack
	for _, a := range acks {
		if p, _ := es.get(a.Op.Kind, a.Op.EntityID).find(a.Op.OpID); p == nil {
			missing = append(missing, a)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ids := make([]string, len(missing))
	for i, a := range missing {
		ids[i] = a.Op.OpID
	}
	keys, err := rowsOfOps(ctx, t, ids)
	if err != nil {
		return err
	}
	for i, k := range keys {
		if k == nil {
			continue
		}
		// Not among its entity's loaded ops, so pending on another entity.
		if err := storekit.AckOnEntity(missing[i], core.Op{Kind: k[0], EntityID: k[1]}); err != nil {
			return err
		}
	}
	return nil
}

// changeResolve is Change's FlowResolve in one transaction: the op's row found by its id (an
// op not pending is no change; one on another entity is refused), then that row read.
func (b backend) changeResolve(ctx context.Context, op core.Op, fn func(storekit.Tx) error) error {
	s := b.s
	const name = "resolve"
	if err := s.guard(name); err != nil {
		return err
	}
	return s.update(ctx, name, []string{stRecords, stMarks}, func(t *txn) error {
		keys, err := rowsOfOps(ctx, t, []string{op.OpID})
		if err != nil || keys[0] == nil {
			return err
		}
		if err := storekit.ResolveOnEntity(op, core.Op{Kind: keys[0][0], EntityID: keys[0][1]}); err != nil {
			return err
		}
		es, err := loadEntities(ctx, t, &s.seqs, []entityKey{{op.Kind, op.EntityID}})
		if err != nil {
			return err
		}
		if err := fn(&kitTx{es: es, e: es.get(op.Kind, op.EntityID)}); err != nil {
			return err
		}
		return es.flush(t, false)
	})
}
