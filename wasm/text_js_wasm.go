package main

import (
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jstext"
)

// textArg is stringArg for a large text (putMany's records, megabytes for a batch of large
// records) as UTF-8 bytes of the caller's own, copied into Go once (jstext).
func textArg(te jstext.Encoder, args []js.Value, i int, name string) ([]byte, error) {
	v := arg(args, i)
	if v.Type() != js.TypeString {
		return nil, core.Errorf(core.CodeInvalid, name, "must be a string, got %s", v.Type().String())
	}
	return te.Bytes(v), nil
}
