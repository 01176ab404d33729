package core

import (
	"encoding/json"
	"strconv"

	"github.com/offsync/offsync/internal/jsonv"
)

// Hand-written JSON for the types that cross to JS or into Meta, in the shape their json tags
// give encoding/json (the server still uses those): encoding/json, fmt and reflect are most of
// sync.wasm's download (docs/DESIGN.md, "No encoding/json in sync.wasm").
// jsoncodec_test.go compares every encoder and decoder here with encoding/json.

// jsonw appends the members of one JSON object.
type jsonw struct{ b []byte }

func (w *jsonw) key(k string) {
	if w.b[len(w.b)-1] != '{' {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, k...) // keys are plain ASCII constants
	w.b = append(w.b, '"', ':')
}

func (w *jsonw) str(k, v string) { w.key(k); w.b = jsonv.AppendString(w.b, v) }

func (w *jsonw) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jsonw) int(k string, v int64) { w.key(k); w.b = strconv.AppendInt(w.b, v, 10) }

func (w *jsonw) intOmit(k string, v int64) {
	if v != 0 {
		w.int(k, v)
	}
}

func (w *jsonw) bool(k string, v bool) { w.key(k); w.b = strconv.AppendBool(w.b, v) }

func (w *jsonw) boolOmit(k string, v bool) {
	if v {
		w.bool(k, v)
	}
}

// raw appends a JSON value as json.RawMessage marshals: nil or empty is null.
func (w *jsonw) raw(k string, v []byte) { w.key(k); w.b = appendRaw(w.b, v) }

func (w *jsonw) rawOmit(k string, v []byte) {
	if len(v) > 0 {
		w.raw(k, v)
	}
}

func (w *jsonw) strs(k string, v []string) { w.key(k); w.b = jsonv.AppendStrings(w.b, v) }

func (w *jsonw) strsOmit(k string, v []string) {
	if len(v) > 0 {
		w.strs(k, v)
	}
}

func appendRaw(b, v []byte) []byte {
	if len(v) == 0 {
		return append(b, "null"...)
	}
	return append(b, v...)
}

// appendList appends list as a JSON array (null when nil, as json.Marshal).
func appendList[T any](b []byte, list []T, item func([]byte, T) []byte) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, it := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = item(b, it)
	}
	return append(b, ']')
}

// decodeList decodes the JSON text v, an array (or null) of objects, with item.
func decodeList[T any](v []byte, item func([]byte, *T) error) ([]T, error) {
	if err := jsonv.Check(v); err != nil {
		return nil, err
	}
	if jsonv.IsNull(v) {
		return nil, nil
	}
	list := []T{}
	err := jsonv.Items(v, func(it []byte) error {
		var x T
		err := item(it, &x)
		list = append(list, x)
		return err
	})
	return list, err
}

// AppendOp appends op's JSON.
func AppendOp(b []byte, op Op) []byte {
	w := jsonw{append(b, '{')}
	w.str("opId", op.OpID)
	w.int("seq", op.Seq)
	w.str("kind", op.Kind)
	w.str("id", op.EntityID)
	w.str("type", string(op.Type))
	w.rawOmit("payload", op.Payload)
	w.strOmit("baseUpdatedAt", op.BaseUpdatedAt)
	w.strs("changedFields", op.ChangedFields)
	w.int("localTimestamp", op.LocalTimestamp)
	w.boolOmit("inFlight", op.InFlight)
	w.intOmit("attempt", int64(op.Attempt))
	w.boolOmit("force", op.Force)
	return append(w.b, '}')
}

