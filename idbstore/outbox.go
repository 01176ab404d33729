//go:build js && wasm

package idbstore

import (
	"context"
	"strconv"
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

// Outbox returns up to limit pending ops in Seq order (limit <= 0: all), read in getAll pages,
// each in flight when it has a mark.
func (b backend) Outbox(ctx context.Context, limit int) ([]core.Op, error) {
	s := b.s
	if err := s.guard("outbox"); err != nil {
		return nil, err
	}
	out := []core.Op{}
	err := s.view(ctx, "outbox", []string{stOutbox, stMarks}, func(t *txn) error {
		out = out[:0]
		state := js.Global().Get("Object").New()
		return readPages(ctx, t, stOutbox, limit, t.js.opsPage, opsPageArgs{Span: span{Hi: js.Null()}, State: state}, func(v js.Value) (err error) {
			out, err = decodeOps(out, v.Index(1).String(), v.Index(3).Bool())
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readAll reads up to limit values (limit <= 0: all) of store name in key order, as JSON.
func readAll[T any](ctx context.Context, t *txn, name string, limit int) ([]T, error) {
	var out []T
	err := readPages(ctx, t, name, limit, t.js.page, pageArgs{Span: span{Hi: js.Null()}}, func(v js.Value) error {
		var vals []T
		if err := decodeJSON(v.Index(1).String(), &vals); err != nil {
			return err
		}
		out = append(out, vals...)
		return nil
	})
	return out, err
}

// readPages reads up to limit values (limit <= 0: all) of store name in key order in getAll
// pages of at most pageSize, through helper with a (page and pageArgs, or opsPage and
// opsPageArgs for framed ops: both answer [rawCount, text, lastKey, framed]); take decodes
// each answer.
func readPages(ctx context.Context, t *txn, name string, limit int, helper js.Value, a pager, take func(js.Value) error) error {
	st, err := t.store(name)
	if err != nil {
		return err
	}
	lo, loOpen, read := js.Null(), false, 0
	for limit <= 0 || read < limit {
		n := pageSize
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

// PendingCount is the outbox's size (parked ops live elsewhere) as the marks store's entry 0
// holds it: one get, where counting walks the whole entity index, a cost that grows with the
// backlog (every status refresh makes this call). It counts when the entry is missing.
func (b backend) PendingCount(ctx context.Context) (int, error) {
	s := b.s
	if err := s.guard("pending count"); err != nil {
		return 0, err
	}
	n := 0
	err := s.view(ctx, "pending count", []string{stOutbox, stMarks}, func(t *txn) error {
		v, err := t.ask(ctx, t.js.pendingCount)
		if err == nil {
			n = v.Int()
		}
		return err
	})
	return n, err
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

// MarkInFlight durably marks the pending ops matched by OpID and returns them as stored, in
// the order of ops. One helper call reads them (a ranged getAll over the outbox when their
// Seqs lie close together, as a batch read from the outbox does) and adds one marks entry for
// the batch; the ops themselves are not rewritten. It commits with the local writes'
// durability: a mark lost to a power cut after its request went out would let a later edit
// coalesce into an op the server may have applied, and its retry would replay the old answer.
func (b backend) MarkInFlight(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	s := b.s
	if err := s.guard("mark in flight"); err != nil {
		return nil, err
	}
	out := []core.Op{}
	err := s.updateDurable(ctx, "mark in flight", []string{stOutbox, stMarks}, func(t *txn) error {
		v, err := t.issue(ctx, t.js.markInFlight, t.raw, markInFlightArgs{Query: markQuery(ops)})
		if err != nil {
			return err
		}
		out, err = decodeOps(out[:0], v.Index(0).String(), v.Index(1).Bool())
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// markQuery is the markInFlight helper's query, JSON [[seq, opId]...], written without
// reflection.
func markQuery(ops []core.Op) string {
	b := make([]byte, 0, len(ops)*48+2)
	b = append(b, '[')
	for i, o := range ops {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, o.Seq, 10)
		b = append(b, ',')
		b = appendJSONString(b, o.OpID)
		b = append(b, ']')
	}
	return string(append(b, ']'))
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
