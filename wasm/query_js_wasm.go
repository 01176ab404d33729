package main

import (
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/idbstore"
)

// Local queries (JS-API.md "Queries and live queries"): the query's JSON crosses as one string
// and core parses it; results cross back as one JSON array.

// query(kind, queryJSON?) → JSON array of the matching records, ordered and windowed.
func (c *client) query(args []js.Value) (work, error) {
	kind, text, err := queryArgs(args, "query")
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		recs, err := c.eng.Query(c.ctx, kind, text)
		if err != nil {
			return nil, err
		}
		return recordsJSON(recs), nil
	}, nil
}

// count(kind, queryJSON?) → the number of records its where matches.
func (c *client) count(args []js.Value) (work, error) {
	kind, text, err := queryArgs(args, "count")
	if err != nil {
		return nil, err
	}
	return func() (any, error) { return c.eng.Count(c.ctx, kind, text) }, nil
}

// getMany(kind, idsJSON) → JSON array, per id the live record or null.
func (c *client) getMany(args []js.Value) (work, error) {
	kind, err := stringArg(args, 0, "getMany kind")
	if err != nil {
		return nil, err
	}
	var ids []string
	if ok, err := jsonArg(args, 1, "getMany ids", &ids); err != nil || !ok {
		return nil, orMissing(err, "getMany ids")
	}
	return func() (any, error) {
		recs, err := c.eng.GetMany(c.ctx, kind, ids)
		if err != nil {
			return nil, err
		}
		items := make([]core.RawJSON, len(recs))
		for i, r := range recs {
			items[i] = core.RawJSON("null")
			if r != nil {
				items[i] = r.Data
			}
		}
		return jsonList(items), nil
	}, nil
}

// queryArgs reads (kind, queryJSON?); an absent query is every record.
func queryArgs(args []js.Value, op string) (string, []byte, error) {
	kind, err := stringArg(args, 0, op+" kind")
	if err != nil {
		return "", nil, err
	}
	if v := arg(args, 1); v.Type() == js.TypeUndefined || v.Type() == js.TypeNull {
		return kind, nil, nil
	}
	text, err := stringArg(args, 1, op+" query")
	if err != nil {
		return "", nil, core.Errorf(core.CodeInvalid, op, "the query must be passed as JSON text")
	}
	return kind, []byte(text), nil
}

// planDirect is direct(op, kind, queryJSON), called synchronously: idbstore's plan for JS to
// run the query ("query") or count ("count") itself, or null when it goes through call
// (another store, a plan that needs more than one read, not connected, any mistake: call
// reports those).
func (c *client) planDirect(_ js.Value, args []js.Value) (out any) {
	defer func() {
		if recover() != nil {
			out = js.Null()
		}
	}()
	s, ok := c.store.(*idbstore.Store)
	if !ok || c.closed.Load() || len(args) != 3 {
		return js.Null()
	}
	for _, a := range args {
		if a.Type() != js.TypeString {
			return js.Null()
		}
	}
	op, kind := args[0].String(), args[1].String()
	q, err := c.eng.CheckQuery(op, kind, []byte(args[2].String()))
	if err != nil || (op != "query" && op != "count") {
		return js.Null()
	}
	return s.Direct(kind, q, op == "count")
}