// DecodeOp decodes the JSON value v (checked by the caller) into op as json.Unmarshal would.
func DecodeOp(v []byte, op *Op) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "opId"):
			return jsonv.String(v, &op.OpID)
		case jsonv.Key(k, "seq"):
			return jsonv.Int(v, &op.Seq)
		case jsonv.Key(k, "kind"):
			return jsonv.String(v, &op.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(v, &op.EntityID)
		case jsonv.Key(k, "type"):
			return jsonv.String(v, (*string)(&op.Type))
		case jsonv.Key(k, "payload"):
			return jsonv.Raw(v, (*[]byte)(&op.Payload))
		case jsonv.Key(k, "baseUpdatedAt"):
			return jsonv.String(v, &op.BaseUpdatedAt)
		case jsonv.Key(k, "changedFields"):
			return jsonv.Strings(v, &op.ChangedFields)
		case jsonv.Key(k, "localTimestamp"):
			return jsonv.Int(v, &op.LocalTimestamp)
		case jsonv.Key(k, "inFlight"):
			return jsonv.Bool(v, &op.InFlight)
		case jsonv.Key(k, "attempt"):
			return jsonv.IntOf(v, &op.Attempt)
		case jsonv.Key(k, "force"):
			return jsonv.Bool(v, &op.Force)
		}
		return nil
	})
}

// AppendConflict appends c's JSON.
func AppendConflict(b []byte, c Conflict) []byte {
	w := jsonw{append(b, '{')}
	w.str("id", c.ID)
	w.str("kind", c.Kind)
	w.str("entityId", c.EntityID)
	w.str("opId", c.OpID)
	w.raw("local", c.Local)
	w.raw("server", c.Server)
	w.boolOmit("serverDeleted", c.ServerDeleted)
	w.boolOmit("localDeleted", c.LocalDeleted)
	w.strs("changedFields", c.ChangedFields)
	w.strOmit("serverUpdatedAt", c.ServerUpdatedAt)
	w.strOmit("baseUpdatedAt", c.BaseUpdatedAt)
	w.int("detectedAt", c.DetectedAtMs)
	return append(w.b, '}')
}

// AppendParkedOp appends p's JSON.
func AppendParkedOp(b []byte, p ParkedOp) []byte {
	w := jsonw{append(b, `{"op":`...)}
	w.b = AppendOp(w.b, p.Op)
	w.int("status", int64(p.Status))
	w.str("reason", p.Reason)
	w.int("parkedAt", p.ParkedAtMs)
	return append(w.b, '}')
}

// AppendResolution appends r's JSON.
func AppendResolution(b []byte, r Resolution) []byte {
	w := jsonw{append(b, '{')}
	w.str("action", string(r.Action))
	w.rawOmit("data", r.Data)
	return append(w.b, '}')
}

// DecodeResolution decodes the JSON value v (checked by the caller) into r as json.Unmarshal would.
func DecodeResolution(v []byte, r *Resolution) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "action"):
			return jsonv.String(v, (*string)(&r.Action))
		case jsonv.Key(k, "data"):
			return jsonv.Raw(v, (*[]byte)(&r.Data))
		}
		return nil
	})
}

// AppendStats appends s's JSON.
func AppendStats(b []byte, s Stats) []byte {
	w := jsonw{append(b, '{')}
	w.int("pushed", int64(s.Pushed))
	w.int("pulled", int64(s.Pulled))
	w.int("conflicts", int64(s.Conflicts))
	w.int("conflictsResolved", int64(s.ConflictsResolved))
	w.int("errors", int64(s.Errors))
	w.int("durationMs", s.DurationMs)
	return append(w.b, '}')
}

// AppendStatus appends s's JSON.
func AppendStatus(b []byte, s Status) []byte {
	w := jsonw{append(b, '{')}
	w.bool("online", s.Online)
	w.bool("syncing", s.Syncing)
	w.int("pending", int64(s.Pending))
	w.intOmit("lastSyncedAt", s.LastSyncedAt)
	return append(w.b, '}')
}

