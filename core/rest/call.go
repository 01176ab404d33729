package rest

import (
	"context"
	"strings"

	"github.com/offsync/offsync/core"
)

// call sends one request with the common headers and returns the response. Its errors are
// categorised: auth for a failing token provider, cancelled/timeout for ctx, network for
// anything else the Doer reports (no response at all).
func (t *Transport) call(ctx context.Context, op string, req *Request, auth bool) (*Response, error) {
	if t.cfg.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.cfg.RequestTimeout)
		defer cancel()
	}
	if req.Header == nil {
		req.Header = map[string]string{}
	}
	req.Header["Accept"] = "application/json"
	if req.Body != nil {
		req.Header["Content-Type"] = "application/json"
	}
	if t.cfg.UserAgent != "" {
		req.Header["User-Agent"] = t.cfg.UserAgent
	}
	if auth && t.cfg.Token != nil {
		tok, err := t.tokens.get(ctx, t.cfg.Token)
		if err != nil {
			if ctx.Err() != nil {
				return nil, core.Wrap(core.CodeCancelled, op, ctx.Err())
			}
			return nil, core.Errorf(core.CodeAuth, op, "token provider: %w", err)
		}
		if tok != "" {
			req.Header["Authorization"] = authorization(tok)
		}
	}
	resp, err := t.cfg.Doer.Do(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, core.Wrap(core.CodeCancelled, op, ctx.Err())
		}
		return nil, core.Wrap(core.CodeNetwork, op, err)
	}
	if resp.Header == nil {
		resp.Header = map[string]string{}
	}
	return resp, nil
}

// authorization turns what the token provider gave into an Authorization value: a bare token
// gets the Bearer scheme, a value with a scheme is kept.
func authorization(tok string) string {
	if strings.ContainsRune(strings.TrimSpace(tok), ' ') {
		return strings.TrimSpace(tok)
	}
	return "Bearer " + tok
}
