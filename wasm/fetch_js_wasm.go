package main

import (
	"context"
	"errors"
	"syscall/js"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/internal/jsonscan"
	"github.com/offsync/offsync/internal/jsonv"
)

// defaultMaxBody bounds a response body read into memory: 64 MiB, as core/rest/nethttp's
// DefaultMaxBody on the host. A bigger answer is an error, not an out-of-memory tab.
const defaultMaxBody = 64 << 20

// defaultHoldOver is the body size past which a response asked to be held (rest.Request.Hold)
// stays in JavaScript until it is read; a smaller one comes in at once, so that the transport
// parses it while the page before it is applied (docs/DESIGN.md "Pull"): two pages of that size
// cost the wasm heap little.
const defaultHoldOver = 1 << 20

// fetchDoer is the rest.Doer of the wasm build: the host's fetch(), which exists in pages,
// workers and Node 18+ (net/http on GOOS=js does not use fetch under Node, and costs ~2 MB).
type fetchDoer struct {
	// timeout bounds one request, body included: fetch itself never gives up on a server
	// that accepted the connection and went silent. Zero means no bound.
	timeout time.Duration
	// maxBody bounds a response body (defaultMaxBody).
	maxBody int
	// holdOver: a body asked to be held is held when larger (defaultHoldOver).
	holdOver int
	// helper is the object fetch.js returns; the host's objects a request uses are looked up
	// once (each lookup is a JS crossing).
	helper, uint8Array, abortController js.Value
}

var _ rest.Doer = fetchDoer{}

// errNoFetchHelper refuses an open without fetch.js's helper in a build without its copy.
var errNoFetchHelper = errors.New("no fetch helper given (sync.wasm gets it from offsync.js, ./wasm_exec.js)")

// newFetchDoer makes the Doer with helper, fetch.js as offsync.js imported it; when helper is
// not an object (tests, a bridge used without offsync.js) it compiles fetchSource, the copy of
// fetch.js in builds without the offsyncjs tag (fetchsource.go), and fails without one.
func newFetchDoer(timeout time.Duration, helper js.Value) (fetchDoer, error) {
	g := js.Global()
	if helper.Type() != js.TypeObject {
		if fetchSource == "" {
			return fetchDoer{}, core.Wrap(core.CodeInvalid, "open", errNoFetchHelper)
		}
		helper = g.Get("Function").New(fetchSource).Invoke()
	}
	return fetchDoer{timeout: timeout, maxBody: defaultMaxBody, holdOver: defaultHoldOver, helper: helper,
		uint8Array: g.Get("Uint8Array"), abortController: g.Get("AbortController")}, nil
}

// Do sends req with fetch. An AbortController is aborted when ctx ends, so a cancelled sync
// stops its request at once. The answer comes back whole, in one wake-up of the Go program;
// with req.Hold a body over holdOver stays in JavaScript until Response.Held is called.
func (d fetchDoer) Do(ctx context.Context, req *rest.Request) (resp *rest.Response, err error) {
	const op = "fetch"
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, core.Wrap(core.CodeCancelled, op, err)
	}
	defer func() {
		// fetch or reading the answer throwing synchronously is a network-level failure.
		if r := recover(); r != nil {
			resp, err = nil, core.Wrap(core.CodeNetwork, op, panicError(r))
		}
	}()
	ac := d.abortController.New()
	stop := context.AfterFunc(ctx, func() { ac.Call("abort") })
	defer stop()

	body := js.Undefined()
	if len(req.Body) > 0 {
		body = d.uint8Array.New(len(req.Body))
		js.CopyBytesToJS(body, req.Body)
	}
	// fetch.js's fetch calls the browser's fetch() before its first await: the request has left.
	p := d.helper.Call("fetch", req.URL, d.init(req), body, ac.Get("signal"), d.maxBody)
	if req.Left != nil {
		req.Left()
	}
	res, err := await(ctx, p, core.CodeNetwork, op+" "+req.Method+" "+req.URL)
	if err != nil {
		ac.Call("abort") // stop the download
		return nil, ctxOr(ctx, err)
	}
	header, err := d.headers(res.Index(1).String())
	if err != nil {
		return nil, core.Wrap(core.CodeNetwork, op, err)
	}
	out := &rest.Response{Status: res.Index(0).Int(), Header: header}
	bytes := res.Index(2)
	if req.Hold && bytes.Get("length").Int() > d.holdOver {
		out.Held = func() []byte { return copyIn(bytes) }
	} else {
		out.Body = copyIn(bytes)
	}
	return out, nil
}

// copyIn copies a Uint8Array into Go's memory.
func copyIn(u8 js.Value) []byte {
	n := u8.Get("length").Int()
	b := make([]byte, n, bodyCap(n))
	js.CopyBytesToGo(b, u8)
	return b
}

// ctxOr prefers ctx's own error (cancelled or timeout) to the AbortError it caused.
func ctxOr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return core.Wrap(core.CodeCancelled, "fetch", cerr)
	}
	return err
}

// init is fetch's init object (method and headers) as one JSON text, which fetch.js parses:
// building it property by property costs a JS crossing per header.
func (d fetchDoer) init(req *rest.Request) string {
	b := append(jsonv.AppendString([]byte(`{"method":`), req.Method), '}')
	if len(req.Header) > 0 {
		b = append(b[:len(b)-1], `,"headers":{`...)
		sep := byte(0)
		for k, v := range req.Header {
			if sep != 0 {
				b = append(b, sep)
			}
			sep = ','
			b = append(jsonv.AppendString(b, k), ':')
			b = jsonv.AppendString(b, v)
		}
		b = append(b, "}}"...)
	}
	return string(b)
}

// headers reads the answer's headers, which fetch.js sends as one JSON text: walking a Headers
// object's entries() iterator costs four JS crossings per header. fetch already lower-cases the
// names and joins repeated ones; ToLower keeps the promise of rest.Response.
func (d fetchDoer) headers(text string) (map[string]string, error) {
	out := map[string]string{}
	err := jsonv.Check([]byte(text))
	if err == nil {
		err = jsonv.Members([]byte(text), func(k string, v []byte) error {
			var s string
			err := jsonv.String(v, &s)
			out[jsonscan.ToLowerASCII(k)] = s
			return err
		})
	}
	if err != nil {
		return nil, errors.New("response headers: " + err.Error())
	}
	return out, nil
}
