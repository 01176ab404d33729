package main

import (
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jstext"
)

// textArg is stringArg for a large text (putMany's records, megabytes for a batch of large
// records): a string, or its UTF-8 in a Uint8Array (offsync.js arrayUTF8), as bytes of the
// caller's own, copied into Go once (jstext). Another object panics, which decodeSafely makes
// an invalid-argument error.
func textArg(te jstext.Encoder, args []js.Value, i int, name string) ([]byte, error) {
	v := arg(args, i)
	if t := v.Type(); t != js.TypeString && t != js.TypeObject {
		return nil, core.Errorf(core.CodeInvalid, name, "must be a string, got %s", t.String())
	}
	return te.Text(v), nil
}
