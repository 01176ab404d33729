//go:build js && wasm

package idbstore

import (
	"bytes"
	"strings"

	"github.com/offsync/offsync/core"
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

// frameRecords frames records for the putRecords helper; ok is false when one cannot be framed.
func frameRecords(recs []core.Record) (text string, ok bool) {
	n := 0
	for _, r := range recs {
		if r.Data == nil || !framable(r.Kind) || !framable(r.ID) || !framable(r.UpdatedAt) ||
			bytes.IndexByte(r.Data, recSep[0]) >= 0 || bytes.IndexByte(r.Data, fieldSep[0]) >= 0 {
			return "", false
		}
		n += len(r.Kind) + len(r.ID) + len(r.UpdatedAt) + len(r.Data) + 6
	}
	var b strings.Builder
	b.Grow(n)
	for i, r := range recs {
		if i > 0 {
			b.WriteString(recSep)
		}
		b.WriteString(r.Kind)
		b.WriteString(fieldSep)
		b.WriteString(r.ID)
		b.WriteString(fieldSep)
		b.WriteString(r.UpdatedAt)
		b.WriteString(fieldSep)
		if r.Deleted {
			b.WriteString("1")
		}
		b.WriteString(fieldSep)
		b.Write(r.Data)
	}
	return b.String(), true
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

// putRecords issues the puts of recs (not awaited one by one), framed when possible.
func putRecords(t *txn, recs []core.Record) error {
	if len(recs) == 0 {
		return nil
	}
	st, err := t.store(stRecords)
	if err != nil {
		return err
	}
	if text, ok := frameRecords(recs); ok {
		return t.fire(t.js.putFramed, st, putFramedArgs{Text: text})
	}
	return t.fire(t.js.putAll, st, putAllArgs{Values: jsonText(recordValues(recs))})
}

func recordValues(recs []core.Record) []recordValue {
	vals := make([]recordValue, len(recs))
	for i, r := range recs {
		vals[i] = toRecordValue(r)
	}
	return vals
}
