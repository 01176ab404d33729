package rest

import (
	"encoding/json"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// opResult maps one op's answer (CONTRACT.md client table) to a PushResult. data is where a
// success carries the stored record, errBody where a failure carries its error (both the
// response body for single ops; "data" and "error" of a batch result). 401/403 and an
// unparseable success fail the whole call.
func (t *Transport) opResult(name string, op core.Op, resp *Response, status int, data, errBody json.RawMessage) (core.PushResult, error) {
	res := core.PushResult{OpID: op.OpID, HTTPStatus: status, ServerTime: serverTime(resp)}
	switch {
	case is2xx(status):
		if !jsonscan.Valid(data) {
			return core.PushResult{}, protocolError(name, resp, "acknowledged record", errNotJSON)
		}
		rec, err := parseRecord(op.Kind, data, true, "")
		if err != nil {
			return core.PushResult{}, protocolError(name, resp, "acknowledged record", err)
		}
		if rec.ID != op.EntityID {
			return core.PushResult{}, core.Errorf(core.CodeProtocol, name, "server acknowledged id %q", rec.ID)
		}
		res.Status, res.Record = core.PushOK, &rec
	case status == 409:
		rec, err := conflictRecord(op, errBody, data)
		if err != nil {
			return core.PushResult{}, protocolError(name, resp, "409 body", err)
		}
		res.Status, res.Record = core.PushConflict, rec
		res.Message = serverMessage(status, errBody, "")
	case status == 401 || status == 403:
		return core.PushResult{}, t.statusError(name, &Response{Status: status, Header: resp.Header, Body: errBody})
	case status == 404:
		res.Status, res.Message = core.PushNotFound, serverMessage(status, errBody, "")
	case status == 408 || status == 429 || status >= 500:
		res.Status = core.PushRetry
		res.Err = t.statusError(name, &Response{Status: status, Header: resp.Header, Body: errBody})
		res.Message = serverMessage(status, errBody, resp.Header["content-type"])
	case status >= 400:
		res.Status, res.Message = core.PushRejected, serverMessage(status, errBody, resp.Header["content-type"])
	default:
		return core.PushResult{}, core.Errorf(core.CodeProtocol, name, "unexpected HTTP %d for an op", status)
	}
	return res, nil
}

// conflictBody holds the places where servers put the current record of a 409: CONTRACT.md's
// "current", the seed's "serverData".
type conflictBody struct {
	Current    json.RawMessage `json:"current"`
	ServerData json.RawMessage `json:"serverData"`
}

// conflictRecord finds the server's current record in a 409: "current", then "serverData",
// then a body that is itself a record (has an id). A null "current" means the server has none.
func conflictRecord(op core.Op, bodies ...json.RawMessage) (*core.Record, error) {
	for _, b := range bodies {
		var cb conflictBody
		if isNull(b) || json.Unmarshal(b, &cb) != nil {
			continue
		}
		for _, cand := range []json.RawMessage{cb.Current, cb.ServerData} {
			if cand == nil {
				continue
			}
			if isNull(cand) {
				return nil, nil
			}
			rec, err := parseRecord(op.Kind, cand, false, op.EntityID)
			if err != nil {
				return nil, err
			}
			return &rec, nil
		}
		if rec, err := parseRecord(op.Kind, b, false, ""); err == nil {
			return &rec, nil
		}
	}
	return nil, nil
}
