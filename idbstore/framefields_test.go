//go:build js && wasm

package idbstore

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFrameFieldsAgree checks that helpers.js's tables of frame fields (REC, OP) and the Go
// constants naming the same positions agree, field by field and in number.
func TestFrameFieldsAgree(t *testing.T) {
	h := js.Global().Get("Function").New(helperSource).Invoke().Get("frameFields")
	fields := func(table js.Value) map[string]int {
		out := map[string]int{}
		keys := js.Global().Get("Object").Call("keys", table)
		for i := range keys.Length() {
			k := keys.Index(i).String()
			out[k] = table.Get(k).Int()
		}
		return out
	}
	require.Equal(t, map[string]int{
		"kind": recKind, "id": recID, "updatedAt": recUpdatedAt, "deleted": recDeleted, "data": recData,
	}, fields(h.Get("rec")))
	require.Equal(t, map[string]int{
		"seq": opSeq, "opId": opOpID, "kind": opKind, "eid": opEID, "type": opType, "base": opBase,
		"ts": opTS, "attempt": opAttempt, "flags": opFlags, "changed": opChanged, "payload": opPayload,
	}, fields(h.Get("op")))
	require.Len(t, fields(h.Get("op")), opFields)
}