// AppendEvent appends e's JSON, its error as {code, retryable, message}.
func AppendEvent(b []byte, e Event) []byte {
	w := jsonw{append(b, '{')}
	w.str("type", string(e.Type))
	w.strOmit("phase", e.Phase)
	w.strOmit("kind", e.Kind)
	w.strsOmit("kinds", e.Kinds)
	w.intOmit("done", int64(e.Done))
	w.intOmit("total", int64(e.Total))
	if e.Stats != nil {
		w.key("stats")
		w.b = AppendStats(w.b, *e.Stats)
	}
	if e.Conflict != nil {
		w.key("conflict")
		w.b = AppendConflict(w.b, *e.Conflict)
	}
	if e.Resolution != nil {
		w.key("resolution")
		w.b = AppendResolution(w.b, *e.Resolution)
	}
	w.strsOmit("discarded", e.Discarded)
	if e.Parked != nil {
		w.key("parked")
		w.b = AppendParkedOp(w.b, *e.Parked)
	}
	w.strsOmit("ids", e.IDs)
	if len(e.Records) > 0 {
		w.key("records")
		w.b = appendList(w.b, e.Records, func(b []byte, r json.RawMessage) []byte { return appendRaw(b, r) })
	}
	w.strOmit("origin", e.Origin)
	if e.Status != nil {
		w.key("status")
		w.b = AppendStatus(w.b, *e.Status)
	}
	w.strOmit("reason", e.Reason)
	w.boolOmit("clearData", e.ClearData)
	w.strOmit("id", e.ID)
	w.strOmit("opId", e.OpID)
	w.intOmit("statusCode", int64(e.StatusCode))
	w.strsOmit("localFields", e.LocalFields)
	w.strsOmit("serverFields", e.ServerFields)
	if e.Err != nil {
		w.key("error")
		ew := jsonw{append(w.b, '{')}
		ew.str("code", string(CodeOf(e.Err)))
		ew.bool("retryable", IsRetryable(e.Err))
		ew.str("message", e.Err.Error())
		w.b = append(ew.b, '}')
	}
	return append(w.b, '}')
}

// idObject is {"id": id}, the data of a record known only by its id.
func idObject(id string) []byte { return append(jsonv.AppendString([]byte(`{"id":`), id), '}') }

func appendUnconfirmed(b []byte, u unconfirmedEntry) []byte {
	w := jsonw{append(b, '{')}
	w.str("kind", u.Kind)
	w.str("id", u.ID)
	w.boolOmit("delete", u.Delete)
	w.rawOmit("payload", u.Payload)
	return append(w.b, '}')
}

func decodeUnconfirmed(v []byte, u *unconfirmedEntry) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(v, &u.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(v, &u.ID)
		case jsonv.Key(k, "delete"):
			return jsonv.Bool(v, &u.Delete)
		case jsonv.Key(k, "payload"):
			return jsonv.Raw(v, (*[]byte)(&u.Payload))
		}
		return nil
	})
}

func appendRefetch(b []byte, r refetchEntry) []byte {
	w := jsonw{append(b, '{')}
	w.str("kind", r.Kind)
	w.str("id", r.ID)
	return append(w.b, '}')
}

func decodeRefetch(v []byte, r *refetchEntry) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(v, &r.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(v, &r.ID)
		}
		return nil
	})
}

func appendSetAside(b []byte, s SetAside) []byte {
	w := jsonw{append(b, '{')}
	w.str("kind", s.Kind)
	w.str("id", s.ID)
	w.str("updatedAt", s.UpdatedAt)
	w.str("reason", s.Reason)
	w.int("seenAt", s.SeenAtMs)
	return append(w.b, '}')
}

func decodeSetAside(v []byte, s *SetAside) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(v, &s.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(v, &s.ID)
		case jsonv.Key(k, "updatedAt"):
			return jsonv.String(v, &s.UpdatedAt)
		case jsonv.Key(k, "reason"):
			return jsonv.String(v, &s.Reason)
		case jsonv.Key(k, "seenAt"):
			return jsonv.Int(v, &s.SeenAtMs)
		}
		return nil
	})
}
