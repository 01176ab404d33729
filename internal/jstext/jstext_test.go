//go:build js && wasm

package jstext

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Bytes gives the bytes js.Value.String gives, for ASCII, for text past the first buffer's
// 1.5 bytes a unit, and for lone surrogates and NUL.
func TestBytesAgreesWithString(t *testing.T) {
	e := NewEncoder()
	odd := js.Global().Get("Function").New(`return 'a\ud800b\udc00' + String.fromCharCode(0)`).Invoke()
	for _, v := range []js.Value{
		js.ValueOf(""), js.ValueOf("a"), js.ValueOf("é€😀"), odd,
		js.ValueOf(strings.Repeat(`{"id":"ü","t":"日本語 😀"},`, 5000)),
		js.ValueOf(strings.Repeat("日本語", 3000)),
		js.ValueOf(strings.Repeat("a", 100) + strings.Repeat("€", 1000)),
	} {
		assert.Equal(t, v.String(), string(e.Bytes(v)))
	}
}

// Text takes a string as Bytes does and a Uint8Array's bytes as they are (a view's, not its
// buffer's).
func TestTextTakesStringsAndBytes(t *testing.T) {
	e := NewEncoder()
	assert.Equal(t, "é€😀", string(e.Text(js.ValueOf("é€😀"))))
	u := js.Global().Get("Uint8Array").New(4)
	js.CopyBytesToJS(u, []byte("[1]x"))
	assert.Equal(t, "[1]", string(e.Text(u.Call("subarray", 0, 3))))
}
