//go:build js && wasm

package idbstore

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/offsync/offsync/core"
)

// appendOpFrame appends o framed for the flush and writeAhead helpers, in the format of
// opframe.go (no 'i' flag: an op's in-flight state is its mark, not part of its value). Writing
// ops as JSON escaped every payload once more in Go and parsed it again in JS. data is the
// record data of the row o goes in (nil for none): a payload equal to it is framed as the flag
// 'd' with no payload, which helpers.js stores as pd: 1 (what setOps made of it after comparing
// the two strings), so a write's data crosses to JS once. ok is false when a string holds a
// separator, or when the changed list is the single empty name (framed, it would read back as
// an empty list): the caller then sends JSON.
func appendOpFrame(b []byte, o core.Op, data core.RawJSON) (_ []byte, ok bool) {
	if !framable(o.OpID) || !framable(o.Kind) || !framable(o.EntityID) || !framable(string(o.Type)) ||
		!framable(o.BaseUpdatedAt) || (len(o.ChangedFields) == 1 && o.ChangedFields[0] == "") {
		return b, false
	}
	for _, c := range o.ChangedFields {
		if !framable(c) || strings.Contains(c, listSep) {
			return b, false
		}
	}
	same := o.Payload != nil && data != nil && bytes.Equal(o.Payload, data)
	if o.Payload != nil && !same && !framableDoc(o.Payload) {
		return b, false
	}
	b = strconv.AppendInt(b, o.Seq, 10)
	for _, s := range [...]string{o.OpID, o.Kind, o.EntityID, string(o.Type), o.BaseUpdatedAt} {
		b = append(b, fieldSep...)
		b = append(b, s...)
	}
	b = append(b, fieldSep...)
	b = strconv.AppendInt(b, o.LocalTimestamp, 10)
	b = append(b, fieldSep...)
	b = strconv.AppendInt(b, int64(o.Attempt), 10)
	b = append(b, fieldSep...)
	if o.Force {
		b = append(b, 'f')
	}
	switch {
	case same:
		b = append(b, 'd')
	case o.Payload != nil:
		b = append(b, 'p')
	}
	b = append(b, fieldSep...)
	if o.ChangedFields == nil {
		b = append(b, '-')
	} else {
		b = append(b, '+')
		for i, c := range o.ChangedFields {
			if i > 0 {
				b = append(b, listSep...)
			}
			b = append(b, c...)
		}
	}
	b = append(b, fieldSep...)
	if o.Payload != nil && !same {
		b = append(b, o.Payload...)
	}
	return b, true
}

// opFrameSize is about the length of o framed in a row with data, with the separator before
// it: a payload as long as data is taken for data (flag 'd', not sent).
func opFrameSize(o core.Op, data core.RawJSON) int {
	n := len(o.OpID) + len(o.Kind) + len(o.EntityID) + len(o.Type) + len(o.BaseUpdatedAt) + 64
	if data == nil || len(o.Payload) != len(data) {
		n += len(o.Payload)
	}
	for _, c := range o.ChangedFields {
		n += len(c) + 1
	}
	return n
}

// framableDoc reports whether a document holds no separator.
func framableDoc(d []byte) bool {
	return bytes.IndexByte(d, recSep[0]) < 0 && bytes.IndexByte(d, fieldSep[0]) < 0
}
