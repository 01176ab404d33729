package main

import (
	"context"
	"strings"
	"syscall/js"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

// fetchDoer is the rest.Doer of the wasm build: the host's fetch(), which exists in pages,
// workers and Node 18+ (net/http on GOOS=js does not use fetch under Node, and costs ~2 MB).
type fetchDoer struct {
	// timeout bounds one request, body included: fetch itself never gives up on a server
	// that accepted the connection and went silent. Zero means no bound.
	timeout time.Duration
}

var _ rest.Doer = fetchDoer{}

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
		// fetch or a header iterator throwing synchronously is a network-level failure.
		if r := recover(); r != nil {
			resp, err = nil, core.Wrap(core.CodeNetwork, op, panicError(r))
		}
	}()
	g := js.Global()
	ac := g.Get("AbortController").New()
	stop := context.AfterFunc(ctx, func() { ac.Call("abort") })
	defer stop()

	init := g.Get("Object").New()
	init.Set("method", req.Method)
	headers := g.Get("Object").New()
	for k, v := range req.Header {
		headers.Set(k, v)
	}
	init.Set("headers", headers)
	if len(req.Body) > 0 {
		body := g.Get("Uint8Array").New(len(req.Body))
		js.CopyBytesToJS(body, req.Body)
		init.Set("body", body)
	}
	init.Set("signal", ac.Get("signal"))

	res, err := await(ctx, g.Call("fetch", req.URL, init), core.CodeNetwork, op+" "+req.Method+" "+req.URL)
	if err != nil {
		return nil, ctxOr(ctx, err)
	}
	out := &rest.Response{Status: res.Get("status").Int(), Header: readHeaders(res.Get("headers"))}
	ab, err := await(ctx, res.Call("arrayBuffer"), core.CodeNetwork, op+" body")
	if err != nil {
		return nil, ctxOr(ctx, err)
	}
	u8 := g.Get("Uint8Array").New(ab)
	out.Body = make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(out.Body, u8)
	return out, nil
}

// ctxOr prefers ctx's own error (cancelled or timeout) to the AbortError it caused.
func ctxOr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return core.Wrap(core.CodeCancelled, "fetch", cerr)
	}
	return err
}

// readHeaders walks a Headers object through its entries() iterator (no callbacks needed);
// fetch already lower-cases the names, ToLower keeps the promise of rest.Response.
func readHeaders(h js.Value) map[string]string {
	out := map[string]string{}
	it := h.Call("entries")
	for {
		n := it.Call("next")
		if n.Get("done").Bool() {
			return out
		}
		kv := n.Get("value")
		out[strings.ToLower(kv.Index(0).String())] = kv.Index(1).String()
	}
}
