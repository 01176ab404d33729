package rest

import (
	"bytes"
	"errors"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
	"github.com/offsync/offsync/internal/jsonv"
)

var errPayload = errors.New("payload is not a JSON object")

// checkPayload refuses, before anything is sent, an upsert whose payload is not a valid JSON
// object: the server would refuse it too, and in a batch it would sink the other ops.
func checkPayload(op core.Op) error {
	if op.Type != core.OpUpsert {
		return nil
	}
	b := bytes.TrimSpace(op.Payload)
	if len(b) < 2 || b[0] != '{' || !jsonscan.Valid(b) {
		return errPayload
	}
	return nil
}

// withBase returns the PUT body: the payload object with "_baseUpdatedAt" appended when base
// is set. It is appended last so that it wins over an app field of the same name (JSON
// decoders keep the last duplicate), and spliced in as bytes so the payload is not re-encoded.
func withBase(payload core.RawJSON, base string) ([]byte, error) {
	b := bytes.TrimSpace(payload)
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, errPayload
	}
	if base == "" {
		return b, nil
	}
	q := jsonv.AppendString(nil, base)
	inner := bytes.TrimSpace(b[1 : len(b)-1])
	out := make([]byte, 0, len(inner)+len(q)+22)
	out = append(out, '{')
	out = append(out, inner...)
	if len(inner) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"_baseUpdatedAt":`...)
	out = append(out, q...)
	return append(out, '}'), nil
}
