//go:build js && wasm

package idbstore

import (
	"bytes"
	"encoding/json"
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

// unframeRecords decodes what the page helper framed. Strings are cloned so that the page's
// text is not kept alive by the records.
func unframeRecords(text string) ([]core.Record, error) {
	if text == "" {
		return nil, nil
	}
	out := make([]core.Record, 0, strings.Count(text, recSep)+1)
	for line := range strings.SplitSeq(text, recSep) {
		f := strings.SplitN(line, fieldSep, 5)
		if len(f) != 5 {
			return nil, errDecode{errBadFrame}
		}
		out = append(out, core.Record{
			Kind: strings.Clone(f[0]), ID: strings.Clone(f[1]), UpdatedAt: strings.Clone(f[2]),
			Deleted: f[3] == "1", Data: json.RawMessage(f[4]),
		})
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
		return t.fire(t.js.putFramed, st, text)
	}
	vals := make([]recordValue, len(recs))
	for i, r := range recs {
		vals[i] = toRecordValue(r)
	}
	return t.fire(t.js.putAll, st, jsonText(vals))
}
