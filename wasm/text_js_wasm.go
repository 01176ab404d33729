package main

import (
	"syscall/js"
	"unsafe"

	"github.com/offsync/offsync/core"
)

// textArg is stringArg for a large text (putMany's records, megabytes for a batch of large
// records), copied into Go once instead of twice: js.Value.String has TextEncoder encode the
// text into a new Uint8Array, copies that into a []byte, then copies the []byte into a string.
// Here encoder (a TextEncoder) encodes it, js.CopyBytesToGo copies the bytes into a []byte
// that nothing else holds, and the string is read over that []byte (unsafe.String), which is
// never written again: the same bytes, one allocation and one copy fewer (bench/
// where-the-time-goes.md, "putMany of large records").
func textArg(encoder js.Value, args []js.Value, i int, name string) (string, error) {
	v := arg(args, i)
	if v.Type() != js.TypeString {
		return "", core.Errorf(core.CodeInvalid, name, "must be a string, got %s", v.Type().String())
	}
	u := encoder.Call("encode", v)
	b := make([]byte, u.Length())
	if len(b) == 0 {
		return "", nil
	}
	js.CopyBytesToGo(b, u)
	return unsafe.String(&b[0], len(b)), nil
}
