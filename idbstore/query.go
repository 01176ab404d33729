//go:build js && wasm

package idbstore

import (
	"context"
	"math"
	"slices"
	"strconv"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

var _ core.Querier = (*Store)(nil)

// Queries run in one readonly transaction. With an index (core.PlanQuery) the records come
// from walking its range in batches (helpers.js ixPage: one crossing per batch, records
// framed); a walk in the query's order with nothing left to check reads only offset+limit
// entries (plus the ties of the last key), ascending with a single getAll. Without one the
// kind is listed and filtered in Go.

// indexesOf returns kind's query indexes on the current connection.
func (s *Store) indexesOf(kind string) []ixInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ix[kind]
}

// maxRead bounds a count a read asks IndexedDB for (getAll takes an unsigned 32-bit count):
// a window beyond it is read as a whole range.
const maxRead = 1 << 30

// walkPlan is a plan over kind's indexes with its index's name and range as the helpers take
// them (lo and hi: the JSON text of key parts, keyRange, or null for unbounded).
type walkPlan struct {
	core.Plan
	name           string
	lo, hi         js.Value
	loOpen, hiOpen bool
	// loKey and hiKey are lo and hi as JSON ("null" unbounded), for a plan that JS runs
	// (query_direct.go).
	loKey, hiKey string
}

// plan connects (so the indexes are known) and plans q over kind's indexes.
func (s *Store) plan(ctx context.Context, op, kind string, q *core.Query) (*walkPlan, error) {
	if err := s.guard(op); err != nil {
		return nil, err
	}
	if err := core.ValidateKind(op, kind); err != nil {
		return nil, err
	}
	if _, err := s.connect(ctx); err != nil {
		return nil, classify(op, err)
	}
	return planOver(s.indexesOf(kind), q), nil
}

// planOver plans q over a kind's indexes ix.
func planOver(ix []ixInfo, q *core.Query) *walkPlan {
	specs := make([]core.IndexSpec, len(ix))
	for i, x := range ix {
		specs[i] = x.fields
	}
	w := &walkPlan{Plan: core.PlanQuery(specs, q)}
	if w.Index < 0 || w.Empty {
		return w
	}
	lo, loOpen, hi, hiOpen, ok := keyRange(&w.Range)
	if !ok {
		return &walkPlan{Plan: core.Plan{Index: -1, Residual: q.Where}}
	}
	w.name, w.loOpen, w.hiOpen = ix[w.Index].name, loOpen, hiOpen
	w.lo, w.hi = keyValue(lo), keyValue(hi)
	w.loKey, w.hiKey = keyJSON(lo), keyJSON(hi)
	return w
}

func keyJSON(k string) string {
	if k == "" {
		return "null"
	}
	return k
}

// bounds is p's range as the query helpers take it.
func (p *walkPlan) bounds() ixBounds {
	return ixBounds{Lo: p.lo, LoOpen: p.loOpen, Hi: p.hi, HiOpen: p.hiOpen}
}

func keyValue(k string) js.Value {
	if k == "" {
		return js.Null()
	}
	return js.ValueOf(k)
}

// Query returns kind's live records that match q, ordered and windowed.
func (s *Store) Query(ctx context.Context, kind string, q core.Query) ([]core.Record, error) {
	const op = "query"
	p, err := s.plan(ctx, op, kind, &q)
	switch {
	case err != nil:
		return nil, err
	case p.Empty:
		return []core.Record{}, nil
	case p.Index < 0:
		take := 0
		if q.Limit >= 0 {
			if take = q.Offset + q.Limit; take == 0 {
				return []core.Record{}, nil
			}
			if take > maxRead {
				take = 0
			}
		}
		recs, err := s.scan(ctx, op, kind, q.Where, q.OrderBy, take)
		if err != nil {
			return nil, err
		}
		q.Sort(recs)
		return q.Window(recs), nil
	}
	need := -1
	if p.Ordered && q.Limit >= 0 && q.Offset+q.Limit <= maxRead {
		need = q.Offset + q.Limit
	}
	out := []core.Record{}
	if need == 0 {
		return out, nil
	}
	if need < 0 || len(p.Residual) == 0 {
		// One helper call: the whole range (a getAll, its matches crossing) or, with nothing
		// left to check, the window as walkIndex's first batch would read it.
		conds, inJS := residualJSON(p.Residual)
		n, head := need, !p.Desc
		if need < 0 {
			n, head = 0, true
		}
		v, err := s.readOnce(ctx, op, p.name, s.js.ixPage, ixPageArgs{Bounds: p.bounds(), Desc: p.Desc, N: n, Head: head, Conds: conds})
		if err == nil {
			out, err = decodeIndexPage(out, kind, v)
		}
		if err != nil {
			return nil, classify(op, err)
		}
		out = matchesInGo(out, p.Residual, inJS)
		q.Sort(out)
		return q.Window(out), nil
	}
	err = s.view(ctx, op, []string{stRecords}, func(t *txn) error {
		out = out[:0]
		return walkIndex(ctx, t, kind, p, need, s.walkBatch, func(recs []core.Record) bool {
			out = append(out, recs...)
			return need >= 0 && len(out) >= need
		})
	})
	if err != nil {
		return nil, err
	}
	q.Sort(out)
	return q.Window(out), nil
}

