//go:build js && wasm

package idbstore

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/offsync/offsync/core"
)

// Outbox ops cross from JS to Go framed like records (frame.go) rather than as JSON: a push
// reads every pending op, and decoding their JSON with encoding/json was most of that read.
// An op's fields, US-separated, in this order:
//
//	seq, opId, kind, eid, type, base, ts, attempt, flags, changed, payload
//
// flags holds 'i' (in flight), 'f' (force), 'p' (a payload follows; absent, the payload is
// nil) and, only in ops written to JS (appendOpFrame), 'd' (the payload is the row's data);
// changed is "-" for none (nil) or "+" and the field names joined by GS; the payload is
// last and raw. The helper frames a batch only when no string in it holds a separator.
const listSep = "\x1d"

// The fields of a framed op by position, as helpers.js names them in its table OP.
const (
	opSeq = iota
	opOpID
	opKind
	opEID
	opType
	opBase
	opTS
	opAttempt
	opFlags
	opChanged
	opPayload
	opFields // how many fields a framed op has
)

// unframeOps appends the framed ops of buf to out; their payloads share buf's memory. An
// empty line stands for a missing op and is skipped.
func unframeOps(out []core.Op, buf []byte) ([]core.Op, error) {
	if len(buf) == 0 {
		return out, nil
	}
	for off := 0; off <= len(buf); {
		end := bytes.IndexByte(buf[off:], recSep[0])
		if end < 0 {
			end = len(buf)
		} else {
			end += off
		}
		if end > off {
			o, err := unframeOp(buf[off:end:end])
			if err != nil {
				return out, err
			}
			out = append(out, o)
		}
		off = end + 1
	}
	return out, nil
}

func unframeOp(line []byte) (core.Op, error) {
	var f [opFields][]byte
	for i := range opFields - 1 {
		n := bytes.IndexByte(line, fieldSep[0])
		if n < 0 {
			return core.Op{}, errDecode{errBadFrame}
		}
		f[i], line = line[:n], line[n+1:]
	}
	f[opFields-1] = line
	seq, err1 := strconv.ParseInt(string(f[opSeq]), 10, 64)
	ts, err2 := strconv.ParseInt(string(f[opTS]), 10, 64)
	attempt, err3 := strconv.Atoi(string(f[opAttempt]))
	changed := f[opChanged]
	if err1 != nil || err2 != nil || err3 != nil || len(changed) == 0 {
		return core.Op{}, errDecode{errBadFrame}
	}
	flags := string(f[opFlags])
	o := core.Op{
		Seq: seq, OpID: string(f[opOpID]), Kind: string(f[opKind]), EntityID: string(f[opEID]), Type: core.OpType(f[opType]),
		BaseUpdatedAt: string(f[opBase]), LocalTimestamp: ts, Attempt: attempt,
		InFlight: strings.Contains(flags, "i"), Force: strings.Contains(flags, "f"),
	}
	if changed[0] == '+' {
		o.ChangedFields = []string{}
		if len(changed) > 1 {
			o.ChangedFields = strings.Split(string(changed[1:]), listSep)
		}
	}
	if strings.Contains(flags, "p") {
		o.Payload = core.RawJSON(f[opPayload])
	}
	return o, nil
}
