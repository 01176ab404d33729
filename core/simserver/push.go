package simserver

import (
	"context"
	"encoding/json"

	"github.com/offsync/offsync/core"
)

// Push applies ops in order with the semantics of PUT/DELETE (CONTRACT.md) and returns one
// result per op. Each op's first answer is remembered under its idempotency key and replayed
// for the same key without changing anything.
func (s *Server) Push(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	if err := s.begin(ctx, MethodPush, ops); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	results := make([]core.PushResult, 0, len(ops))
	for _, op := range ops {
		fault := Pass
		if s.hooks.Op != nil {
			fault = s.hooks.Op(core.CloneOp(op))
		}
		switch fault {
		case LoseRequest:
			return nil, NetworkError(MethodPush)
		case Unavailable, TooMany, Reject, Missing:
			results = append(results, s.faulted(op, fault))
			continue
		}
		r := s.apply(op)
		if fault == LoseResponse {
			return nil, NetworkError(MethodPush)
		}
		results = append(results, r)
	}
	return results, nil
}

// faulted is the answer a Fault imposes on op.
func (s *Server) faulted(op core.Op, f Fault) core.PushResult {
	r := core.PushResult{OpID: op.OpID, ServerTime: s.opts.Now()}
	switch f {
	case Unavailable:
		r.Status, r.HTTPStatus, r.Err = core.PushRetry, 503, ServerError(503)
	case TooMany:
		r.Status, r.HTTPStatus, r.Err = core.PushRetry, 429, RateLimited(s.opts.RetryAfter)
	case Reject:
		r.Status, r.HTTPStatus, r.Message = core.PushRejected, 400, "simulated rejection"
	case Missing:
		r.Status, r.HTTPStatus = core.PushNotFound, 404
	}
	return r
}

// apply answers op, replaying the first answer of its idempotency key.
func (s *Server) apply(op core.Op) core.PushResult {
	key := op.IdempotencyKey()
	if r, ok := s.replies[key]; ok {
		return cloneResult(r)
	}
	r := s.decide(op)
	if r.Status == core.PushOK {
		s.applied[key]++
	}
	r.OpID = op.OpID
	r.ServerTime = s.opts.Now()
	s.replies[key] = cloneResult(r)
	return r
}

// decide applies one op to the state: the conflict rule, the revive rule, soft deletes.
func (s *Server) decide(op core.Op) core.PushResult {
	if !core.ValidKind(op.Kind) || !core.ValidID(op.EntityID) {
		return rejected("invalid kind or id")
	}
	cur := s.get(op.Kind, op.EntityID)
	conflict := func() core.PushResult {
		rec := cur.record(op.Kind, op.EntityID)
		return core.PushResult{Status: core.PushConflict, HTTPStatus: 409, Record: &rec}
	}
	// Not forced: the base must be the stored version (a base equal to a tombstone's version
	// revives it); no base for an existing record is a conflict (both sides created it).
	stale := cur != nil && !op.Force && op.BaseUpdatedAt != cur.version
	if op.Type == core.OpDelete {
		switch {
		case cur == nil:
			return core.PushResult{Status: core.PushNotFound, HTTPStatus: 404}
		case stale:
			return conflict()
		}
		rec := s.write(op.Kind, op.EntityID, cur.fields, true)
		return core.PushResult{Status: core.PushOK, HTTPStatus: 200, Record: &rec}
	}
	var fields map[string]core.RawJSON
	if err := json.Unmarshal(op.Payload, &fields); err != nil || fields == nil {
		return rejected("the body is not a JSON object")
	}
	if raw, ok := fields["id"]; ok {
		var id string
		if json.Unmarshal(raw, &id) != nil || id != op.EntityID {
			return rejected("the body's id differs from the path")
		}
	}
	switch {
	case cur == nil && s.opts.NoUpsert:
		return core.PushResult{Status: core.PushNotFound, HTTPStatus: 404}
	case stale:
		return conflict()
	}
	status := 200
	if cur == nil {
		status = 201
	}
	rec := s.write(op.Kind, op.EntityID, fields, false)
	return core.PushResult{Status: core.PushOK, HTTPStatus: status, Record: &rec}
}

func rejected(msg string) core.PushResult {
	return core.PushResult{Status: core.PushRejected, HTTPStatus: 400, Message: msg}
}

func cloneResult(r core.PushResult) core.PushResult {
	if r.Record != nil {
		rec := core.CloneRecord(*r.Record)
		r.Record = &rec
	}
	return r
}
