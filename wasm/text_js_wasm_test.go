package main

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jstext"
)

// textArg gives the bytes js.Value.String gives (both are TextEncoder's UTF-8: a lone
// surrogate becomes U+FFFD) and refuses a non-string as stringArg does.
func TestTextArg(t *testing.T) {
	enc := jstext.NewEncoder()
	long := strings.Repeat(`{"id":"ü","t":"日本語 😀"},`, 5000)
	for _, s := range []js.Value{
		js.ValueOf(""), js.ValueOf("a"), js.ValueOf("é€😀"), js.ValueOf(long),
		js.ValueOf(strings.Repeat("日本語", 3000)), js.ValueOf(strings.Repeat("a", 100) + strings.Repeat("€", 1000)),
		jsFunc(`return 'a\ud800b\udc00' + String.fromCharCode(0)`).Invoke(),
	} {
		got, err := textArg(enc, []js.Value{s}, 0, "text")
		require.NoError(t, err)
		assert.Equal(t, s.String(), string(got))
	}
	u := js.Global().Get("Uint8Array").New(3)
	js.CopyBytesToJS(u, []byte("[1]"))
	got, err := textArg(enc, []js.Value{u}, 0, "text")
	require.NoError(t, err)
	assert.Equal(t, "[1]", string(got))
	// Another object panics in textArg: decodeSafely, which decodes every call, refuses it.
	for _, v := range []js.Value{js.Undefined(), js.Null(), js.ValueOf(1), js.Global().Get("Object").New()} {
		_, err := decodeSafely(func(a []js.Value) (work, error) {
			_, err := textArg(enc, a, 0, "text")
			return nil, err
		}, []js.Value{v})
		require.Error(t, err)
		assert.Equal(t, core.CodeInvalid, core.CodeOf(err))
	}
}

// putMany through the bridge (the memory store): the records as sent, non-ASCII included, are
// what is stored, ids the one-pass cut leaves to the engine (escapes) too; a batch with one
// malformed, id-less or non-object record is refused as invalid, and writes nothing.
func TestPutManyThroughTheBridge(t *testing.T) {
	h, _ := openMemory(t, `{}`)
	text := `[{"id":"a","t":"ü 日本 😀","n":{"id":"x","l":[1,2,{"q":"]}"}]}},{"v":2,"id":"b"},{"id":"c\u0064","w":"esc"}]`
	got, err := callClient(t, h, "putMany", "note", text)
	require.NoError(t, err)
	require.JSONEq(t, text, got.String())
	for id, want := range map[string]string{"a": `{"id":"a","t":"ü 日本 😀","n":{"id":"x","l":[1,2,{"q":"]}"}]}}`, "b": `{"v":2,"id":"b"}`, "cd": `{"id":"c\u0064","w":"esc"}`} {
		rec, err := callClient(t, h, "get", "note", id)
		require.NoError(t, err)
		assert.Equal(t, want, rec.String(), id)
	}
	for _, bad := range []string{
		`[{"id":"p1"},{"id":"p2","v":tru}]`,              // malformed JSON in an item
		`[{"id":"p1"},{"id":"p2" "v":1}]`,                // a missing comma the cut does not look for
		`[{"id":"p1"},{"v":1}]`,                          // no id
		`[{"id":"p1"},{"id":""}]`,                        // an empty id
		`[{"id":"p1"},["id"]]`,                           // not an object
		`[{"id":"p1"},{"id":"p2"}}]`,                     // not an array
		`[{"id":"p1"},{"id":"p2","n":[[[]]}]`,            // unbalanced
		`[{"id":"p1"},{"id":7}]`,                         // an id not a string
		`[{"id":"p1"},{"id":"p2"},]`,                     // a trailing comma
		`[{"id":"p1"},{"id":"p2","t":"` + "\x01" + `"}]`, // a control character in a string
	} {
		_, err := callClient(t, h, "putMany", "note", bad)
		require.Error(t, err, bad)
		assert.Equal(t, core.CodeInvalid, core.CodeOf(err), bad)
		rec, err := callClient(t, h, "get", "note", "p1")
		require.NoError(t, err)
		assert.True(t, rec.IsUndefined(), "nothing of %s is written", bad)
	}
}

// put and putMany through the bridge (the memory store) take their records as UTF-8 in a
// Uint8Array too, as offsync.js sends large ones (arrayUTF8, helpers.js utf8): what is stored
// is the text those bytes hold.
func TestRecordsAsUTF8ThroughTheBridge(t *testing.T) {
	h, _ := openMemory(t, `{}`)
	utf8 := func(s string) js.Value {
		u := js.Global().Get("Uint8Array").New(len(s))
		js.CopyBytesToJS(u, []byte(s))
		return u
	}
	one := `{"id":"a","t":"日本語 😀 ü"}`
	_, err := callClient(t, h, "put", "note", utf8(one))
	require.NoError(t, err)
	many := `[{"id":"b","t":"Ελληνικά"},{"id":"c"}]`
	_, err = callClient(t, h, "putMany", "note", utf8(many))
	require.NoError(t, err)
	for id, want := range map[string]string{"a": one, "b": `{"id":"b","t":"Ελληνικά"}`, "c": `{"id":"c"}`} {
		rec, err := callClient(t, h, "get", "note", id)
		require.NoError(t, err)
		assert.Equal(t, want, rec.String(), id)
	}
}
