//go:build js && wasm

package idbstore

import (
	"bytes"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// loaded is what the load helper read for n keys: each key's record (nil when absent) and
// pending ops in Seq order, and the position of the first parked id (-1: none).
type loaded struct {
	recs   []*core.Record
	ops    [][]core.Op
	parked int
}

// loadedJSON is the load helper's answer when it could not frame it.
type loadedJSON struct {
	Recs   []*recordValue `json:"recs"`
	Ops    [][]opValue    `json:"ops"`
	Parked int            `json:"parked"`
}

// decodeLoaded reads the load helper's answer for n keys: framed (records as in frame.go, a
// line per key and an empty line for an absent one; the ops of all keys as in opframe.go,
// with their counts per key) or JSON. Framing spares encoding/json the records and payloads
// an Ack or a local write reads back (most of that decode's time in a push profile).
func decodeLoaded(h *helpers, v js.Value, n int) (loaded, error) {
	got := loaded{recs: make([]*core.Record, n), ops: make([][]core.Op, n)}
	if !v.Index(0).Bool() {
		var j loadedJSON
		if err := decodeJSON(v.Index(1).String(), &j); err != nil {
			return got, err
		}
		if len(j.Recs) != n || len(j.Ops) != n {
			return got, errDecode{errBadFrame}
		}
		for i := range n {
			if j.Recs[i] != nil {
				r := j.Recs[i].record()
				got.recs[i] = &r
			}
			for _, o := range j.Ops[i] {
				got.ops[i] = append(got.ops[i], o.op())
			}
		}
		got.parked = j.Parked
		return got, nil
	}
	if err := unframeRecordSlots(got.recs, v.Index(1).String()); err != nil {
		return got, err
	}
	ops, err := unframeOps(nil, h.text.Text(v.Index(2)))
	if err != nil {
		return got, err
	}
	if n > 0 {
		at := 0
		for i, c := range strings.Split(v.Index(3).String(), ",") {
			k, err := strconv.Atoi(c)
			if err != nil || k < 0 || i >= n || at+k > len(ops) {
				return got, errDecode{errBadFrame}
			}
			got.ops[i] = ops[at : at+k : at+k]
			at += k
		}
		if at != len(ops) {
			return got, errDecode{errBadFrame}
		}
	}
	got.parked = v.Index(4).Int()
	return got, nil
}

// unframeRecordSlots fills slots (one per key) from the load helper's framed records: a line
// per slot, empty for an absent record. Data shares one buffer, each capped at its own end.
func unframeRecordSlots(slots []*core.Record, text string) error {
	if len(slots) == 0 {
		return nil
	}
	buf := []byte(text)
	off := 0
	for i := range slots {
		end := bytes.IndexByte(buf[off:], recSep[0])
		switch {
		case end < 0 && i != len(slots)-1, end >= 0 && i == len(slots)-1:
			return errDecode{errBadFrame}
		case end < 0:
			end = len(buf)
		default:
			end += off
		}
		if end > off {
			r, err := unframeRecord(buf[off:end:end])
			if err != nil {
				return err
			}
			slots[i] = &r
		}
		off = end + 1
	}
	return nil
}

// unframeRecord reads one framed record line: kind, id, updatedAt, deleted ("1" or ""), data.
func unframeRecord(line []byte) (core.Record, error) {
	var f [4][]byte
	for i := range f {
		n := bytes.IndexByte(line, fieldSep[0])
		if n < 0 {
			return core.Record{}, errDecode{errBadFrame}
		}
		f[i], line = line[:n], line[n+1:]
	}
	return core.Record{
		Kind: string(f[0]), ID: string(f[1]), UpdatedAt: string(f[2]), Deleted: len(f[3]) > 0,
		Data: core.RawJSON(line),
	}, nil
}
