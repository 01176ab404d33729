//go:build js && wasm

package idbstore

import (
	"strconv"
	"strings"
)

// frameOpValues frames outbox op values for the flush helper, in the format of opframe.go
// (seq 0 is a new op: the store's key generator assigns it; no 'i' flag: an op's in-flight
// state is its mark, not part of its value). Writing them as JSON escaped every
// payload once more in Go and parsed it again in JS. ok is false when a string holds a
// separator, or when the changed list is the single empty name (framed, it would read back
// as an empty list): the caller then sends JSON.
func frameOpValues(vs []opValue) (text string, ok bool) {
	n := 0
	for _, v := range vs {
		n += len(v.OpID) + len(v.Kind) + len(v.EntityID) + len(v.Type) + len(v.Base) + 64
		if v.Payload != nil {
			n += len(*v.Payload)
		}
		for _, c := range v.Changed {
			n += len(c) + 1
		}
	}
	b := make([]byte, 0, n)
	for i, v := range vs {
		if !framable(v.OpID) || !framable(v.Kind) || !framable(v.EntityID) || !framable(v.Type) ||
			!framable(v.Base) || (v.Payload != nil && !framable(*v.Payload)) ||
			(len(v.Changed) == 1 && v.Changed[0] == "") {
			return "", false
		}
		for _, c := range v.Changed {
			if !framable(c) || strings.Contains(c, listSep) {
				return "", false
			}
		}
		if i > 0 {
			b = append(b, recSep...)
		}
		b = strconv.AppendInt(b, v.Seq, 10)
		for _, s := range []string{v.OpID, v.Kind, v.EntityID, v.Type, v.Base} {
			b = append(b, fieldSep...)
			b = append(b, s...)
		}
		b = append(b, fieldSep...)
		b = strconv.AppendInt(b, v.TS, 10)
		b = append(b, fieldSep...)
		b = strconv.AppendInt(b, int64(v.Attempt), 10)
		b = append(b, fieldSep...)
		if v.Force {
			b = append(b, 'f')
		}
		if v.Payload != nil {
			b = append(b, 'p')
		}
		b = append(b, fieldSep...)
		if v.Changed == nil {
			b = append(b, '-')
		} else {
			b = append(b, '+')
			b = append(b, strings.Join(v.Changed, listSep)...)
		}
		b = append(b, fieldSep...)
		if v.Payload != nil {
			b = append(b, *v.Payload...)
		}
	}
	return string(b), true
}
