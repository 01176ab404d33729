package main

import (
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// textEncoder is what textArg encodes with: a TextEncoder, the Uint8Array constructor and
// Object (a string's length is read from its wrapper: js.Value reads none of a string's).
type textEncoder struct {
	enc, bytes, object js.Value
}

func newTextEncoder() textEncoder {
	g := js.Global()
	return textEncoder{enc: g.Get("TextEncoder").New(), bytes: g.Get("Uint8Array"), object: g.Get("Object")}
}

// textArg is stringArg for a large text (putMany's records, megabytes for a batch of large
// records) as UTF-8 bytes of the caller's own, copied into Go once instead of twice:
// js.Value.String has TextEncoder encode the text into a new Uint8Array, copies that into a
// []byte, then copies the []byte into a string. Here the text is encoded into a Uint8Array of
// 1.5 bytes per UTF-16 unit (encodeInto; one of 3, the most a unit takes, when that is short)
// and js.CopyBytesToGo copies the bytes into a new []byte: one allocation and one copy fewer,
// and encodeInto into a buffer of about the right size took 2.9–3.9 ms where encode took 6.5–7
// for the 2.6 MB of 500 large records (bench/where-the-time-goes.md, "putMany of large
// records").
func textArg(te textEncoder, args []js.Value, i int, name string) ([]byte, error) {
	v := arg(args, i)
	if v.Type() != js.TypeString {
		return nil, core.Errorf(core.CodeInvalid, name, "must be a string, got %s", v.Type().String())
	}
	n := te.object.Invoke(v).Length()
	buf := te.bytes.New(n + n/2 + 8)
	r := te.enc.Call("encodeInto", v, buf)
	if r.Get("read").Int() < n {
		buf = te.bytes.New(3 * n)
		r = te.enc.Call("encodeInto", v, buf)
	}
	b := make([]byte, r.Get("written").Int())
	js.CopyBytesToGo(b, buf)
	return b, nil
}
