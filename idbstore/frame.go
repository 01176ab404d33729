//go:build js && wasm

package idbstore

import (
	"bytes"
	"strconv"
	"strings"
	"unsafe"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonv"
)

// Records cross JS↔Go in bulk as framed text rather than JSON: fields separated by US, records
// by RS, data last and raw. Go's encoding/json in wasm is slow (it was most of the cost of a
// page: ~16 µs per 250-byte record to marshal, ~40 µs to unmarshal), while framing is a copy
// in Go and a split in JS. Valid JSON never holds raw control characters, and every record's
// data was validated as a JSON object before it was stored; an id or version token holding a
// separator makes that batch fall back to JSON.
const (
	recSep   = "\x1e"
	fieldSep = "\x1f"
)

// The fields of a framed record by position, as helpers.js names them in its table REC.
const (
	recKind = iota
	recID
	recUpdatedAt
	recDeleted
	recData
)

func framable(s string) bool { return !strings.ContainsAny(s, recSep+fieldSep) }

// frameSized frames recs, each one framable, into their framed length n (the sum of their
// frameSize): for a caller that checked them as it chose them.
func frameSized(recs []core.Record, n int) string {
	b := make([]byte, 0, n)
	for i, r := range recs {
		if i > 0 {
			b = append(b, recSep...)
		}
		b = appendFramed(b, r)
	}
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is not used again
}

// framedLen bounds the length of recs framed; ok is false when one cannot be framed.
func framedLen(recs []core.Record) (n int, ok bool) {
	for _, r := range recs {
		if !framableRecord(r) {
			return 0, false
		}
		n += frameSize(r)
	}
	return n, true
}

// framableRecord reports whether r can be framed.
func framableRecord(r core.Record) bool {
	return r.Data != nil && framable(r.Kind) && framable(r.ID) && framable(r.UpdatedAt) && framableDoc(r.Data)
}

// appendFramed appends r's frame (without the separator before it) to b.
func appendFramed(b []byte, r core.Record) []byte {
	b = append(b, r.Kind...)
	b = append(b, fieldSep...)
	b = append(b, r.ID...)
	b = append(b, fieldSep...)
	b = append(b, r.UpdatedAt...)
	b = append(b, fieldSep...)
	if r.Deleted {
		b = append(b, '1')
	}
	b = append(b, fieldSep...)
	return append(b, r.Data...)
}

// unframeRecords appends to out the records the page helper framed. All of a page's data
// lives in one buffer (one allocation instead of one per record: in wasm the allocations and
// the garbage collector's work per object were most of a List); each Data is capped at its own
// end, so appending to one never writes into the next (a record kept alone keeps its page's
// buffer alive: bounded by the page size). Ids and versions are copied out of the text.
func unframeRecords(out []core.Record, kind, text string) ([]core.Record, error) {
	if text == "" {
		return out, nil
	}
	buf := []byte(text)
	off := 0
	for off < len(buf) {
		end := bytes.IndexByte(buf[off:], recSep[0])
		if end < 0 {
			end = len(buf)
		} else {
			end += off
		}
		var f [recData]int // ends of the fields before data
		at := off
		for i := range f {
			n := bytes.IndexByte(buf[at:end], fieldSep[0])
			if n < 0 {
				return out, errDecode{errBadFrame}
			}
			f[i] = at + n
			at = f[i] + 1
		}
		out = append(out, core.Record{
			Kind:      kind,
			ID:        string(buf[f[recKind]+1 : f[recID]]),
			UpdatedAt: string(buf[f[recID]+1 : f[recUpdatedAt]]),
			Deleted:   f[recDeleted]-f[recUpdatedAt] == 2,
			Data:      core.RawJSON(buf[f[recDeleted]+1 : end : end]),
		})
		off = end + 1
	}
	return out, nil
}

// frameChunk bounds the text of one putFramed call. A page is framed and handed over in
// pieces through one reused buffer: framed whole, a page of large records was held twice in Go
// memory (its body and its text), and wasm memory never shrinks (DESIGN.md).
const frameChunk = 256 << 10