// Count counts kind's live records that match q.Where: the index's own count when its range
// is exactly the matches.
func (s *Store) Count(ctx context.Context, kind string, q core.Query) (int, error) {
	const op = "count"
	p, err := s.plan(ctx, op, kind, &q)
	switch {
	case err != nil:
		return 0, err
	case p.Empty:
		return 0, nil
	case p.Index < 0:
		recs, err := s.scan(ctx, op, kind, q.Where, nil, 0)
		return len(recs), err
	}
	if p.Exact() {
		v, err := s.readOnce(ctx, op, p.name, s.js.ixCount, ixCountArgs{Bounds: p.bounds()})
		if err != nil {
			return 0, err
		}
		return v.Int(), nil
	}
	// The range's matches cross (one getAll): counting them in JS would need the same reads.
	conds, inJS := residualJSON(p.Residual)
	v, err := s.readOnce(ctx, op, p.name, s.js.ixPage, ixPageArgs{Bounds: p.bounds(), Head: true, Conds: conds})
	if err != nil {
		return 0, err
	}
	recs, err := decodeIndexPage(nil, kind, v)
	if err != nil {
		return 0, classify(op, err)
	}
	return len(matchesInGo(recs, p.Residual, inJS)), nil
}

// matchesInGo keeps the records that match conds unless the helper checked them (inJS).
func matchesInGo(recs []core.Record, conds []core.Cond, inJS bool) []core.Record {
	if inJS {
		return recs
	}
	return slices.DeleteFunc(recs, func(r core.Record) bool { return !core.MatchConds(conds, r.Data) })
}

// scan reads kind's live records that match conds in one transaction: the helper walks the
// kind's records in JS and only the matches cross; with take > 0 only the first take of them
// in order's order (all of them when a condition stays in Go).
func (s *Store) scan(ctx context.Context, op, kind string, conds []core.Cond, order []core.OrderKey, take int) ([]core.Record, error) {
	text, inJS := residualJSON(conds)
	if !inJS {
		take = 0
	}
	keys := make([][]any, len(order))
	for i, k := range order {
		keys[i] = []any{k.Path, k.Desc}
	}
	v, err := s.readOnce(ctx, op, "", s.js.scan, scanArgs{Kind: kind, Conds: text, Order: jsonText(keys), Take: take})
	if err != nil {
		return nil, err
	}
	out, err := decodeIndexPage([]core.Record{}, kind, v)
	if err != nil {
		return nil, classify(op, err)
	}
	return matchesInGo(out, conds, inJS), nil
}

// residualJSON is conds as the helpers check them, JSON [[path, op, operand]...] (null for
// none). inJS is false when an operand has no JSON form (±Inf, from a number too big for a
// double): then the helpers check nothing and Go checks all.
func residualJSON(conds []core.Cond) (text js.Value, inJS bool) {
	b, inJS := residualText(conds)
	if b == nil {
		return js.Null(), inJS
	}
	return js.ValueOf(string(b)), true
}

// residualText is residualJSON's text (nil for none, or when not inJS).
func residualText(conds []core.Cond) (text []byte, inJS bool) {
	if len(conds) == 0 {
		return nil, true
	}
	b := []byte{'['}
	for i, c := range conds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = append(b, jsonText(c.Path)...)
		b = append(b, ',', '"')
		b = append(b, c.Op...)
		b = append(b, '"', ',')
		var ok bool
		if c.Op == core.CondIn {
			b = append(b, '[')
			for j, v := range c.In {
				if j > 0 {
					b = append(b, ',')
				}
				if b, ok = appendValue(b, v); !ok {
					return nil, false
				}
			}
			b = append(b, ']')
		} else if b, ok = appendValue(b, c.Value); !ok {
			return nil, false
		}
		b = append(b, ']')
	}
	return append(b, ']'), true
}

