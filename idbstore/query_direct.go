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
// The answer is [connection, plan JSON]: {index, lo, loOpen, hi, hiOpen, desc, n, head, conds,
// order, offset, limit} as Query's single read takes them, then the order (JSON [[path,
// desc]...]) and window that Query applies in Go.
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
	b := append([]byte(`{"index":`), jsonText(p.name)...)
	b = append(b, `,"lo":`...)
	b = append(b, p.loKey...)
	b = append(b, `,"loOpen":`...)
	b = strconv.AppendBool(b, p.loOpen)
	b = append(b, `,"hi":`...)
	b = append(b, p.hiKey...)
	b = append(b, `,"hiOpen":`...)
	b = strconv.AppendBool(b, p.hiOpen)
	if count {
		if !p.Exact() {
			return js.Null()
		}
		return js.ValueOf([]any{conn, string(append(b, '}'))})
	}
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
	b = append(b, `,"desc":`...)
	b = strconv.AppendBool(b, p.Desc)
	b = append(b, `,"n":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"head":`...)
	b = strconv.AppendBool(b, head)
	b = append(b, `,"conds":`...)
	if conds == nil {
		conds = []byte("null")
	}
	b = append(b, conds...)
	b = append(b, `,"order":[`...)
	for i, k := range q.OrderBy {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = append(b, jsonText(k.Path)...)
		b = append(b, ',')
		b = strconv.AppendBool(b, k.Desc)
		b = append(b, ']')
	}
	b = append(b, `],"offset":`...)
	b = strconv.AppendInt(b, int64(q.Offset), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(q.Limit), 10)
	return js.ValueOf([]any{conn, string(append(b, '}'))})
}
