package main

import (
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// textArg is stringArg for a large text (putMany's records, megabytes for a batch of large
// records) as UTF-8 bytes of the caller's own, copied into Go once instead of twice:
// js.Value.String has TextEncoder encode the text into a new Uint8Array, copies that into a
// []byte, then copies the []byte into a string. Here encoder (a TextEncoder) encodes it and
// js.CopyBytesToGo copies the bytes into a new []byte: the same bytes, one allocation and one
// copy fewer (bench/where-the-time-goes.md, "putMany of large records").
func textArg(encoder js.Value, args []js.Value, i int, name string) ([]byte, error) {
	v := arg(args, i)
	if v.Type() != js.TypeString {
		return nil, core.Errorf(core.CodeInvalid, name, "must be a string, got %s", v.Type().String())
	}
	u := encoder.Call("encode", v)
	b := make([]byte, u.Length())
	js.CopyBytesToGo(b, u)
	return b, nil
}