// appendValue appends v's JSON; false for a number JSON cannot hold.
func appendValue(b []byte, v core.Value) ([]byte, bool) {
	switch v.Tag {
	case core.TagFalse:
		return append(b, "false"...), true
	case core.TagTrue:
		return append(b, "true"...), true
	case core.TagNumber:
		if math.IsInf(v.Num, 0) || math.IsNaN(v.Num) {
			return b, false
		}
		return strconv.AppendFloat(b, v.Num, 'g', -1, 64), true
	case core.TagString:
		return append(b, jsonText(v.Str)...), true
	}
	return append(b, "null"...), true
}

// walkIndex reads the range of p's index in p's direction, in batches that end at a change of
// key (about batch entries each), handing each batch's matches of p.Residual to take until it
// says stop or the range ends. need (offset+limit of an ordered walk, -1 for all) sizes the batches: when nothing is left to check, exactly need
// entries plus the ties of the last key, ascending with a plain getAll.
func walkIndex(ctx context.Context, t *txn, kind string, p *walkPlan, need, batch int, take func([]core.Record) bool) error {
	if need == 0 {
		return nil
	}
	idx, err := t.index(stRecords, p.name)
	if err != nil {
		return err
	}
	b := p.bounds()
	n, head := batch, false
	if need > 0 && len(p.Residual) == 0 {
		n, head = need, !p.Desc
	}
	conds, inJS := residualJSON(p.Residual)
	var recs []core.Record
	for {
		v, err := t.issue(ctx, t.js.ixPage, idx, ixPageArgs{Bounds: b, Desc: p.Desc, N: n, Head: head, Conds: conds})
		if err != nil {
			return err
		}
		if recs, err = decodeIndexPage(recs[:0], kind, v); err != nil {
			return err
		}
		recs = matchesInGo(recs, p.Residual, inJS)
		edge := v.Index(2)
		if take(recs) || head || edge.IsNull() {
			return nil
		}
		if p.Desc {
			b.Hi, b.HiOpen = edge, true
		} else {
			b.Lo, b.LoOpen = edge, true
		}
	}
}

// decodeIndexPage appends the records of an ixPage result, framed or JSON.
func decodeIndexPage(out []core.Record, kind string, v js.Value) ([]core.Record, error) {
	return decodeRecords(out, kind, v.Index(0).String(), v.Index(1).Bool())
}

// keyPart appends v's index key part as JSON array items (helpers.js ixBound encodes them as
// ixPart does): the type's tag, then the value for numbers and strings. ok is false for a
// number JSON cannot hold.
func keyPart(b []byte, v core.Value) ([]byte, bool) {
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = strconv.AppendInt(b, int64(v.Tag), 10)
	if v.Tag == core.TagNumber || v.Tag == core.TagString {
		return appendValue(append(b, ','), v)
	}
	return b, true
}

// classTags are the first tag of a type class and the first tag after it.
func classTags(class core.ValueTag) (first, next core.ValueTag) {
	if class == core.TagFalse { // booleans: false and true
		return core.TagFalse, core.TagNumber
	}
	return class, class + 1
}

