package jsonv

import "strconv"

// Obj appends the members of one JSON object, in the order written, with json.Marshal's
// encodings: the *Omit methods leave out what omitempty would.
type Obj struct{ B []byte }

// Open starts an object after b.
func Open(b []byte) Obj { return Obj{append(b, '{')} }

// Close ends the object and returns the bytes.
//
//go:noinline
func (w *Obj) Close() []byte { return append(w.B, '}') }

// Key appends a member's key (k is a plain ASCII constant) and its colon.
//
//go:noinline
func (w *Obj) Key(k string) {
	if w.B[len(w.B)-1] != '{' {
		w.B = append(w.B, ',')
	}
	w.B = append(w.B, '"')
	w.B = append(w.B, k...)
	w.B = append(w.B, '"', ':')
}

//go:noinline
func (w *Obj) Str(k, v string) { w.Key(k); w.B = AppendString(w.B, v) }

//go:noinline
func (w *Obj) StrOmit(k, v string) {
	if v != "" {
		w.Str(k, v)
	}
}

// StrPtr appends v's string, or null when v is nil.
//
//go:noinline
func (w *Obj) StrPtr(k string, v *string) {
	if v == nil {
		w.Key(k)
		w.B = append(w.B, "null"...)
		return
	}
	w.Str(k, *v)
}

//go:noinline
func (w *Obj) Int(k string, v int64) { w.Key(k); w.B = strconv.AppendInt(w.B, v, 10) }

//go:noinline
func (w *Obj) IntOmit(k string, v int64) {
	if v != 0 {
		w.Int(k, v)
	}
}

//go:noinline
func (w *Obj) Bool(k string, v bool) { w.Key(k); w.B = strconv.AppendBool(w.B, v) }

//go:noinline
func (w *Obj) BoolOmit(k string, v bool) {
	if v {
		w.Bool(k, v)
	}
}

// Raw appends a JSON value as json.RawMessage marshals: nil or empty is null.
//
//go:noinline
func (w *Obj) Raw(k string, v []byte) { w.Key(k); w.B = AppendRaw(w.B, v) }

//go:noinline
func (w *Obj) RawOmit(k string, v []byte) {
	if len(v) > 0 {
		w.Raw(k, v)
	}
}

//go:noinline
func (w *Obj) Strs(k string, v []string) { w.Key(k); w.B = AppendStrings(w.B, v) }

//go:noinline
func (w *Obj) StrsOmit(k string, v []string) {
	if len(v) > 0 {
		w.Strs(k, v)
	}
}

// AppendRaw appends a JSON value kept as bytes (valid JSON the caller checked), null when empty.
func AppendRaw(b, v []byte) []byte {
	if len(v) == 0 {
		return append(b, "null"...)
	}
	return append(b, v...)
}
