//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// changeEnqueue is Change's FlowEnqueue, in one transaction with the local writes'
// durability: it reports the Seqs of the ops fn placed, known after flush.
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
	var res storekit.Changed
	err := s.updateDurable(ctx, op, []string{stRecords, stOutbox, stParked, stMarks, stLater}, func(t *txn) error {
		es, err := loadForWrite(ctx, t, op, keys, ids, true)
		if err != nil {
			return err
		}
		k := &kitTx{es: es}
		if err := fn(k); err != nil {
			return err
		}
		if err := refuseUnaddedOpIDs(ctx, t, op, es, ids); err != nil {
			return err
		}
		if err := es.flush(ctx, t, true); err != nil {
			return err
		}
		res.Seqs = make([]int64, len(k.placed))
		for i, p := range k.placed {
			res.Seqs[i] = p.op.Seq
		}
		return nil
	})
	if err != nil {
		return storekit.Changed{}, opIDTaken(op, err)
	}
	return res, nil
}

// Claim reads the outbox in getAll pages (opsPage: each op in flight when it has a mark, and
// the outbox size marks entry 0 holds). Without c.Pick it reads the first c.Limit ops. With it,
// in one transaction with the local writes' durability, it reads from c.From on (a batch
// read from the outbox lies in a short Seq range: usually one page of c.Limit), then the ops
// before c.From only when it took fewer than c.Limit, and adds one marks entry for those it
// took not marked yet; the ops themselves are not rewritten. A mark lost to a power cut
// after its request went out would let a later edit coalesce into an op the server may have
// applied, and its retry would replay the old answer.
func (b backend) Claim(ctx context.Context, c storekit.Claim) ([]core.Op, int, error) {
	s := b.s
	const op = "claim"
	if err := s.guard(op); err != nil {
		return nil, 0, err
	}
	out, pending := []core.Op{}, -1
	run, limit := s.view, c.Limit
	if c.Pick != nil {
		run, limit = s.updateDurable, -1
	}
	err := run(ctx, op, []string{stOutbox, stMarks}, func(t *txn) error {
		out, pending = out[:0], -1
		state := js.Global().Get("Object").New()
		var before []core.Op
		take := func(v js.Value) (err error) {
			at := len(out)
			if out, err = decodeOps(out, v.Index(1).String(), v.Index(3).Bool()); err != nil {
				return err
			}
			if n := v.Index(4).Int(); n >= 0 {
				pending = n
			}
			if c.Pick == nil {
				return nil
			}
			took := out[:at]
			for _, o := range out[at:] {
				if c.Pick(o) {
					took = append(took, o)
				}
			}
			out = took
			if c.Limit >= 0 && len(out)+len(before) >= c.Limit {
				return errEnough
			}
			return nil
		}
		// A claim reads from its From hint on first, and the ops before it only when it took
		// too few there; a read takes the first Limit ops.
		sp, first, again := span{Lo: jsSeq(c.From), Hi: js.Null()}, c.Limit, c.Pick != nil && c.From > 1
		if c.Pick == nil || c.From <= 0 {
			first = 0
		}
		for c.Limit != 0 {
			err := readPages(ctx, t, stOutbox, limit, first, t.js.opsPage, opsPageArgs{Span: sp, State: state}, take)
			if errors.Is(err, errEnough) || err == nil && !again {
				break
			}
			if err != nil {
				return err
			}
			before, out, again = out, []core.Op{}, false
			sp, first = span{Lo: js.Null(), Hi: jsSeq(c.From - 1)}, 0
		}
		out = append(out, before...)
		if c.Pick != nil {
			var seqs []int64
			for i := range out {
				if !out[i].InFlight {
					out[i].InFlight = true
					seqs = append(seqs, out[i].Seq)
				}
			}
			if len(seqs) > 0 {
				if err := t.fire(t.js.mark, t.raw, markArgs{Seqs: jsonText(seqs)}); err != nil {
					return err
				}
			}
		}
		if pending < 0 && c.Limit < 0 && c.Pick == nil {
			pending = len(out)
		}
		if pending >= 0 {
			return nil
		}
		v, err := t.ask(ctx, t.js.pendingCount)
		if err == nil {
			pending = v.Int()
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, pending, nil
}

// errEnough ends a claim's paged read once it took what it asked for.
var errEnough = errors.New("enough")

// jsSeq is a Seq as a key bound, null (no bound) when 0.
func jsSeq(seq int64) js.Value {
	if seq <= 0 {
		return js.Null()
	}
	return js.ValueOf(float64(seq))
}

// readAll reads up to limit values (limit <= 0: all) of store name in key order, as JSON.
func readAll[T any](ctx context.Context, t *txn, name string, limit int) ([]T, error) {
	var out []T
	err := readPages(ctx, t, name, limit, 0, t.js.page, pageArgs{Span: span{Lo: js.Null(), Hi: js.Null()}}, func(v js.Value) error {
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
// span on, in getAll pages of at most pageSize (the first of at most first, when first > 0),
// through helper with a (page and pageArgs, or opsPage and opsPageArgs for framed ops: both
// answer [rawCount, text, lastKey, framed, ...]); take decodes each answer.
func readPages(ctx context.Context, t *txn, name string, limit, first int, helper js.Value, a pager, take func(js.Value) error) error {
	st, err := t.store(name)
	if err != nil {
		return err
	}
	lo, loOpen, read := a.lo(), false, 0
	for limit <= 0 || read < limit {
		n := pageSize
		if read == 0 && first > 0 {
			n = min(first, n)
		}
		if limit > 0 && limit-read < n {
			n = limit - read
		}
		v, err := t.issue(ctx, helper, st, a.at(lo, loOpen, n))
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

// opsByID reads the outbox ops with these ids (nil where unknown) through the opId index.
func opsByID(ctx context.Context, t *txn, opIDs []string) ([]*opValue, error) {
	idx, err := t.index(stOutbox, "opId")
	if err != nil {
		return nil, err
	}
	var vals []*opValue
	if err := t.issueJSON(ctx, &vals, t.js.gather, idx, gatherArgs{Method: "get", Keys: jsonText(opIDs)}); err != nil {
		return nil, err
	}
	return vals, nil
}

// decodeOps appends the ops of a helper's opsText result to out; missing ones are skipped.
func decodeOps(out []core.Op, text string, framed bool) ([]core.Op, error) {
	if framed {
		return unframeOps(out, text)
	}
	var vals []*opValue
	if err := decodeJSON(text, &vals); err != nil {
		return out, err
	}
	for _, v := range vals {
		if v != nil {
			out = append(out, v.op())
		}
	}
	return out, nil
}

// changeAck is Change's FlowAck: the acks' entities loaded in one batch (loadForAck), in
// one transaction.
func (b backend) changeAck(ctx context.Context, acks []core.Ack, fn func(storekit.Tx) error) error {
	s := b.s
	const op = "ack"
	if err := s.guard(op); err != nil {
		return err
	}
	return s.update(ctx, op, []string{stRecords, stOutbox, stMarks, stLater, stCursors}, func(t *txn) error {
		// First: its read of the cursor rows must answer while the transaction is open, and
		// the flush commits it.
		if err := raiseWatermarks(t, storekit.AckWatermarks(acks)); err != nil {
			return err
		}
		es, err := loadForAck(ctx, t, acks)
		if err != nil {
			return err
		}
		if err := refuseMisplacedAcks(ctx, t, op, acks, es); err != nil {
			return err
		}
		if err := fn(&kitTx{es: es}); err != nil {
			return err
		}
		return es.flush(ctx, t, false)
	})
}

// raiseWatermarks raises the watermarks of the kinds in wms (the server versions an Ack
// writes lie past the pull cursor), not awaited: each is a read of the cursor row and, in its
// answer, a put, so it must be issued before an await (the transaction is then still open).
func raiseWatermarks(t *txn, wms map[string]int64) error {
	if len(wms) == 0 {
		return nil
	}
	pairs := make([][]any, 0, len(wms))
	for k, wm := range wms {
		pairs = append(pairs, []any{k, float64(wm)}) // exact: a watermark is at most 2^53-1
	}
	return t.fire(t.js.raiseWatermarks, t.raw, raiseWatermarksArgs{Pairs: jsonText(pairs)})
}

// refuseMisplacedAcks refuses an ack whose op id is pending on another entity than the ack
// names. The ops of the acks' entities are loaded already; only the ids not among them (an op
// another tab acknowledged first, usually none) are looked up by id.
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
	stored, err := opsByID(ctx, t, ids)
	if err != nil {
		return err
	}
	for i, o := range stored {
		if o == nil {
			continue
		}
		// Not among its entity's loaded ops, so pending on another entity.
		if err := storekit.AckOnEntity(missing[i], core.Op{Kind: o.Kind, EntityID: o.EntityID}); err != nil {
			return err
		}
	}
	return nil
}

// changeResolve is Change's FlowResolve in one transaction: the op read by id (an op not
// pending is no change; one on another entity is refused), then its entity's record and ops.
func (b backend) changeResolve(ctx context.Context, op core.Op, fn func(storekit.Tx) error) error {
	s := b.s
	const name = "resolve"
	if err := s.guard(name); err != nil {
		return err
	}
	return s.update(ctx, name, []string{stRecords, stOutbox, stMarks}, func(t *txn) error {
		stored, err := opsByID(ctx, t, []string{op.OpID})
		if err != nil || stored[0] == nil {
			return err
		}
		if err := storekit.ResolveOnEntity(op, stored[0].op()); err != nil {
			return err
		}
		es, err := loadEntities(ctx, t, []entityKey{{op.Kind, op.EntityID}})
		if err != nil {
			return err
		}
		if err := fn(&kitTx{es: es, e: es.get(op.Kind, op.EntityID)}); err != nil {
			return err
		}
		return es.flush(ctx, t, false)
	})
}
