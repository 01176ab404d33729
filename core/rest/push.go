package rest

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/offsync/offsync/core"
)

// Push sends ops and returns one result per op, in order: through POST /batch in chunks of at
// most 500, or as single PUT/DELETE requests when batching is off or the server lacks /batch.
func (t *Transport) Push(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	results := make([]core.PushResult, 0, len(ops))
	for len(ops) > 0 && !t.noBatch.Load() {
		n := min(len(ops), maxBatch)
		res, err := t.pushBatch(ctx, ops[:n])
		if errors.Is(err, errNoBatch) {
			t.noBatch.Store(true)
			break
		}
		if err != nil {
			return nil, err
		}
		results = append(results, res...)
		ops = ops[n:]
	}
	if len(ops) == 0 {
		return results, nil
	}
	res, err := t.pushSingles(ctx, ops)
	if err != nil {
		return nil, err
	}
	return append(results, res...), nil
}

// pushSingles sends each op as its own request, at most PushConcurrency at once. A network
// failure stops sending (offline fails fast): the ops not sent get its error as PushRetry. An
// auth, protocol or cancellation error fails the whole call, as does every op failing.
func (t *Transport) pushSingles(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]core.PushResult, len(ops))
	sent := make([]bool, len(ops))
	sem := make(chan struct{}, t.cfg.PushConcurrency)
	var (
		mu      sync.Mutex
		fatal   error
		offline error
		wg      sync.WaitGroup
	)
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return fatal != nil || offline != nil
	}
	for i, op := range ops {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil || stopped() {
			break
		}
		sent[i] = true
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := t.pushOne(ctx, op)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				if fatal == nil {
					fatal = err
					cancel()
				}
			case res.Status == core.PushRetry && core.CodeOf(res.Err) == core.CodeNetwork && offline == nil:
				offline = res.Err
			}
			results[i] = res
		}()
	}
	wg.Wait()
	if fatal != nil {
		return nil, fatal
	}
	all := true
	for i := range results {
		if !sent[i] {
			if offline == nil {
				return nil, core.Wrap(core.CodeCancelled, "push", context.Cause(ctx))
			}
			results[i] = core.PushResult{OpID: ops[i].OpID, Status: core.PushRetry, Err: offline}
		}
		all = all && results[i].Status == core.PushRetry
	}
	if all {
		return nil, results[0].Err
	}
	return results, nil
}

// pushOne sends one op as PUT or DELETE. Only whole-call failures (auth, protocol,
// cancellation) are returned as errors; a network failure is this op's PushRetry.
func (t *Transport) pushOne(ctx context.Context, op core.Op) (core.PushResult, error) {
	name := "push " + op.Kind + "/" + op.EntityID
	req := &Request{URL: t.recordURL(op.Kind, op.EntityID), Header: map[string]string{
		"X-Idempotency-Key": op.IdempotencyKey(),
	}}
	if err := checkPayload(op); err != nil {
		return core.PushResult{OpID: op.OpID, Status: core.PushRejected, Message: err.Error()}, nil
	}
	switch op.Type {
	case core.OpUpsert:
		body, err := withBase(op.Payload, op.BaseUpdatedAt)
		if err != nil {
			return core.PushResult{OpID: op.OpID, Status: core.PushRejected, Message: err.Error()}, nil
		}
		req.Method, req.Body = "PUT", body
		if op.Force {
			req.Header["X-Force-Update"] = "true"
		}
	case core.OpDelete:
		req.Method = "DELETE"
		// The base goes both ways: the seed's client sends the query parameter, its example
		// backend reads the header (CONTRACT.md "Delete").
		if op.BaseUpdatedAt != "" {
			req.URL += "?_baseUpdatedAt=" + queryEscape(op.BaseUpdatedAt)
			req.Header["X-Base-Updated-At"] = op.BaseUpdatedAt
		}
		if op.Force {
			req.Header["X-Force-Delete"] = "true"
		}
	default:
		return core.PushResult{OpID: op.OpID, Status: core.PushRejected, Message: "unknown op type " + string(op.Type)}, nil
	}
	resp, err := t.call(ctx, name, req, true)
	if err != nil {
		switch core.CodeOf(err) {
		case core.CodeNetwork, core.CodeTimeout:
			return core.PushResult{OpID: op.OpID, Status: core.PushRetry, Err: err}, nil
		}
		return core.PushResult{}, err
	}
	if is2xx(resp.Status) && strings.Contains(resp.Header["content-type"], "text/html") {
		// A web page, even an empty one, is a portal's or proxy's answer, not the server's.
		return core.PushResult{}, protocolError(name, resp, "acknowledged record", nil)
	}
	return t.opResult(ctx, name, op, resp, serverTime(resp), resp.Status, resp.Body, resp.Body, nil)
}
