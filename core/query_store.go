package core

import (
	"context"
)

// Querier is optionally implemented by a Store that answers queries itself (with its indexes,
// memstore in memory). A Store without it is queried by listing the kind.
//
// As every Store method, each call is one atomic read; q is a parsed, valid Query and kind and
// ids are valid (the Engine checked them).
type Querier interface {
	// Query returns the live records of kind that match q, ordered and windowed as q says.
	Query(ctx context.Context, kind string, q Query) ([]Record, error)
	// Count counts the live records of kind that match q.Where (order and window ignored).
	Count(ctx context.Context, kind string, q Query) (int, error)
	// GetMany returns, per id in order, the live record or nil (absent or deleted).
	GetMany(ctx context.Context, kind string, ids []string) ([]*Record, error)
}

// maxGetMany bounds one GetMany call's ids.
const maxGetMany = 100_000

// Query runs a local query (JS-API.md "Queries and live queries"); query is the app's JSON
// {where?, orderBy?, limit?, offset?}.
func (e *Engine) Query(ctx context.Context, kind string, query []byte) ([]Record, error) {
	q, err := e.parseQuery("query", kind, query)
	if err != nil {
		return nil, err
	}
	var recs []Record
	if qs, ok := e.cfg.Store.(Querier); ok {
		recs, err = qs.Query(ctx, kind, q)
	} else if recs, err = e.cfg.Store.List(ctx, kind); err == nil {
		recs = q.Run(recs)
	}
	return recs, Wrap(CodeStorage, "query "+kind, err)
}

// Count counts the live records of kind that match the query's where.
func (e *Engine) Count(ctx context.Context, kind string, query []byte) (int, error) {
	q, err := e.parseQuery("count", kind, query)
	if err != nil {
		return 0, err
	}
	q.OrderBy, q.Offset, q.Limit = nil, 0, -1
	if qs, ok := e.cfg.Store.(Querier); ok {
		n, err := qs.Count(ctx, kind, q)
		return n, Wrap(CodeStorage, "count "+kind, err)
	}
	recs, err := e.cfg.Store.List(ctx, kind)
	if err != nil {
		return 0, Wrap(CodeStorage, "count "+kind, err)
	}
	n := 0
	for _, r := range recs {
		if q.Matches(r) {
			n++
		}
	}
	return n, nil
}

// GetMany returns, per id in order, the live record or nil (absent or deleted): what a live
// query reads of the records a change names.
func (e *Engine) GetMany(ctx context.Context, kind string, ids []string) ([]*Record, error) {
	const op = "getMany"
	if err := e.usable(op, kind); err != nil {
		return nil, err
	}
	if len(ids) > maxGetMany {
		return nil, Errorf(CodeInvalid, op, "at most %d ids", maxGetMany)
	}
	for _, id := range ids {
		if !ValidID(id) {
			return nil, Errorf(CodeInvalid, op, "record id must be 1–256 bytes")
		}
	}
	if qs, ok := e.cfg.Store.(Querier); ok {
		out, err := qs.GetMany(ctx, kind, ids)
		return out, Wrap(CodeStorage, op+" "+kind, err)
	}
	out := make([]*Record, len(ids))
	for i, id := range ids {
		r, ok, err := e.cfg.Store.Get(ctx, kind, id)
		if err != nil {
			return nil, Wrap(CodeStorage, op+" "+kind, err)
		}
		if ok && !r.Deleted {
			out[i] = &r
		}
	}
	return out, nil
}

// CheckQuery is the query Query or Count would run for op on kind, for a store that runs it
// outside the engine (idbstore's direct queries, from the wasm bridge).
func (e *Engine) CheckQuery(op, kind string, query []byte) (Query, error) {
	q, err := e.parseQuery(op, kind, query)
	if op == "count" {
		q.OrderBy, q.Offset, q.Limit = nil, 0, -1
	}
	return q, err
}

func (e *Engine) parseQuery(op, kind string, query []byte) (Query, error) {
	if err := e.usable(op, kind); err != nil {
		return Query{}, err
	}
	return ParseQuery(query)
}

// changeRecords are a local write's stored records for its change event, parallel to its ids
// (null for a delete), so a live query need not read them back.
func changeRecords(recs []Record) []RawJSON {
	out := make([]RawJSON, len(recs))
	for i, r := range recs {
		if r.Deleted || len(r.Data) == 0 {
			out[i] = RawJSON("null")
			continue
		}
		out[i] = r.Data
	}
	return out
}
