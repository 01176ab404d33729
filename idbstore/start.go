//go:build js && wasm

package idbstore

import (
	"context"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

var _ storekit.StartBackend = backend{}

// ReadStart reads a sync run's start (core.StartReader) in one readonly transaction and one
// call (H.startReads, run as readOnce runs H.ro): the first page of rows with pending ops, with
// the marks, the meta value at key and the cursors of kinds; on a no-op sync one transaction
// and one wake-up instead of three of each. An outbox of a page of rows or fewer is read
// whole, its ops put in Seq order, without their payloads (core.StartReads.Thin): the push sends
// what its claims return, so each payload crosses into Go once per push instead of twice. A
// longer outbox (more rows than a page: a count of the pending index says so first) is not
// read: its pending ops are counted by kind from the opIds index's keys instead
// (core.StartReads.Totals), and the push claims its heads as it goes (core.HeadClaimer).
func (b backend) ReadStart(ctx context.Context, kinds []string, key string) (core.StartReads, error) {
	s := b.s
	const op = "read start"
	if err := s.guard(op); err != nil {
		return core.StartReads{}, err
	}
	if kinds == nil {
		kinds = []string{} // a run that pulls nothing: H.startReads reads a JSON list
	}
	v, err := s.readConn(ctx, op, s.js.startReads, startReadsArgs{Key: key, Kinds: jsonText(kinds), Count: pageSize})
	if err != nil {
		return core.StartReads{}, err
	}
	var r core.StartReads
	if t := v.Index(7); t.IsNull() {
		if r.Outbox, err = decodeOps([]core.Op{}, s.js, v.Index(1), v.Index(3).Bool()); err != nil {
			return core.StartReads{}, classify(op, err)
		}
		sortBySeq(r.Outbox)
		r.Thin = true
	} else {
		r.Totals = make(map[string]int, t.Length()/2)
		for i := 0; i+1 < t.Length(); i += 2 {
			r.Totals[t.Index(i).String()] = t.Index(i + 1).Int()
		}
	}
	if m := v.Index(5); !m.IsNull() {
		r.Meta, r.HasMeta = m.String(), true
	}
	var rows []*cursorValue
	if err := decodeJSON(v.Index(6).String(), &rows); err != nil || len(rows) != len(kinds) {
		return core.StartReads{}, classify(op, core.Errorf(core.CodeStorage, op, "%d cursor rows for %d kinds (%v)", len(rows), len(kinds), err))
	}
	r.Cursors = make([]core.Cursor, len(kinds))
	for i, row := range rows {
		if row != nil {
			r.Cursors[i] = core.Cursor{UpdatedAt: row.UpdatedAt, ID: row.ID}
		}
	}
	return r, nil
}
