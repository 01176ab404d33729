package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"

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

// batchResult is one op's answer; encodeResults writes it as {"opId", "statusCode", "data" or "error"}.
type batchResult struct {
	OpID       string
	StatusCode int
	Data       []byte
	Error      []byte
}

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request, tenant string) {
	body, ok := readBody(w, r, s.cfg.MaxBody*batchBodyFactor)
	if !ok {
		return
	}
	ops, ok := parseBatch(w, body)
	if !ok {
		return
	}
	results := make([]batchResult, len(ops))
	valid := make([]writeOp, 0, len(ops))
	at := make([]int, 0, len(ops)) // index in results of each valid op
	for i, op := range ops {
		o, res := s.checkBatchOp(op)
		if res != nil {
			results[i] = *res
			continue
		}
		results[i].OpID = o.key
		valid = append(valid, o)
		at = append(at, i)
	}
	if len(valid) > 0 {
		out, err := s.apply(r.Context(), tenant, valid, budget{read: maxReadBytes, answer: maxAnswerBytes})
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
	writeJSON(w, http.StatusOK, encodeResults(results))
}

// parseBatch checks a POST /batch body and decodes its ops, answering 400 when it is refused.
func parseBatch(w http.ResponseWriter, body []byte) ([]parsedOp, bool) {
	refuse := func(msg string) ([]parsedOp, bool) {
		writeError(w, http.StatusBadRequest, codeBadRequest, msg)
		return nil, false
	}
	// encoding/json reads invalid UTF-8 as U+FFFD: an op's id "\xff" would name the record
	// "\uFFFD" (the single-op form refuses %FF), and opIds "\xff" and "\xfe" would be one key.
	if !utf8.Valid(body) {
		return refuse("body must be valid UTF-8")
	}
	// Counted before anything is decoded: 8 MiB of [0,0,…] is 4 M items to encoding/json.
	arr, n, err := countOps(body, maxBatchOps)
	switch {
	case err != nil:
		return refuse(err.Error())
	case n > maxBatchOps:
		return refuse(fmt.Sprintf("a batch holds at most %d ops", maxBatchOps))
	case !json.Valid(body):
		// countOps skips the other members without validating them.
		return refuse("body must be JSON")
	}
	ops, ok := decodeOps(arr)
	if !ok {
		return refuse(errNotBatch.Error())
	}
	return ops, true
}

// decodeOps decodes the ops array countOps counted. Well-formed batches decode in one pass;
// when an op does not fit batchOp, each op is decoded on its own so that only that op is
// refused.
func decodeOps(arr []byte) ([]parsedOp, bool) {
	var whole []batchOp
	if err := json.Unmarshal(arr, &whole); err == nil {
		ops := make([]parsedOp, len(whole))
		for i := range whole {
			ops[i].op = &whole[i]
		}
		return ops, true
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(arr, &raws); err != nil {
		return nil, false
	}
	ops := make([]parsedOp, len(raws))
	for i, raw := range raws {
		ops[i] = parseOp(raw)
	}
	return ops, true
}

// parsedOp is one decoded op, or (op nil) the opId of one that is not a batchOp.
type parsedOp struct {
	op    *batchOp
	badID string
}

func parseOp(raw json.RawMessage) parsedOp {
	var op batchOp
	if err := json.Unmarshal(raw, &op); err == nil {
		return parsedOp{op: &op}
	}
	var idOnly struct {
		OpID any `json:"opId"`
	}
	if json.Unmarshal(raw, &idOnly) == nil {
		if s, ok := idOnly.OpID.(string); ok {
			return parsedOp{badID: s}
		}
	}
	return parsedOp{}
}

// checkBatchOp validates one op; a non-nil result is that op's refusal.
func (s *Server) checkBatchOp(p parsedOp) (writeOp, *batchResult) {
	if p.op == nil {
		return writeOp{}, &batchResult{OpID: p.badID, StatusCode: http.StatusBadRequest,
			Error: errorJSON(codeBadRequest, "op must be an object with string opId, kind, id, type", nil)}
	}
	op := p.op
	refuse := func(status int, code, msg string) (writeOp, *batchResult) {
		return writeOp{}, &batchResult{OpID: op.OpID, StatusCode: status, Error: errorJSON(code, msg, nil)}
	}
	switch {
	case !core.ValidKind(op.Kind):
		return refuse(http.StatusBadRequest, codeBadRequest, "kind must match [a-z][a-z0-9_]{0,63}")
	case reservedKinds[op.Kind]:
		return refuse(http.StatusBadRequest, codeBadRequest, reservedKindMsg)
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
		if msg := checkRecord(op.Payload); msg != "" {
			return refuse(http.StatusBadRequest, codeBadRequest, "payload: "+msg)
		}
		var plain bool
		if o.head, o.tail, plain = plainDoc(op.Payload, op.ID); plain {
			break
		}
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

// encodeResults writes {"results": [...]} by hand: data and error bodies are JSON the server
// produced itself (compact, escaped as encoding/json does), so they are copied, not re-checked
// and re-compacted as json.Marshal does with a RawMessage.
func encodeResults(results []batchResult) []byte {
	n := len(`{"results":[]}`)
	for _, r := range results {
		n += len(`{"opId":"","statusCode":000,"error":}`) + len(r.OpID) + len(r.Data) + len(r.Error) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"results":[`...)
	for i, r := range results {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"opId":`...)
		b = appendJSONString(b, r.OpID)
		b = append(b, `,"statusCode":`...)
		b = strconv.AppendInt(b, int64(r.StatusCode), 10)
		if len(r.Data) > 0 {
			b = append(b, `,"data":`...)
			b = append(b, r.Data...)
		}
		if len(r.Error) > 0 {
			b = append(b, `,"error":`...)
			b = append(b, r.Error...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendJSONString appends s as encoding/json writes it; plain ASCII (opIds are UUIDs) is copied.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
