//go:build js && wasm

package idbstore

import (
	"strconv"

	"github.com/offsync/offsync/core/storekit"
	"github.com/offsync/offsync/internal/jsonv"
)

// The JSON the helpers take and give, written and read by hand in the shapes of the stored
// values' json tags (docs/DESIGN.md, "No encoding/json in sync.wasm"). jsontext_test.go
// compares both directions with encoding/json.

// jsonText writes v, one of the argument shapes the helpers take, as JSON.
func jsonText(v any) string {
	var b []byte
	switch x := v.(type) {
	case string:
		b = jsonv.AppendString(nil, x)
	case []string:
		b = jsonv.AppendStrings(nil, x)
	case []int64:
		b = jsonv.AppendList(nil, x, func(b []byte, n int64) []byte { return appendInt(b, n) })
	case []int:
		b = jsonv.AppendList(nil, x, func(b []byte, n int) []byte { return appendInt(b, int64(n)) })
	case []entityKey:
		b = appendKeys(nil, x)
	case [][]any:
		b = jsonv.AppendList(nil, x, appendAnys)
	case []recordValue:
		b = jsonv.AppendList(nil, x, appendRecordValue)
	case []opValue:
		b = jsonv.AppendList(nil, x, appendOpValue)
	case []conflictValue:
		b = jsonv.AppendList(nil, x, appendConflictValue)
	case []parkedValue:
		b = jsonv.AppendList(nil, x, appendParkedValue)
	case []cursorValue:
		b = jsonv.AppendList(nil, x, appendCursorValue)
	default:
		panic("idbstore: jsonText has no encoder for this type") // a programming error the wasm tests meet
	}
	return string(b)
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// ackWritesText writes an Ack's written records as H.raiseWatermarks takes them, a list of
// [kind, id, watermark, version]; typed, where a list of []any per record (boxed, the
// watermark a float64 to format) was a twentieth of a push's Go allocation. A watermark, at
// most 2^53-1, is written as encoding/json writes it as a float64: its integer digits.
func ackWritesText(ws []storekit.AckWrite) string {
	n := 2
	for _, w := range ws {
		n += len(w.Kind) + len(w.ID) + len(w.Version) + 30 // exact room for plain strings
	}
	b := append(make([]byte, 0, n), '[')
	for i, w := range ws {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, s := range [...]string{w.Kind, w.ID, w.Version} { // one AppendString: sync.wasm's size
			if j == 2 {
				b = append(appendInt(b, w.Watermark), ',')
			}
			b = append(jsonv.AppendString(b, s), ',')
		}
		b[len(b)-1] = ']'
	}
	return string(append(b, ']'))
}

// appendAnys writes a list of strings, string lists and booleans (index declarations, orders).
func appendAnys(b []byte, list []any) []byte {
	return jsonv.AppendList(b, list, func(b []byte, v any) []byte {
		if ss, ok := v.([]string); ok {
			return jsonv.AppendStrings(b, ss)
		}
		b, err := jsonv.AppendValue(b, v, true)
		if err != nil {
			panic("idbstore: " + err.Error())
		}
		return b
	})
}

func appendRecordValue(b []byte, v recordValue) []byte {
	w := jsonv.Open(b)
	w.Str("kind", v.Kind)
	w.Str("id", v.ID)
	w.StrPtr("data", v.Data)
	w.StrOmit("updatedAt", v.UpdatedAt)
	w.BoolOmit("deleted", v.Deleted)
	return w.Close()
}

func appendOpValue(b []byte, v opValue) []byte {
	w := jsonv.Open(b)
	w.IntOmit("seq", v.Seq)
	w.Str("opId", v.OpID)
	w.Str("kind", v.Kind)
	w.Str("eid", v.EntityID)
	w.Str("type", v.Type)
	w.StrPtr("payload", v.Payload)
	w.StrOmit("base", v.Base)
	w.Strs("changed", v.Changed)
	w.Int("ts", v.TS)
	w.BoolOmit("inFlight", v.InFlight)
	w.IntOmit("attempt", int64(v.Attempt))
	w.BoolOmit("force", v.Force)
	return w.Close()
}

func appendParkedValue(b []byte, v parkedValue) []byte {
	w := jsonv.Open(b)
	w.IntOmit("n", v.N)
	w.Str("opId", v.OpID)
	w.Key("op")
	w.B = appendOpValue(w.B, v.Op)
	w.Int("status", int64(v.Status))
	w.Str("reason", v.Reason)
	w.Int("parkedAt", v.ParkedAt)
	return w.Close()
}

func appendConflictValue(b []byte, v conflictValue) []byte {
	w := jsonv.Open(b)
	w.IntOmit("n", v.N)
	w.Str("cid", v.ID)
	w.Str("kind", v.Kind)
	w.Str("eid", v.EntityID)
	w.Str("opId", v.OpID)
	w.StrPtr("local", v.Local)
	w.StrPtr("server", v.Server)
	w.BoolOmit("serverDeleted", v.ServerDeleted)
	w.BoolOmit("localDeleted", v.LocalDeleted)
	w.Strs("changed", v.Changed)
	w.StrOmit("serverUpdatedAt", v.ServerUpdatedAt)
	w.StrOmit("base", v.Base)
	w.Int("detectedAt", v.DetectedAt)
	return w.Close()
}

func appendCursorValue(b []byte, v cursorValue) []byte {
	w := jsonv.Open(b)
	w.Str("kind", v.Kind)
	w.Str("updatedAt", v.UpdatedAt)
	w.Str("id", v.ID)
	w.IntOmit("wm", v.Watermark)
	w.StrOmit("p", v.Page)
	return w.Close()
}

// decodeJSON reads the JSON text into out, one of the answer shapes the helpers give; a
// decoding error is an errDecode.
func decodeJSON(text string, out any) error {
	b := []byte(text)
	err := jsonv.Check(b)
	if err == nil {
		err = decodeInto(b, out)
	}
	if err != nil {
		return errDecode{err}
	}
	return nil
}

func decodeInto(b []byte, out any) error {
	switch x := out.(type) {
	case *[]string:
		return jsonv.Strings(b, x)
	case *[]*string:
		return jsonv.DecodeList(b, x, func(v []byte, p **string) error { return jsonv.StringPtr(v, p) })
	case *[]bool:
		return jsonv.DecodeList(b, x, func(v []byte, p *bool) error { return jsonv.Bool(v, p) })
	case *[]int64:
		return jsonv.DecodeList(b, x, func(v []byte, p *int64) error { return jsonv.Int(v, p) })
	case *[]*int64:
		return jsonv.DecodeList(b, x, ptrTo(func(v []byte, p *int64) error { return jsonv.Int(v, p) }))
	case *[][2]string:
		return jsonv.DecodeList(b, x, decodePair)
	case *[]*[2]string:
		return jsonv.DecodeList(b, x, ptrTo(decodePair))
	case *pageState:
		return decodePageState(b, x)
	case *[]recordValue:
		return jsonv.DecodeList(b, x, decodeRecordValue)
	case *[]*recordValue:
		return jsonv.DecodeList(b, x, ptrTo(decodeRecordValue))
	case *[]*opValue:
		return jsonv.DecodeList(b, x, ptrTo(decodeOpValue))
	case *[]*parkedValue:
		return jsonv.DecodeList(b, x, ptrTo(decodeParkedValue))
	case *[]parkedValue:
		return jsonv.DecodeList(b, x, decodeParkedValue)
	case *[]conflictValue:
		return jsonv.DecodeList(b, x, decodeConflictValue)
	case *[]*cursorValue:
		return jsonv.DecodeList(b, x, ptrTo(decodeCursorValue))
	case *loadedJSON:
		return jsonv.Members(b, func(k string, v []byte) error {
			switch {
			case jsonv.Key(k, "recs"):
				return jsonv.DecodeList(v, &x.Recs, ptrTo(decodeRecordValue))
			case jsonv.Key(k, "ops"):
				return jsonv.DecodeList(v, &x.Ops, func(v []byte, p *[]opValue) error { return jsonv.DecodeList(v, p, decodeOpValue) })
			case jsonv.Key(k, "parked"):
				return jsonv.IntOf(v, &x.Parked)
			}
			return nil
		})
	}
	panic("idbstore: decodeJSON has no decoder for this type") // a programming error the wasm tests meet
}

// ptrTo decodes into a pointer as json.Unmarshal: null is nil, anything else a new value.
func ptrTo[T any](item func([]byte, *T) error) func([]byte, **T) error {
	return func(v []byte, p **T) error {
		if jsonv.IsNull(v) {
			*p = nil
			return nil
		}
		*p = new(T)
		return item(v, *p)
	}
}

// decodePair decodes a [2]string as json.Unmarshal: extra items are dropped, missing ones "".
func decodePair(v []byte, p *[2]string) error {
	i := 0
	return jsonv.Items(v, func(it []byte) error {
		if i++; i <= 2 {
			return jsonv.String(it, &p[i-1])
		}
		return nil
	})
}

func decodeRecordValue(b []byte, v *recordValue) error {
	return jsonv.Members(b, func(k string, x []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(x, &v.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(x, &v.ID)
		case jsonv.Key(k, "data"):
			return jsonv.StringPtr(x, &v.Data)
		case jsonv.Key(k, "updatedAt"):
			return jsonv.String(x, &v.UpdatedAt)
		case jsonv.Key(k, "deleted"):
			return jsonv.Bool(x, &v.Deleted)
		}
		return nil
	})
}

func decodeOpValue(b []byte, v *opValue) error {
	return jsonv.Members(b, func(k string, x []byte) error {
		switch {
		case jsonv.Key(k, "seq"):
			return jsonv.Int(x, &v.Seq)
		case jsonv.Key(k, "opId"):
			return jsonv.String(x, &v.OpID)
		case jsonv.Key(k, "kind"):
			return jsonv.String(x, &v.Kind)
		case jsonv.Key(k, "eid"):
			return jsonv.String(x, &v.EntityID)
		case jsonv.Key(k, "type"):
			return jsonv.String(x, &v.Type)
		case jsonv.Key(k, "payload"):
			return jsonv.StringPtr(x, &v.Payload)
		case jsonv.Key(k, "base"):
			return jsonv.String(x, &v.Base)
		case jsonv.Key(k, "changed"):
			return jsonv.Strings(x, &v.Changed)
		case jsonv.Key(k, "ts"):
			return jsonv.Int(x, &v.TS)
		case jsonv.Key(k, "inFlight"):
			return jsonv.Bool(x, &v.InFlight)
		case jsonv.Key(k, "attempt"):
			return jsonv.IntOf(x, &v.Attempt)
		case jsonv.Key(k, "force"):
			return jsonv.Bool(x, &v.Force)
		}
		return nil
	})
}

func decodeParkedValue(b []byte, v *parkedValue) error {
	return jsonv.Members(b, func(k string, x []byte) error {
		switch {
		case jsonv.Key(k, "n"):
			return jsonv.Int(x, &v.N)
		case jsonv.Key(k, "opId"):
			return jsonv.String(x, &v.OpID)
		case jsonv.Key(k, "op"):
			return decodeOpValue(x, &v.Op)
		case jsonv.Key(k, "status"):
			return jsonv.IntOf(x, &v.Status)
		case jsonv.Key(k, "reason"):
			return jsonv.String(x, &v.Reason)
		case jsonv.Key(k, "parkedAt"):
			return jsonv.Int(x, &v.ParkedAt)
		}
		return nil
	})
}

func decodeConflictValue(b []byte, v *conflictValue) error {
	return jsonv.Members(b, func(k string, x []byte) error {
		switch {
		case jsonv.Key(k, "n"):
			return jsonv.Int(x, &v.N)
		case jsonv.Key(k, "cid"):
			return jsonv.String(x, &v.ID)
		case jsonv.Key(k, "kind"):
			return jsonv.String(x, &v.Kind)
		case jsonv.Key(k, "eid"):
			return jsonv.String(x, &v.EntityID)
		case jsonv.Key(k, "opId"):
			return jsonv.String(x, &v.OpID)
		case jsonv.Key(k, "local"):
			return jsonv.StringPtr(x, &v.Local)
		case jsonv.Key(k, "server"):
			return jsonv.StringPtr(x, &v.Server)
		case jsonv.Key(k, "serverDeleted"):
			return jsonv.Bool(x, &v.ServerDeleted)
		case jsonv.Key(k, "localDeleted"):
			return jsonv.Bool(x, &v.LocalDeleted)
		case jsonv.Key(k, "changed"):
			return jsonv.Strings(x, &v.Changed)
		case jsonv.Key(k, "serverUpdatedAt"):
			return jsonv.String(x, &v.ServerUpdatedAt)
		case jsonv.Key(k, "base"):
			return jsonv.String(x, &v.Base)
		case jsonv.Key(k, "detectedAt"):
			return jsonv.Int(x, &v.DetectedAt)
		}
		return nil
	})
}

func decodeCursorValue(b []byte, v *cursorValue) error {
	return jsonv.Members(b, func(k string, x []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(x, &v.Kind)
		case jsonv.Key(k, "updatedAt"):
			return jsonv.String(x, &v.UpdatedAt)
		case jsonv.Key(k, "id"):
			return jsonv.String(x, &v.ID)
		case jsonv.Key(k, "wm"):
			return jsonv.Int(x, &v.Watermark)
		case jsonv.Key(k, "p"):
			return jsonv.String(x, &v.Page)
		}
		return nil
	})
}

// decodePageState reads H.pageRead's answer, {wm, ids, vers}.
func decodePageState(b []byte, v *pageState) error {
	return jsonv.Members(b, func(k string, x []byte) error {
		switch {
		case jsonv.Key(k, "wm"):
			return jsonv.Int(x, &v.WM)
		case jsonv.Key(k, "ids"):
			return jsonv.Strings(x, &v.IDs)
		case jsonv.Key(k, "vers"):
			return jsonv.DecodeList(x, &v.Vers, decodePair)
		}
		return nil
	})
}

// indexDecl reads a query index's declaration, JSON [kind, [field...]], as json.Unmarshal
// would into a []core.RawJSON, a string and a []string; ok is false for anything else.
func indexDecl(text string) (kind string, fields []string, ok bool) {
	b := []byte(text)
	if jsonv.Check(b) != nil {
		return "", nil, false
	}
	var decl [][]byte
	if jsonv.Items(b, func(v []byte) error { decl = append(decl, v); return nil }) != nil || len(decl) != 2 {
		return "", nil, false
	}
	if jsonv.String(decl[0], &kind) != nil || jsonv.Strings(decl[1], &fields) != nil {
		return "", nil, false
	}
	return kind, fields, true
}
