// Package wire holds the JSON shapes the JS bridge (wasm/) reads and writes: the engine's
// ops, conflicts, events and results in the shapes their json tags give encoding/json (which
// the server still uses). They are written by hand because encoding/json, fmt and reflect are
// kept out of sync.wasm (docs/DESIGN.md, "No encoding/json in sync.wasm"); wire_test.go
// compares every encoder and decoder here with encoding/json.
package wire

import (
	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonv"
)

// AppendOp appends op's JSON.
func AppendOp(b []byte, op core.Op) []byte {
	w := jsonv.Open(b)
	w.Str("opId", op.OpID)
	w.Int("seq", op.Seq)
	w.Str("kind", op.Kind)
	w.Str("id", op.EntityID)
	w.Str("type", string(op.Type))
	w.RawOmit("payload", op.Payload)
	w.StrOmit("baseUpdatedAt", op.BaseUpdatedAt)
	w.Strs("changedFields", op.ChangedFields)
	w.Int("localTimestamp", op.LocalTimestamp)
	w.BoolOmit("inFlight", op.InFlight)
	w.IntOmit("attempt", int64(op.Attempt))
	w.BoolOmit("force", op.Force)
	return w.Close()
}

// DecodeOp decodes the JSON value v (checked by the caller) into op as json.Unmarshal would.
func DecodeOp(v []byte, op *core.Op) error {
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
func AppendConflict(b []byte, c core.Conflict) []byte {
	w := jsonv.Open(b)
	w.Str("id", c.ID)
	w.Str("kind", c.Kind)
	w.Str("entityId", c.EntityID)
	w.Str("opId", c.OpID)
	w.Raw("local", c.Local)
	w.Raw("server", c.Server)
	w.BoolOmit("serverDeleted", c.ServerDeleted)
	w.BoolOmit("localDeleted", c.LocalDeleted)
	w.Strs("changedFields", c.ChangedFields)
	w.StrOmit("serverUpdatedAt", c.ServerUpdatedAt)
	w.StrOmit("baseUpdatedAt", c.BaseUpdatedAt)
	w.Int("detectedAt", c.DetectedAtMs)
	return w.Close()
}

// AppendParkedOp appends p's JSON.
func AppendParkedOp(b []byte, p core.ParkedOp) []byte {
	w := jsonv.Obj{B: append(b, `{"op":`...)}
	w.B = AppendOp(w.B, p.Op)
	w.Int("status", int64(p.Status))
	w.Str("reason", p.Reason)
	w.Int("parkedAt", p.ParkedAtMs)
	return w.Close()
}

// AppendResolution appends r's JSON.
func AppendResolution(b []byte, r core.Resolution) []byte {
	w := jsonv.Open(b)
	w.Str("action", string(r.Action))
	w.RawOmit("data", r.Data)
	return w.Close()
}

// DecodeResolution decodes the JSON value v (checked by the caller) into r as json.Unmarshal would.
func DecodeResolution(v []byte, r *core.Resolution) error {
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
func AppendStats(b []byte, s core.Stats) []byte {
	w := jsonv.Open(b)
	w.Int("pushed", int64(s.Pushed))
	w.Int("pulled", int64(s.Pulled))
	w.Int("conflicts", int64(s.Conflicts))
	w.Int("conflictsResolved", int64(s.ConflictsResolved))
	w.Int("errors", int64(s.Errors))
	w.Int("durationMs", s.DurationMs)
	return w.Close()
}

// AppendStatus appends s's JSON.
func AppendStatus(b []byte, s core.Status) []byte {
	w := jsonv.Open(b)
	w.Bool("online", s.Online)
	w.Bool("syncing", s.Syncing)
	w.Int("pending", int64(s.Pending))
	w.IntOmit("lastSyncedAt", s.LastSyncedAt)
	return w.Close()
}

// AppendEvent appends e's JSON, its error as {code, retryable, message}.
func AppendEvent(b []byte, e core.Event) []byte {
	w := jsonv.Open(b)
	w.Str("type", string(e.Type))
	w.StrOmit("phase", e.Phase)
	w.StrOmit("kind", e.Kind)
	w.StrsOmit("kinds", e.Kinds)
	w.IntOmit("done", int64(e.Done))
	w.IntOmit("total", int64(e.Total))
	if e.Stats != nil {
		w.Key("stats")
		w.B = AppendStats(w.B, *e.Stats)
	}
	if e.Conflict != nil {
		w.Key("conflict")
		w.B = AppendConflict(w.B, *e.Conflict)
	}
	if e.Resolution != nil {
		w.Key("resolution")
		w.B = AppendResolution(w.B, *e.Resolution)
	}
	w.StrsOmit("discarded", e.Discarded)
	if e.Parked != nil {
		w.Key("parked")
		w.B = AppendParkedOp(w.B, *e.Parked)
	}
	w.StrsOmit("ids", e.IDs)
	if len(e.Records) > 0 {
		w.Key("records")
		w.B = jsonv.AppendList(w.B, e.Records, func(b []byte, r core.RawJSON) []byte { return jsonv.AppendRaw(b, r) })
	}
	w.StrOmit("origin", e.Origin)
	if e.Status != nil {
		w.Key("status")
		w.B = AppendStatus(w.B, *e.Status)
	}
	w.StrOmit("reason", e.Reason)
	w.BoolOmit("clearData", e.ClearData)
	w.StrOmit("id", e.ID)
	w.StrOmit("opId", e.OpID)
	w.IntOmit("statusCode", int64(e.StatusCode))
	w.StrsOmit("localFields", e.LocalFields)
	w.StrsOmit("serverFields", e.ServerFields)
	if e.Err != nil {
		w.Key("error")
		ew := jsonv.Open(w.B)
		ew.Str("code", string(core.CodeOf(e.Err)))
		ew.Bool("retryable", core.IsRetryable(e.Err))
		ew.Str("message", e.Err.Error())
		w.B = ew.Close()
	}
	return w.Close()
}
