package main

import (
	"context"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core/rest"
)

// An answer over the cap is a clear error, as on the host (core/rest/nethttp), whether its
// size is announced or not.
func TestFetchDoerCapsTheBody(t *testing.T) {
	d := newFetchDoer(0, js.Undefined())
	assert.Equal(t, defaultMaxBody, d.maxBody)
	url := "data:text/plain," + strings.Repeat("x", 100)
	d.maxBody = 100
	resp, err := d.Do(context.Background(), &rest.Request{Method: "GET", URL: url})
	require.NoError(t, err)
	assert.Len(t, resp.Body, 100)
	d.maxBody = 99
	_, err = d.Do(context.Background(), &rest.Request{Method: "GET", URL: url})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "response body over 99 bytes")
}

// A server that never stops sending (no Content-Length) is cut off at the cap: the stream is
// cancelled after about maxBody bytes, not read into memory to its end.
func TestFetchDoerStopsAnEndlessBody(t *testing.T) {
	const chunk = 1 << 20
	pulls := 0
	pull := js.FuncOf(func(_ js.Value, args []js.Value) any {
		pulls++
		args[0].Call("enqueue", js.Global().Get("Uint8Array").New(chunk))
		return nil
	})
	fetch := js.FuncOf(func(_ js.Value, _ []js.Value) any {
		src := js.Global().Get("Object").New()
		src.Set("pull", pull)
		stream := js.Global().Get("ReadableStream").New(src)
		return js.Global().Get("Promise").Call("resolve", js.Global().Get("Response").New(stream))
	})
	orig := js.Global().Get("fetch")
	js.Global().Set("fetch", fetch)
	t.Cleanup(func() {
		js.Global().Set("fetch", orig)
		fetch.Release()
		pull.Release()
	})
	d := newFetchDoer(0, js.Undefined())
	d.maxBody = 8 * chunk
	_, err := d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/endless"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "response body over 8388608 bytes")
	assert.LessOrEqual(t, pulls, 12, "reading stopped at the cap")
}
