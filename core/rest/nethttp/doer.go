// Package nethttp is the host rest.Doer, on net/http. The wasm build uses fetch instead, so
// only host programs (servers, tests, CLIs) pull net/http in.
package nethttp

import (
	"bytes"
	"context"
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

// New returns a Doer over client (http.DefaultClient when nil).
func New(client *http.Client) *Doer {
	if client == nil {
		client = http.DefaultClient
	}
	return &Doer{client: client, maxBody: DefaultMaxBody}
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
