package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/offsync/offsync/core"
)

// maxBatchOps is CONTRACT.md's limit of ops in one POST /batch.
const maxBatchOps = 500

// batchBodyFactor scales MaxBody into the limit of a whole batch body.
const batchBodyFactor = 8

type batchOp struct {
	OpID          string          `json:"opId"`
	Kind          string          `json:"kind"`
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	Payload       json.RawMessage `json:"payload"`
	BaseUpdatedAt *string         `json:"baseUpdatedAt"`
	Force         bool            `json:"force"`
}

type batchResult struct {
	OpID       string          `json:"opId"`
	StatusCode int             `json:"statusCode"`
	Data       json.RawMessage `json:"data,omitempty"`
	Error      json.RawMessage `json:"error,omitempty"`
}

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request, tenant string) {
	body, ok := readBody(w, r, s.cfg.MaxBody*batchBodyFactor)
	if !ok {
		return
	}
	var req struct {
		Ops []json.RawMessage `json:"ops"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Ops == nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, `body must be {"ops": [...]}`)
		return
	}
	if len(req.Ops) > maxBatchOps {
		writeError(w, http.StatusBadRequest, codeBadRequest, fmt.Sprintf("a batch holds at most %d ops", maxBatchOps))
		return
	}
	results := make([]batchResult, len(req.Ops))
	var valid []writeOp
	var at []int // index in results of each valid op
	for i, raw := range req.Ops {
		o, res := s.parseBatchOp(raw)
		if res != nil {
			results[i] = *res
			continue
		}
		results[i].OpID = o.key
		valid = append(valid, o)
		at = append(at, i)
	}
	if len(valid) > 0 {
		out, err := s.apply(r.Context(), tenant, valid)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		for j, oc := range out {
			res := &results[at[j]]
			res.StatusCode = oc.status
			if oc.status >= 200 && oc.status < 300 {
				res.Data = oc.body
			} else {
				res.Error = oc.body
			}
		}
	}
	b, err := json.Marshal(map[string]any{"results": results})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// parseBatchOp validates one op; a non-nil result is that op's refusal.
func (s *Server) parseBatchOp(raw json.RawMessage) (writeOp, *batchResult) {
	var op batchOp
	refuse := func(status int, code, msg string) (writeOp, *batchResult) {
		return writeOp{}, &batchResult{OpID: op.OpID, StatusCode: status, Error: errorJSON(code, msg, nil)}
	}
	if err := json.Unmarshal(raw, &op); err != nil {
		var idOnly struct {
			OpID any `json:"opId"`
		}
		if json.Unmarshal(raw, &idOnly) == nil {
			if s, ok := idOnly.OpID.(string); ok {
				op.OpID = s
			}
		}
		return refuse(http.StatusBadRequest, codeBadRequest, "op must be an object with string opId, kind, id, type")
	}
	switch {
	case !core.ValidKind(op.Kind):
		return refuse(http.StatusBadRequest, codeBadRequest, "kind must match [a-z][a-z0-9_]{0,63}")
	case !validID(op.ID):
		return refuse(http.StatusBadRequest, codeBadRequest, "id must be 1 to 256 bytes of UTF-8 without NUL")
	case !validKey(op.OpID):
		return refuse(http.StatusBadRequest, codeBadRequest, "opId must be at most 256 bytes of UTF-8 without NUL")
	case int64(len(op.Payload)) > s.cfg.MaxBody:
		return refuse(http.StatusRequestEntityTooLarge, codeTooLarge, "payload is larger than the server's limit")
	}
	o := writeOp{key: op.OpID, kind: op.Kind, id: op.ID, force: op.Force}
	if op.BaseUpdatedAt != nil && *op.BaseUpdatedAt != "" {
		o.base, o.hasBase = *op.BaseUpdatedAt, true
	}
	switch op.Type {
	case "delete":
		o.del = true
	case "upsert":
		fields, base, hasBase, msg := recordFields(op.Payload, op.ID)
		if msg != "" {
			return refuse(http.StatusBadRequest, codeBadRequest, "payload: "+msg)
		}
		o.fields = fields
		if !o.hasBase && hasBase {
			o.base, o.hasBase = base, true
		}
	default:
		return refuse(http.StatusBadRequest, codeBadRequest, `type must be "upsert" or "delete"`)
	}
	return o, nil
}
