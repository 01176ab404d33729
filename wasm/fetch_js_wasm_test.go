package main

import (
	"context"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

// An answer over the cap is a clear error, as on the host (core/rest/nethttp), whether its
// size is announced or not.
func TestFetchDoerCapsTheBody(t *testing.T) {
	d := testDoer(t)
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
	pulls := stubFetch(t, func(int) ([]byte, bool) { return make([]byte, chunk), true })
	d := testDoer(t)
	d.maxBody = 8 * chunk
	_, err := d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/endless"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "response body over 8388608 bytes")
	assert.LessOrEqual(t, *pulls, 12, "reading stopped at the cap")
}

// chunks is a body of these pieces for stubFetch.
func chunks(parts ...string) func(int) ([]byte, bool) {
	return func(i int) ([]byte, bool) {
		if i == len(parts) {
			return nil, false
		}
		return []byte(parts[i]), true
	}
}

// stubFetch makes fetch answer every request with a Response whose body stream is the chunks
// next gives (false: the end) and the given headers (pairs), counting the chunks read.
func stubFetch(t *testing.T, next func(i int) ([]byte, bool), header ...string) *int {
	pulls := 0
	pull := js.FuncOf(func(src js.Value, args []js.Value) any { // src: the stream's source
		i := src.Get("i").Int()
		c, ok := next(i)
		if !ok {
			args[0].Call("close")
			return nil
		}
		b := js.Global().Get("Uint8Array").New(len(c))
		js.CopyBytesToJS(b, c)
		src.Set("i", i+1)
		pulls++
		args[0].Call("enqueue", b)
		return nil
	})
	fetch := js.FuncOf(func(_ js.Value, _ []js.Value) any {
		src := js.Global().Get("Object").New()
		src.Set("pull", pull)
		src.Set("i", 0)
		init := js.Global().Get("Object").New()
		h := js.Global().Get("Object").New()
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		init.Set("headers", h)
		stream := js.Global().Get("ReadableStream").New(src)
		return js.Global().Get("Promise").Call("resolve", js.Global().Get("Response").New(stream, init))
	})
	orig := js.Global().Get("fetch")
	js.Global().Set("fetch", fetch)
	t.Cleanup(func() {
		js.Global().Set("fetch", orig)
		fetch.Release()
		pull.Release()
	})
	return &pulls
}

// A body in several chunks comes to Go whole, in one answer; with Hold, one over holdOver stays
// in JavaScript until Held is called (a large pull page fetched ahead costs the wasm heap
// nothing meanwhile), a smaller one comes in at once.
func TestFetchDoerReadsTheBodyWhole(t *testing.T) {
	stubFetch(t, chunks(`{"items":[`, `{"id":"a"}`, `]}`), "X-Page", "1")
	d := testDoer(t)
	resp, err := d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/note"})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, "1", resp.Header["x-page"])
	assert.Equal(t, `{"items":[{"id":"a"}]}`, string(resp.Body))
	assert.Nil(t, resp.Held)

	resp, err = d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/note", Hold: true})
	require.NoError(t, err)
	assert.Equal(t, `{"items":[{"id":"a"}]}`, string(resp.Body), "not over holdOver: in at once")
	assert.Nil(t, resp.Held)

	d.holdOver = 21
	resp, err = d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/note", Hold: true})
	require.NoError(t, err)
	assert.Nil(t, resp.Body, "held")
	require.NotNil(t, resp.Held)
	assert.Equal(t, `{"items":[{"id":"a"}]}`, string(resp.Held()))
}

// The Doer says when the request has left (rest.Request.Left): once fetch() was called, and once.
// The engine waits for it before applying the page before that request (core.PullSender).
func TestFetchDoerSaysWhenTheRequestLeft(t *testing.T) {
	stubFetch(t, chunks(`{"items":[]}`))
	g := js.Global()
	stub := g.Get("fetch")
	calls := 0
	counting := js.FuncOf(func(this js.Value, args []js.Value) any {
		calls++
		return stub.Call("apply", this, js.ValueOf([]any{args[0], args[1]}))
	})
	g.Set("fetch", counting)
	t.Cleanup(func() {
		g.Set("fetch", stub)
		counting.Release()
	})
	var atLeft []int
	resp, err := testDoer(t).Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/note",
		Left: func() { atLeft = append(atLeft, calls) }})
	require.NoError(t, err)
	assert.Equal(t, `{"items":[]}`, string(resp.Body))
	assert.Equal(t, []int{1}, atLeft, "called once, after fetch()")
}

// A Content-Length over the cap is refused before the body is read.
func TestFetchDoerRefusesAnAnnouncedBodyOverTheCap(t *testing.T) {
	pulls := stubFetch(t, chunks("x", "y"), "Content-Length", "1000")
	d := testDoer(t)
	d.maxBody = 999
	_, err := d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/big"})
	require.Error(t, err)
	assert.Equal(t, core.CodeNetwork, core.CodeOf(err))
	assert.Contains(t, err.Error(), "response body over 999 bytes")
	assert.LessOrEqual(t, *pulls, 1, "the body was not read (a stream may pull one chunk ahead)")
}

// A body of a known length with no Content-Encoding is read in one step (a Response made in
// JavaScript shows every header, as a same-origin one does); the cap still holds when the length
// lies (only such a Response can: the network's framing binds a server's), and a length that
// tells the truth comes in whole.
func TestFetchDoerReadsAKnownLengthWhole(t *testing.T) {
	proto := js.Global().Get("Response").Get("prototype")
	orig := proto.Get("arrayBuffer")
	whole := 0
	count := js.FuncOf(func(this js.Value, _ []js.Value) any {
		whole++
		return orig.Call("call", this) // arrayBuffer takes no arguments
	})
	proto.Set("arrayBuffer", count)
	t.Cleanup(func() {
		proto.Set("arrayBuffer", orig)
		count.Release()
	})
	pulls := stubFetch(t, chunks(`{"items":`, `[]}`), "Content-Length", "12")
	d := testDoer(t)
	resp, err := d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/page"})
	require.NoError(t, err)
	assert.Equal(t, `{"items":[]}`, string(resp.Body))
	assert.Equal(t, 2, *pulls)
	assert.Equal(t, 1, whole, "read with arrayBuffer()")

	stubFetch(t, chunks(`{"items":`, `[]}`), "Content-Length", "2")
	d.maxBody = 11
	_, err = d.Do(context.Background(), &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/page"})
	require.Error(t, err)
	assert.Equal(t, core.CodeNetwork, core.CodeOf(err))
	assert.Contains(t, err.Error(), "response body over 11 bytes")
}

// testDoer is the Doer over the embedded copy of fetch.js: the tests run without offsync.js.
func testDoer(t *testing.T) fetchDoer {
	t.Helper()
	d, err := newFetchDoer(0, js.Undefined())
	require.NoError(t, err)
	return d
}
