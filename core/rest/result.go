package rest

import (
	"context"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// opResult maps one op's answer (CONTRACT.md client table) to a PushResult. data is where a
// success carries the stored record, errBody where a failure carries its error (both the
// response body for single ops; "data" and "error" of a batch result). at is the response's
// serverTime, read once per response (a batch's results share it). scan, when not nil, says
// data is known to be valid JSON and what was read of it as it was checked (a /batch answer's,
// splitResults). 401/403 and a web page answering 2xx fail the whole call.
func (t *Transport) opResult(ctx context.Context, name string, op core.Op, resp *Response, at time.Time, status int, data, errBody core.RawJSON, scan *dataScan) (core.PushResult, error) {
	res := core.PushResult{OpID: op.OpID, HTTPStatus: status, ServerTime: at}
	switch {
	case is2xx(status):
		// A captive portal or proxy answers 200 with its own page: that is no acknowledgement,
		// and taking it for one would drop a write the server never saw. A JSON record whose
		// text holds "<html" (rich text) is no page.
		if looksLikeHTML(data) && !jsonscan.Valid(data) {
			return core.PushResult{}, protocolError(name, resp, "acknowledged record", nil)
		}
		res.Status, res.Record = core.PushOK, ackedRecord(op, data, scan)
	case status == 409:
		rec, found, err := conflictRecord(op, errBody, data)
		if err != nil {
			return core.PushResult{}, protocolError(name, resp, "409 body", err)
		}
		res.Message = serverMessage(status, errBody, "")
		if !found {
			return t.conflictFetched(ctx, name, res, op)
		}
		res.Status, res.Record = core.PushConflict, rec
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

// ackedRecord is the stored record a 2xx answer carries, or nil when it carries none usable:
// no body (204), a body that is not JSON, not a record, another id's record, one without a
// version or still at the op's base (an echo of what was sent: a write always gets a new
// version), or one whose deletion state is not what the op made. Backends built for the seed
// answer this way (its guide documents 204 for DELETE; its engine ignores PUT bodies); the
// engine then learns the version with GET /{kind}/{id} (core/learn.go). scan: see opResult.
func ackedRecord(op core.Op, data core.RawJSON, scan *dataScan) *core.Record {
	var (
		rec core.Record
		err error
	)
	switch {
	case scan != nil && scan.metaOK:
		// splitResults checked data and read its metadata in that pass (ValidObjectMetaAt):
		// ScanMeta would read the record a second time.
		rec, err = recordOf(op.Kind, data, scan.meta, true, "")
	case scan == nil && !jsonscan.Valid(data):
		return nil
	default:
		rec, err = parseRecord(op.Kind, data, true, "")
	}
	if err != nil || rec.ID != op.EntityID || rec.Deleted != (op.Type == core.OpDelete) ||
		(op.BaseUpdatedAt != "" && rec.UpdatedAt == op.BaseUpdatedAt) {
		return nil
	}
	return &rec
}

// dataScan is what a reader of a push answer learned of a result's data as it checked it as
// JSON: meta is its metadata as ScanMeta reads it, when metaOK (data is an object it answers
// for).
type dataScan struct {
	meta   jsonscan.Meta
	metaOK bool
	_      [0]func() // never compared: no equality code for it in sync.wasm
}

// conflictFetched completes a 409 that carries no record (a seed-style server may send only
// {"error":"conflict"}): the record is fetched, so the strategy sees the server's side
// instead of taking the record for gone. A 404 means the server has none; a fetch the network
// or the server failed makes the op a PushRetry.
func (t *Transport) conflictFetched(ctx context.Context, name string, res core.PushResult, op core.Op) (core.PushResult, error) {
	rec, ok, err := t.Fetch(ctx, op.Kind, op.EntityID)
	switch core.CodeOf(err) {
	case "":
	case core.CodeNetwork, core.CodeTimeout, core.CodeServer:
		res.Status, res.Err = core.PushRetry, err
		return res, nil
	case core.CodeAuth, core.CodeCancelled:
		return core.PushResult{}, err
	default:
		return core.PushResult{}, core.Errorf(core.CodeProtocol, name, "409 without the current record, and fetching it failed: %w", err)
	}
	res.Status = core.PushConflict
	if ok {
		if rec.ID != op.EntityID {
			return core.PushResult{}, core.Errorf(core.CodeProtocol, name, "fetched record %q for a 409", rec.ID)
		}
		res.Record = &rec
	}
	return res, nil
}

// conflictRecord finds the server's current record in a 409: "current", then "serverData",
// then a body that is itself a record (has an id), as the seed's client looks for it. A null
// "current" means the server has none; found is false when the body says nothing either way.
func conflictRecord(op core.Op, bodies ...core.RawJSON) (rec *core.Record, found bool, err error) {
	for _, b := range bodies {
		cb, ok := rawFields(b, "current", "serverData")
		if isNull(b) || !ok {
			continue
		}
		for _, cand := range cb {
			if cand == nil {
				continue
			}
			if isNull(cand) {
				return nil, true, nil
			}
			r, err := parseRecord(op.Kind, cand, false, op.EntityID)
			if err != nil {
				return nil, true, err
			}
			return &r, true, nil
		}
		if r, err := parseRecord(op.Kind, b, false, ""); err == nil {
			return &r, true, nil
		}
	}
	return nil, false, nil
}
