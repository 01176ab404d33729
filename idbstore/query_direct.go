//go:build js && wasm

package idbstore

import (
	"strconv"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// Direct plans a query that JavaScript then runs by itself (helpers.js ixQuery / ixCount),
// without waiting in Go: the bridge answers it synchronously, so that an indexed query costs
// one index read and no goroutine, wake-up or second encoding of its records (DESIGN.md
// "Queries read in JS"). It answers null whenever Query or Count would do more than one
// helper read of a single index, or the store is not connected yet: the caller then goes
// through Query or Count, which also classify every error. With count, only an exact range
// (the index's own count) is direct.
//
// The answer is [connection, plan]: the plan is the helper's argument object (ixQueryArgs, or
// ixCountArgs with count) plus index, its index's name, as query.js planIndexRead makes it.
func (s *Store) Direct(kind string, q core.Query, count bool) js.Value {
	s.mu.Lock()
	conn, ix, closed := s.conn, s.ix[kind], s.closed
	s.mu.Unlock()
	if closed || !conn.Truthy() || conn.Get("closed").Bool() || core.ValidateKind("query", kind) != nil {
		return js.Null()
	}
	p := planOver(ix, &q)
	if p.Index < 0 || p.Empty {
		return js.Null()
	}
	// The bounds as arrays, as query.js makes them.
	bounds := ixBounds{Lo: parseJSON([]byte(p.loKey)), LoOpen: p.loOpen, Hi: parseJSON([]byte(p.hiKey)), HiOpen: p.hiOpen}
	var plan js.Value
	if count {
		if !p.Exact() {
			return js.Null()
		}
		plan = jsArgs(ixCountArgs{Bounds: bounds})
	} else {
		// As Query: one read of the window (nothing left to check) or of the whole range.
		need := -1
		if p.Ordered && q.Limit >= 0 && q.Offset+q.Limit <= maxRead {
			need = q.Offset + q.Limit
		}
		if need == 0 || (need >= 0 && len(p.Residual) > 0) {
			return js.Null()
		}
		conds, inJS := residualText(p.Residual)
		if !inJS {
			return js.Null()
		}
		n, head := need, !p.Desc
		if need < 0 {
			n, head = 0, true
		}
		order := []byte{'['}
		for i, k := range q.OrderBy {
			if i > 0 {
				order = append(order, ',')
			}
			order = append(order, '[')
			order = append(order, jsonText(k.Path)...)
			order = append(order, ',')
			order = strconv.AppendBool(order, k.Desc)
			order = append(order, ']')
		}
		a := ixQueryArgs{Bounds: bounds, Desc: p.Desc, N: n, Head: head, Conds: js.Null(),
			Order: parseJSON(append(order, ']')), Offset: q.Offset, Limit: q.Limit}
		if conds != nil {
			a.Conds = parseJSON(conds)
		}
		plan = jsArgs(a)
	}
	plan.Set("index", p.name)
	return js.ValueOf([]any{conn, plan})
}

// parseJSON is JSON text as a JavaScript value (JSON.parse).
func parseJSON(b []byte) js.Value {
	return js.Global().Get("JSON").Call("parse", string(b))
}
