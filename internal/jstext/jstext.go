//go:build js && wasm

// Package jstext brings a JavaScript string into Go as UTF-8 bytes with one copy: js.Value's
// String has a TextEncoder encode the string into a new Uint8Array, copies that into a []byte,
// then copies the []byte into a string, and a reader that wants bytes copies it once more.
// The wasm bridge reads putMany's records with it, idbstore its framed ops.
package jstext

import "syscall/js"

// Encoder holds the JavaScript objects Bytes uses: a TextEncoder, the Uint8Array constructor
// and Object (a string's length is read from its wrapper: js.Value reads none of a string's).
type Encoder struct {
	enc, u8, object js.Value
}

// NewEncoder looks up what an Encoder uses, once.
func NewEncoder() Encoder {
	g := js.Global()
	return Encoder{enc: g.Get("TextEncoder").New(), u8: g.Get("Uint8Array"), object: g.Get("Object")}
}

// Text is v's UTF-8: a string's as Bytes makes it, else v is a Uint8Array (offsync.js sends
// putMany's records so, helpers.js frames a claim's ops so), whose bytes are copied as they are.
// js.CopyBytesToGo panics on any other value (an instanceof check of its own added 0.7 KB of
// gzip to sync.wasm).
func (e Encoder) Text(v js.Value) []byte {
	if v.Type() == js.TypeString {
		return e.Bytes(v)
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b
}

// Bytes is the JavaScript string v as UTF-8, exactly as js.Value.String encodes it (a lone
// surrogate becomes U+FFFD), in one Go allocation and one copy. The text is encoded with
// encodeInto into a Uint8Array of 1.5 bytes per UTF-16 unit (again into one of 3, the most a
// unit takes, when that is short): for 2.6 MB of records, 2.9–3.9 ms where encode took 6.5–7
// (bench/where-the-time-goes.md, "putMany of large records"). v must be a string.
func (e Encoder) Bytes(v js.Value) []byte {
	n := e.object.Invoke(v).Length()
	buf := e.u8.New(n + n/2 + 8)
	r := e.enc.Call("encodeInto", v, buf)
	if r.Get("read").Int() < n {
		buf = e.u8.New(3 * n)
		r = e.enc.Call("encodeInto", v, buf)
	}
	b := make([]byte, r.Get("written").Int())
	js.CopyBytesToGo(b, buf)
	return b
}
