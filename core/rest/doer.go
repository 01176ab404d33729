// Package rest is offsync's REST transport: the protocol of CONTRACT.md (URLs, query
// parameters, headers, JSON bodies, status codes → results and categorised errors) over a tiny
// Doer that moves the bytes. It does not import net/http, so the wasm build can leave it out:
// the host Doer is in rest/nethttp, the browser/Node one (fetch) in the wasm package.
package rest

import "context"

// Request is one HTTP request as the protocol layer builds it.
type Request struct {
	Method string
	URL    string
	// Header holds header names in canonical form (e.g. "X-Idempotency-Key").
	Header map[string]string
	Body   []byte
	// Hold lets the Doer leave the answer's body where it is until Response.Held is called:
	// the browser's fetch keeps a large one in JavaScript, out of the program's memory, so that
	// a pull page fetched ahead of its turn costs none there (docs/DESIGN.md "Pull"). A Doer
	// may set Body instead, as without Hold.
	Hold bool
	// Left, when not nil, is called by the Doer once the request has left, before it waits for
	// the answer (core.PullSender's left): the browser's fetch Doer once fetch() is called,
	// net/http's just before it sends.
	Left func()
}

// Response is one HTTP response, whatever its status.
type Response struct {
	Status int
	// Header holds header names in lower case (e.g. "retry-after", "content-type", "date").
	Header map[string]string
	Body   []byte
	// Held, set only for a Request with Hold and then instead of Body, copies the body in.
	Held func() []byte
}

// take moves a held body into Body.
func (r *Response) take() {
	if r.Held != nil {
		r.Body, r.Held = r.Held(), nil
	}
}

// Doer sends one request. It returns an error only when no HTTP response came back (network
// failure, ctx cancelled or timed out); any status, 500 included, is a Response.
// Implementations must honour ctx cancellation and must not retry.
type Doer interface {
	Do(ctx context.Context, req *Request) (*Response, error)
}
