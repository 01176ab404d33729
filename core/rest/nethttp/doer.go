// Package nethttp is the host rest.Doer, on net/http. The wasm build uses fetch instead, so
// only host programs (servers, tests, CLIs) pull net/http in.
package nethttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/offsync/offsync/core/rest"
)

// DefaultMaxBody bounds a response body read into memory (64 MiB).
const DefaultMaxBody = 64 << 20

// Doer sends rest.Requests with an *http.Client. Timeouts come from the ctx of each call.
type Doer struct {
	client  *http.Client
	maxBody int64
}

var _ rest.Doer = (*Doer)(nil)

// New returns a Doer over a copy of client (http.DefaultClient when nil) that follows no
// redirect of a write: net/http re-sends a PUT or DELETE redirected by 301/302/303 as a GET,
// whose 200 with the old record the transport took for an acknowledgement of a write the
// server never got. The 3xx itself is answered instead (a protocol error).
func New(client *http.Client) *Doer {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	follow := c.CheckRedirect
	c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if m := via[0].Method; m != http.MethodGet && m != http.MethodHead {
			return http.ErrUseLastResponse
		}
		if follow != nil {
			return follow(r, via)
		}
		if len(via) >= 10 { // net/http's own limit when CheckRedirect is nil
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &Doer{client: &c, maxBody: DefaultMaxBody}
}

// Do sends req and reads the whole response. Header names of the response are lower-cased and
// repeated headers joined with ", ". A request body is not re-sendable (GetBody is cleared), so
// net/http does not silently resend a write whose answer was lost: retrying is the engine's job.
func (d *Doer) Do(ctx context.Context, req *rest.Request) (*rest.Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	hr.GetBody = nil
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	if req.Left != nil {
		req.Left() // nothing more happens here before it leaves
	}
	resp, err := d.client.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, d.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if int64(len(b)) > d.maxBody {
		return nil, fmt.Errorf("response body over %d bytes", d.maxBody)
	}
	h := make(map[string]string, len(resp.Header))
	for k, v := range resp.Header {
		h[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return &rest.Response{Status: resp.StatusCode, Header: h, Body: b}, nil
}
