package rest

import (
	"unicode/utf8"

	"github.com/offsync/offsync/internal/jsonv"
)

// appendBatch writes POST /batch's body by hand. The payloads, checked by checkPayload, are
// spliced in as they are: json.Marshal would validate and compact every payload again, a
// visible share of a push's client time in wasm.
func appendBatch(b []byte, ops []batchOp) []byte {
	b = append(b, `{"ops":[`...)
	for i, o := range ops {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"opId":`...)
		b = appendString(b, o.OpID)
		b = append(b, `,"kind":`...)
		b = appendString(b, o.Kind)
		b = append(b, `,"id":`...)
		b = appendString(b, o.ID)
		b = append(b, `,"type":`...)
		b = appendString(b, string(o.Type))
		if len(o.Payload) > 0 {
			b = append(b, `,"payload":`...)
			b = append(b, o.Payload...)
		}
		if o.BaseUpdatedAt != "" {
			b = append(b, `,"baseUpdatedAt":`...)
			b = appendString(b, o.BaseUpdatedAt)
		}
		if o.Force {
			b = append(b, `,"force":true`...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// batchSize is a close upper guess of appendBatch's output, so that it allocates once.
func batchSize(ops []batchOp) int {
	n := 16
	for _, o := range ops {
		n += 96 + len(o.OpID) + len(o.Kind) + len(o.ID) + len(o.Payload) + len(o.BaseUpdatedAt)
	}
	return n
}

// appendString appends s as a JSON string. Plain strings (the usual ids, kinds and versions)
// are copied between quotes; anything else is left to encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			q := jsonv.AppendString(nil, s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
