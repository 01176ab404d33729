//go:build js && wasm

package idbstore

import (
	"context"
	"encoding/json"
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

// plan connects (so the indexes are known) and plans q over kind's indexes.
func (s *Store) plan(ctx context.Context, op, kind string, q *core.Query) ([]ixInfo, core.Plan, error) {
	if err := s.guard(op); err != nil {
		return nil, core.Plan{}, err
	}
	if err := core.ValidateKind(op, kind); err != nil {
		return nil, core.Plan{}, err
	}
	if _, err := s.connect(ctx); err != nil {
		return nil, core.Plan{}, classify(op, err)
	}
	ix := s.indexesOf(kind)
	specs := make([]core.IndexSpec, len(ix))
	for i, x := range ix {
		specs[i] = x.fields
	}
	return ix, core.PlanQuery(specs, q), nil
}

// Query returns kind's live records that match q, ordered and windowed.
func (s *Store) Query(ctx context.Context, kind string, q core.Query) ([]core.Record, error) {
	const op = "query"
	ix, p, err := s.plan(ctx, op, kind, &q)
	switch {
	case err != nil:
		return nil, err
	case p.Empty:
		return []core.Record{}, nil
	case p.Index < 0:
		recs, err := s.scan(ctx, op, kind, q.Where)
		if err != nil {
			return nil, err
		}
		q.Sort(recs)
		return q.Window(recs), nil
	}
	need := -1
	if p.Ordered && q.Limit >= 0 {
		need = q.Offset + q.Limit
	}
	out := []core.Record{}
	err = s.view(ctx, op, []string{stRecords}, func(t *txn) error {
		out = out[:0]
		return walkIndex(ctx, t, kind, ix[p.Index].name, &p, need, s.walkBatch, func(recs []core.Record) bool {
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
	ix, p, err := s.plan(ctx, op, kind, &q)
	switch {
	case err != nil:
		return 0, err
	case p.Empty:
		return 0, nil
	case p.Index < 0:
		recs, err := s.scan(ctx, op, kind, q.Where)
		return len(recs), err
	}
	n := 0
	err = s.view(ctx, op, []string{stRecords}, func(t *txn) error {
		n = 0
		if p.Exact() {
			idx, err := t.index(stRecords, ix[p.Index].name)
			if err != nil {
				return err
			}
			lo, loOpen, hi, hiOpen := keyRange(&p.Range)
			v, err := t.issue(ctx, t.js.ixCount, idx, lo, loOpen, hi, hiOpen)
			if err != nil {
				return err
			}
			n = v.Int()
			return nil
		}
		return walkIndex(ctx, t, kind, ix[p.Index].name, &p, -1, s.walkBatch, func(recs []core.Record) bool {
			n += len(recs)
			return false
		})
	})
	return n, err
}

// scan reads kind's live records that match conds in one transaction: the helper walks the
// kind's records in JS and only the matches cross.
func (s *Store) scan(ctx context.Context, op, kind string, conds []core.Cond) ([]core.Record, error) {
	text, inJS := residualJSON(conds)
	out := []core.Record{}
	err := s.view(ctx, op, []string{stRecords}, func(t *txn) error {
		st, err := t.store(stRecords)
		if err != nil {
			return err
		}
		v, err := t.issue(ctx, t.js.scan, st, kind, text)
		if err != nil {
			return err
		}
		out, err = decodeIndexPage(out[:0], kind, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !inJS {
		out = slices.DeleteFunc(out, func(r core.Record) bool { return !core.MatchConds(conds, r.Data) })
	}
	return out, nil
}

// residualJSON is conds as the helpers check them, JSON [[path, op, operand]...] (null for
// none). inJS is false when an operand has no JSON form (±Inf, from a number too big for a
// double): then the helpers check nothing and Go checks all.
func residualJSON(conds []core.Cond) (text js.Value, inJS bool) {
	if len(conds) == 0 {
		return js.Null(), true
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
					return js.Null(), false
				}
			}
			b = append(b, ']')
		} else if b, ok = appendValue(b, c.Value); !ok {
			return js.Null(), false
		}
		b = append(b, ']')
	}
	return js.ValueOf(string(append(b, ']'))), true
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
func walkIndex(ctx context.Context, t *txn, kind, name string, p *core.Plan, need, batch int, take func([]core.Record) bool) error {
	if need == 0 {
		return nil
	}
	idx, err := t.index(stRecords, name)
	if err != nil {
		return err
	}
	lo, loOpen, hi, hiOpen := keyRange(&p.Range)
	n, head := batch, false
	if need > 0 && len(p.Residual) == 0 {
		n, head = need, !p.Desc
	}
	conds, inJS := residualJSON(p.Residual)
	var recs []core.Record
	for {
		v, err := t.issue(ctx, t.js.ixPage, idx, lo, loOpen, hi, hiOpen, p.Desc, n, head, conds)
		if err != nil {
			return err
		}
		if recs, err = decodeIndexPage(recs[:0], kind, v); err != nil {
			return err
		}
		if !inJS {
			recs = slices.DeleteFunc(recs, func(r core.Record) bool { return !core.MatchConds(p.Residual, r.Data) })
		}
		b := v.Index(2)
		if take(recs) || head || b.IsNull() {
			return nil
		}
		if p.Desc {
			hi, hiOpen = b, true
		} else {
			lo, loOpen = b, true
		}
	}
}

// decodeIndexPage appends the records of an ixPage result, framed or JSON.
func decodeIndexPage(out []core.Record, kind string, v js.Value) ([]core.Record, error) {
	text := v.Index(0).String()
	if v.Index(1).Bool() {
		return unframeRecords(out, kind, text)
	}
	var vals []recordValue
	if err := json.Unmarshal([]byte(text), &vals); err != nil {
		return out, errDecode{err}
	}
	for _, rv := range vals {
		out = append(out, rv.record())
	}
	return out, nil
}

// keyPart appends v's index encoding (helpers.js ixKey): the type's tag, then the value for
// numbers and strings.
func keyPart(k []any, v core.Value) []any {
	switch v.Tag {
	case core.TagNumber:
		return append(k, int(v.Tag), v.Num)
	case core.TagString:
		return append(k, int(v.Tag), v.Str)
	}
	return append(k, int(v.Tag))
}

// classTags are the first tag of a type class and the first tag after it.
func classTags(class core.ValueTag) (first, next int) {
	switch class {
	case core.TagFalse: // booleans: false and true
		return int(core.TagFalse), int(core.TagNumber)
	}
	return int(class), int(class) + 1
}

// keyRange is r as IndexedDB key bounds (nil: unbounded). An empty array sorts after every
// number and string, so prefix + [[]] lies after every key that starts with prefix.
func keyRange(r *core.IndexRange) (lo any, loOpen bool, hi any, hiOpen bool) {
	var prefix []any
	for _, v := range r.Eq {
		prefix = keyPart(prefix, v)
	}
	with := func(parts ...any) []any { return append(append([]any{}, prefix...), parts...) }
	after := []any{}
	if !r.Ranged {
		if len(prefix) == 0 {
			return nil, false, nil, false
		}
		return with(), false, with(after), false
	}
	first, next := classTags(r.Class)
	lo, hi, hiOpen = with(first), with(next), true
	if r.Lo != nil {
		k := keyPart(with(), r.Lo.Value)
		if r.Lo.Open {
			k = append(k, after)
		}
		lo = k
	}
	if r.Hi != nil {
		k := keyPart(with(), r.Hi.Value)
		if !r.Hi.Open {
			k = append(k, after)
		}
		hi, hiOpen = k, r.Hi.Open
	}
	return lo, false, hi, hiOpen
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
	err := s.view(ctx, op, []string{stRecords}, func(t *txn) error {
		st, err := t.store(stRecords)
		if err != nil {
			return err
		}
		var recs []*recordValue
		if err := t.issueJSON(ctx, &recs, t.js.gather, st, "get", jsonText(keys)); err != nil {
			return err
		}
		for i, rv := range recs {
			if rv != nil && !rv.Deleted {
				r := rv.record()
				out[i] = &r
			}
		}
		return nil
	})
	return out, err
}