// keyRange is r as index key bounds, each the JSON text of the key's parts ("" unbounded; the
// helper parses them and encodes the key: ixBound). A last [] stands for "after": prefix +
// [[]] lies after every key that starts with prefix. A number JSON cannot hold (±Inf) cannot
// be a bound: then the range is the whole index and the conditions are checked after. (Go
// does not encode the keys itself: a number's part may hold lone surrogates, which a Go
// string cannot carry to JavaScript.)
func keyRange(r *core.IndexRange) (lo string, loOpen bool, hi string, hiOpen bool, exact bool) {
	prefix := []byte{'['}
	var ok bool
	for _, v := range r.Eq {
		if prefix, ok = keyPart(prefix, v); !ok {
			return "", false, "", false, false
		}
	}
	key := func(parts ...core.Value) (string, bool) {
		b := append([]byte{}, prefix...)
		for _, v := range parts {
			if b, ok = keyPart(b, v); !ok {
				return "", false
			}
		}
		return string(append(b, ']')), true
	}
	after := func(k string) string { return k[:len(k)-1] + ",[]]" } // k + [[]]
	if !r.Ranged {
		if len(r.Eq) == 0 {
			return "", false, "", false, true
		}
		k, _ := key()
		return k, false, after(k), false, true
	}
	first, next := classTags(r.Class)
	hi, hiOpen = tagKey(prefix, next), true
	lo = tagKey(prefix, first)
	if r.Lo != nil {
		k, ok := key(r.Lo.Value)
		if !ok {
			return "", false, "", false, false
		}
		if r.Lo.Open {
			k = after(k)
		}
		lo = k
	}
	if r.Hi != nil {
		k, ok := key(r.Hi.Value)
		if !ok {
			return "", false, "", false, false
		}
		if !r.Hi.Open {
			k = after(k)
		}
		hi, hiOpen = k, r.Hi.Open
	}
	return lo, false, hi, hiOpen, true
}

// tagKey is prefix (JSON array items so far, after '[') + [tag].
func tagKey(prefix []byte, tag core.ValueTag) string {
	b := append([]byte{}, prefix...)
	if len(b) > 1 {
		b = append(b, ',')
	}
	return string(append(strconv.AppendInt(b, int64(tag), 10), ']'))
}

// GetMany reads the records of ids in one transaction; nil where absent or deleted.
func (s *Store) GetMany(ctx context.Context, kind string, ids []string) ([]*core.Record, error) {
	const op = "getMany"
	if err := s.guard(op); err != nil {
		return nil, err
	}
	if err := core.ValidateKind(op, kind); err != nil {
		return nil, err
	}
	keys := make([]entityKey, len(ids))
	for i, id := range ids {
		keys[i] = entityKey{kind, id}
	}
	out := make([]*core.Record, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	v, err := s.readOnce(ctx, op, "", s.js.gather, gatherArgs{Method: "get", Keys: jsonText(keys)})
	if err != nil {
		return nil, err
	}
	var recs []*recordValue
	if err := decodeJSON(v.String(), &recs); err != nil {
		return nil, classify(op, err)
	}
	for i, rv := range recs {
		if rv != nil && !rv.Deleted && rv.Data != nil {
			r := rv.record()
			out[i] = &r
		}
	}
	return out, nil
}

// readOnce runs a reading helper with a, its argument struct, over a new readonly
// transaction's records store, or its index name (H.ro), in one call and returns the result
// without waiting for the transaction's end (a readonly transaction changes nothing; its end
// would cost one more event and wake-up). A lost connection is reopened and the read tried
// once more, as run does.
func (s *Store) readOnce(ctx context.Context, op, index string, helper js.Value, a argStruct) (js.Value, error) {
	return s.readConn(ctx, op, s.js.ro, roArgs{Index: index, Helper: helper, Args: jsArgs(a)})
}

// readConn runs helper, a reader that opens its own readonly transaction on the connection
// and reports once, as readOnce does.
func (s *Store) readConn(ctx context.Context, op string, helper js.Value, a argStruct) (js.Value, error) {
	try := func() (js.Value, error) {
		if err := ctx.Err(); err != nil {
			return js.Undefined(), err
		}
		conn, err := s.connect(ctx)
		if err != nil {
			return js.Undefined(), err
		}
		res := make(chan result, 1)
		// Runs inside a JS event: it only hands the result over.
		cb := js.FuncOf(func(_ js.Value, a []js.Value) any {
			select {
			case res <- result{ok: a[1].Bool(), v: a[2]}:
			default:
			}
			return nil
		})
		if _, err := invoke(helper, conn, a, cb); err != nil {
			cb.Release()
			if reconnectable(err) || conn.Get("closed").Bool() {
				s.drop(conn)
			}
			return js.Undefined(), err
		}
		select {
		case r := <-res:
			cb.Release()
			if !r.ok {
				return js.Undefined(), asDOMError(r.v)
			}
			return r.v, nil
		case <-ctx.Done():
			// The request still reports (an aborted transaction fails its requests): let go
			// of the callback then.
			go func() { <-res; cb.Release() }()
			return js.Undefined(), ctx.Err()
		}
	}
	v, err := try()
	if err != nil && reconnectable(err) && ctx.Err() == nil {
		v, err = try()
	}
	return v, classify(op, err)
}