// putRecords issues the puts of recs (not awaited one by one), framed when possible.
func putRecords(t *txn, recs []core.Record) error {
	if len(recs) == 0 {
		return nil
	}
	st, err := t.store(stRecords)
	if err != nil {
		return err
	}
	n, ok := framedLen(recs)
	if !ok {
		return t.fire(t.js.putAll, st, putAllArgs{Values: jsonText(recordValues(recs))})
	}
	buf := make([]byte, 0, min(n, frameChunk))
	for i := 0; i < len(recs); {
		buf = appendFramed(buf[:0], recs[i])
		for i++; i < len(recs) && len(buf)+frameSize(recs[i]) <= frameChunk; i++ {
			buf = appendFramed(append(buf, recSep...), recs[i])
		}
		// The text is copied into a JS string by the call: buf may be reused after it.
		if err := t.fire(t.js.putFramed, st, putFramedArgs{Text: unsafe.String(unsafe.SliceData(buf), len(buf))}); err != nil {
			return err
		}
	}
	return nil
}

// frameSize bounds the length of r framed, with the separator before it.
func frameSize(r core.Record) int {
	return len(r.Kind) + len(r.ID) + len(r.UpdatedAt) + len(r.Data) + 6
}

func recordValues(recs []core.Record) []recordValue {
	vals := make([]recordValue, len(recs))
	for i, r := range recs {
		vals[i] = toRecordValue(r)
	}
	return vals
}

// frameRows writes rows for H.flush: framed (a record line per row, empty for none; all rows'
// ops framed, an op whose payload is its row's data without it; each row's op count), or as
// JSON (a list of records or null, a list of op lists) when a string in them holds a
// separator. The buffers are sized up front (growing them was a third of a putMany's framing).
func frameRows(rows []row) (recs, ops, counts string, framed bool) {
	nb, no := 0, 0
	c := make([]byte, 0, 4*len(rows))
	for i, r := range rows {
		if i > 0 {
			c = append(c, ',')
		}
		c = strconv.AppendInt(c, int64(len(r.ops)), 10)
		var data core.RawJSON
		if r.rec != nil {
			nb += frameSize(*r.rec)
			data = r.rec.Data
			if r.text >= 0 {
				nb -= len(data) - 20
			}
		}
		for _, o := range r.ops {
			no += opFrameSize(o, data)
		}
	}
	counts = unsafe.String(unsafe.SliceData(c), len(c)) // c is not used again
	b, o := make([]byte, 0, nb), make([]byte, 0, no)
	if recs, ops, framed = frameRowsInto(b, o, rows); framed {
		return recs, ops, counts, true
	}
	b, o = append(b[:0], '['), append(o[:0], '[')
	for i, r := range rows {
		if i > 0 {
			b, o = append(b, ','), append(o, ',')
		}
		if r.rec == nil {
			b = append(b, "null"...)
		} else {
			b = appendRecordValue(b, toRecordValue(*r.rec))
		}
		o = jsonv.AppendList(o, r.ops, func(b []byte, op core.Op) []byte { return appendOpValue(b, outboxValue(op)) })
	}
	return string(append(b, ']')), string(append(o, ']')), counts, false
}

// frameRowsInto frames rows' records into b and their ops into o; ok is false when one
// cannot be framed.
func frameRowsInto(b, o []byte, rows []row) (recs, ops string, ok bool) {
	first := true
	for i, r := range rows {
		if i > 0 {
			b = append(b, recSep...)
		}
		var data core.RawJSON
		switch {
		case r.rec != nil && r.text >= 0:
			// Its data is the call's text number r.text (WithTexts): that number, flagged 't'.
			if !framable(r.rec.Kind) || !framable(r.rec.ID) || !framable(r.rec.UpdatedAt) {
				return "", "", false
			}
			b = appendFramed(b, core.Record{Kind: r.rec.Kind, ID: r.rec.ID, UpdatedAt: r.rec.UpdatedAt})
			b = strconv.AppendInt(append(b[:len(b)-1], 't', fieldSep[0]), int64(r.text), 10)
			data = r.rec.Data
		case r.rec != nil:
			if !framableRecord(*r.rec) {
				return "", "", false
			}
			b = appendFramed(b, *r.rec)
			data = r.rec.Data
		}
		for _, op := range r.ops {
			if !first {
				o = append(o, recSep...)
			}
			first = false
			if o, ok = appendOpFrame(o, op, data); !ok {
				return "", "", false
			}
		}
	}
	// The JS strings are copies made by the call: b and o are not used again.
	return unsafe.String(unsafe.SliceData(b), len(b)), unsafe.String(unsafe.SliceData(o), len(o)), true
}
