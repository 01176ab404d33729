package rest

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/offsync/offsync/core"
)

// errNoBatch says the server has no POST /batch (404/405): push op by op from now on.
var errNoBatch = errors.New("server has no /batch")

type batchOp struct {
	OpID          string          `json:"opId"`
	Kind          string          `json:"kind"`
	ID            string          `json:"id"`
	Type          core.OpType     `json:"type"`
	Payload       json.RawMessage `json:"payload,omitempty"`
	BaseUpdatedAt string          `json:"baseUpdatedAt,omitempty"`
	Force         bool            `json:"force,omitempty"`
}

type batchResult struct {
	OpID       string          `json:"opId"`
	StatusCode int             `json:"statusCode"`
	Data       json.RawMessage `json:"data"`
	Error      json.RawMessage `json:"error"`
}

// pushBatch sends up to 500 ops in one POST /batch. Each op's opId is its idempotency key of
// this attempt, so a re-push after a conflict is not answered from the first attempt's cache.
func (t *Transport) pushBatch(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	const name = "push batch"
	in := struct {
		Ops []batchOp `json:"ops"`
	}{Ops: make([]batchOp, len(ops))}
	for i, op := range ops {
		in.Ops[i] = batchOp{OpID: op.IdempotencyKey(), Kind: op.Kind, ID: op.EntityID, Type: op.Type,
			BaseUpdatedAt: op.BaseUpdatedAt, Force: op.Force}
		if op.Type == core.OpUpsert {
			in.Ops[i].Payload = op.Payload
		}
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, core.Errorf(core.CodeInvalid, name, "encode ops: %w", err)
	}
	resp, err := t.call(ctx, name, &Request{Method: "POST", URL: t.base + "/batch", Body: body}, true)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.Status == 404 || resp.Status == 405:
		return nil, errNoBatch
	case resp.Status != 200:
		return nil, t.statusError(name, resp)
	}
	var out struct {
		Results []batchResult `json:"results"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return nil, protocolError(name, resp, "batch body", err)
	}
	if len(out.Results) != len(ops) {
		return nil, protocolError(name, resp, strconv.Itoa(len(out.Results))+" results for "+strconv.Itoa(len(ops))+" ops", nil)
	}
	results := make([]core.PushResult, len(ops))
	for i, r := range out.Results {
		if r.OpID != in.Ops[i].OpID {
			return nil, protocolError(name, resp, "result "+strconv.Itoa(i)+" is for opId "+strconv.Quote(r.OpID), nil)
		}
		res, err := t.opResult("push "+ops[i].Kind+"/"+ops[i].EntityID, ops[i], resp, r.StatusCode, r.Data, r.Error)
		if err != nil {
			return nil, err
		}
		results[i] = res
	}
	return results, nil
}
