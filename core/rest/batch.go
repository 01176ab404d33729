package rest

import (
	"bytes"
	"context"
	"errors"
	"strconv"

	"github.com/offsync/offsync/core"
)

// errNoBatch says the server has no POST /batch (404/405): push op by op from now on.
var errNoBatch = errors.New("server has no /batch")

type batchOp struct {
	OpID          string       `json:"opId"`
	Kind          string       `json:"kind"`
	ID            string       `json:"id"`
	Type          core.OpType  `json:"type"`
	Payload       core.RawJSON `json:"payload,omitempty"`
	BaseUpdatedAt string       `json:"baseUpdatedAt,omitempty"`
	Force         bool         `json:"force,omitempty"`
}

type batchResult struct {
	OpID       string       `json:"opId"`
	StatusCode int          `json:"statusCode"`
	Data       core.RawJSON `json:"data"`
	Error      core.RawJSON `json:"error"`
	// scan is what splitResults read of Data as it checked it (decodeResultsSlow: nothing).
	scan dataScan
}

// pushBatch sends up to 500 ops in one POST /batch. Each op's opId is its idempotency key of
// this attempt, so a re-push after a conflict is not answered from the first attempt's cache.
// An op with a malformed payload is rejected without being sent; the others go.
func (t *Transport) pushBatch(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	const name = "push batch"
	results := make([]core.PushResult, len(ops))
	var in struct {
		Ops []batchOp `json:"ops"`
	}
	in.Ops = make([]batchOp, 0, len(ops)) // grown by appends, a tenth of a push's allocation in wasm
	sent := make([]int, 0, len(ops))
	for i, op := range ops {
		if err := checkPayload(op); err != nil {
			results[i] = core.PushResult{OpID: op.OpID, Status: core.PushRejected, Message: err.Error()}
			continue
		}
		bo := batchOp{OpID: op.IdempotencyKey(), Kind: op.Kind, ID: op.EntityID, Type: op.Type,
			BaseUpdatedAt: op.BaseUpdatedAt, Force: op.Force}
		if op.Type == core.OpUpsert {
			bo.Payload = bytes.TrimSpace(op.Payload)
		}
		in.Ops = append(in.Ops, bo)
		sent = append(sent, i)
	}
	if len(sent) == 0 {
		return results, nil
	}
	body := appendBatch(make([]byte, 0, batchSize(in.Ops)), in.Ops)
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
	answers, err := decodeResults(resp.Body)
	if err != nil {
		return nil, protocolError(name, resp, "batch body", err)
	}
	if len(answers) != len(in.Ops) {
		return nil, protocolError(name, resp, strconv.Itoa(len(answers))+" results for "+strconv.Itoa(len(in.Ops))+" ops", nil)
	}
	at := serverTime(resp)
	for j, r := range answers {
		if r.OpID != in.Ops[j].OpID {
			return nil, protocolError(name, resp, "result "+strconv.Itoa(j)+" is for opId "+strconv.Quote(r.OpID), nil)
		}
		op := ops[sent[j]]
		res, err := t.opResult(ctx, "push "+op.Kind+"/"+op.EntityID, op, resp, at, r.StatusCode, r.Data, r.Error, &answers[j].scan)
		if err != nil {
			return nil, err
		}
		results[sent[j]] = res
	}
	return results, nil
}
