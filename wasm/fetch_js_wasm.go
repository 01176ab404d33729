package main

import (
	"context"
	"errors"
	"strconv"
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

// fetchDoer is the rest.Doer of the wasm build: the host's fetch(), which exists in pages,
// workers and Node 18+ (net/http on GOOS=js does not use fetch under Node, and costs ~2 MB).
type fetchDoer struct {
	// timeout bounds one request, body included: fetch itself never gives up on a server
	// that accepted the connection and went silent. Zero means no bound.
	timeout time.Duration
	// maxBody bounds a response body (defaultMaxBody).
	maxBody int
	// The host's objects a request uses, looked up once (each lookup is a JS crossing); fetch
	// itself is looked up per request, so that a fetch the app or its tests wrap later is used.
	json, object, uint8Array, abortController js.Value
}

var _ rest.Doer = fetchDoer{}

func newFetchDoer(timeout time.Duration) fetchDoer {
	g := js.Global()
	return fetchDoer{timeout: timeout, maxBody: defaultMaxBody, json: g.Get("JSON"), object: g.Get("Object"),
		uint8Array: g.Get("Uint8Array"), abortController: g.Get("AbortController")}
}

// Do sends req with fetch. An AbortController is aborted when ctx ends, so a cancelled sync
// stops its request at once.
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
		// fetch or reading the headers throwing synchronously is a network-level failure.
		if r := recover(); r != nil {
			resp, err = nil, core.Wrap(core.CodeNetwork, op, panicError(r))
		}
	}()
	ac := d.abortController.New()
	stop := context.AfterFunc(ctx, func() { ac.Call("abort") })
	defer stop()

	init := d.init(req)
	if len(req.Body) > 0 {
		body := d.uint8Array.New(len(req.Body))
		js.CopyBytesToJS(body, req.Body)
		init.Set("body", body)
	}
	init.Set("signal", ac.Get("signal"))

	res, err := await(ctx, js.Global().Call("fetch", req.URL, init), core.CodeNetwork, op+" "+req.Method+" "+req.URL)
	if err != nil {
		return nil, ctxOr(ctx, err)
	}
	header, err := d.headers(res.Get("headers"))
	if err != nil {
		return nil, core.Wrap(core.CodeNetwork, op, err)
	}
	out := &rest.Response{Status: res.Get("status").Int(), Header: header}
	if out.Body, err = d.body(ctx, res, header["content-length"]); err != nil {
		ac.Call("abort") // stop the download
		return nil, ctxOr(ctx, err)
	}
	return out, nil
}

// body reads res's body up to maxBody bytes, chunk by chunk from its stream: arrayBuffer()
// would hold the whole answer before Go could refuse it, and a Content-Length is no bound (a
// compressed answer's is the compressed size, and a chunked one has none).
func (d fetchDoer) body(ctx context.Context, res js.Value, contentLength string) ([]byte, error) {
	tooBig := errors.New("response body over " + strconv.Itoa(d.maxBody) + " bytes")
	if n, err := strconv.Atoi(contentLength); err == nil && n > d.maxBody {
		return nil, tooBig
	}
	stream := res.Get("body")
	if stream.IsNull() || stream.IsUndefined() {
		return []byte{}, nil
	}
	reader := stream.Call("getReader")
	var buf []byte
	if n, err := strconv.Atoi(contentLength); err == nil && n > 0 {
		buf = make([]byte, 0, n)
	}
	for {
		r, err := await(ctx, reader.Call("read"), core.CodeNetwork, "fetch body")
		if err != nil {
			return nil, err
		}
		if r.Get("done").Bool() {
			if buf == nil {
				buf = []byte{}
			}
			return buf, nil
		}
		chunk := r.Get("value")
		n := chunk.Get("length").Int()
		if len(buf)+n > d.maxBody {
			reader.Call("cancel")
			return nil, tooBig
		}
		buf = append(buf, make([]byte, n)...)
		js.CopyBytesToGo(buf[len(buf)-n:], chunk)
	}
}

// ctxOr prefers ctx's own error (cancelled or timeout) to the AbortError it caused.
func ctxOr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return core.Wrap(core.CodeCancelled, "fetch", cerr)
	}
	return err
}

// init is fetch's init object (method and headers) made by one JSON.parse: building it
// property by property costs a JS crossing per header.
func (d fetchDoer) init(req *rest.Request) js.Value {
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
	return d.json.Call("parse", string(b))
}

// headers reads a Headers object as one JSON text (Object.fromEntries, JSON.stringify):
// walking its entries() iterator costs four JS crossings per header. fetch already lower-cases
// the names and joins repeated ones; ToLower keeps the promise of rest.Response.
func (d fetchDoer) headers(h js.Value) (map[string]string, error) {
	text := d.json.Call("stringify", d.object.Call("fromEntries", h)).String()
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
