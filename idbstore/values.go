//go:build js && wasm

package idbstore

import (
	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonv"
)

// The stored values. JSON documents (record data, op payloads, conflict sides) are kept as JSON
// strings: their exact bytes survive, and a page crosses JS↔Go as one string without walking
// objects. A nil document is null, so nil and empty stay distinct.

type recordValue struct {
	Kind      string  `json:"kind"`
	ID        string  `json:"id"`
	Data      *string `json:"data"`
	UpdatedAt string  `json:"updatedAt,omitempty"`
	Deleted   bool    `json:"deleted,omitempty"`
}

// opValue is an outbox op; Seq is omitted on insert so the store's key generator assigns it.
type opValue struct {
	Seq      int64    `json:"seq,omitempty"`
	OpID     string   `json:"opId"`
	Kind     string   `json:"kind"`
	EntityID string   `json:"eid"`
	Type     string   `json:"type"`
	Payload  *string  `json:"payload"`
	Base     string   `json:"base,omitempty"`
	Changed  []string `json:"changed"`
	TS       int64    `json:"ts"`
	InFlight bool     `json:"inFlight,omitempty"`
	Attempt  int      `json:"attempt,omitempty"`
	Force    bool     `json:"force,omitempty"`
}

type parkedValue struct {
	N        int64   `json:"n,omitempty"`
	OpID     string  `json:"opId"`
	Op       opValue `json:"op"`
	Status   int     `json:"status"`
	Reason   string  `json:"reason"`
	ParkedAt int64   `json:"parkedAt"`
}

type conflictValue struct {
	N               int64    `json:"n,omitempty"`
	ID              string   `json:"cid"`
	Kind            string   `json:"kind"`
	EntityID        string   `json:"eid"`
	OpID            string   `json:"opId"`
	Local           *string  `json:"local"`
	Server          *string  `json:"server"`
	ServerDeleted   bool     `json:"serverDeleted,omitempty"`
	LocalDeleted    bool     `json:"localDeleted,omitempty"`
	Changed         []string `json:"changed"`
	ServerUpdatedAt string   `json:"serverUpdatedAt,omitempty"`
	Base            string   `json:"base,omitempty"`
	DetectedAt      int64    `json:"detectedAt"`
}

type cursorValue struct {
	Kind      string `json:"kind"`
	UpdatedAt string `json:"updatedAt"`
	ID        string `json:"id"`
	// Watermark is the kind's watermark (core/storekit/watermark.go), 0 when none.
	Watermark int64 `json:"wm,omitempty"`
	// Page is the nonce of the page that wrote the row (StartPage's guess), "" when none did.
	Page string `json:"p,omitempty"`
}

func docString(b core.RawJSON) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

func docBytes(s *string) core.RawJSON {
	if s == nil {
		return nil
	}
	return core.RawJSON(*s)
}

func copyStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

func toRecordValue(r core.Record) recordValue {
	return recordValue{Kind: r.Kind, ID: r.ID, Data: docString(r.Data), UpdatedAt: r.UpdatedAt, Deleted: r.Deleted}
}

func (v recordValue) record() core.Record {
	return core.Record{Kind: v.Kind, ID: v.ID, Data: docBytes(v.Data), UpdatedAt: v.UpdatedAt, Deleted: v.Deleted}
}

func toOpValue(o core.Op) opValue {
	return opValue{
		Seq: o.Seq, OpID: o.OpID, Kind: o.Kind, EntityID: o.EntityID, Type: string(o.Type),
		Payload: docString(o.Payload), Base: o.BaseUpdatedAt, Changed: copyStrings(o.ChangedFields),
		TS: o.LocalTimestamp, InFlight: o.InFlight, Attempt: o.Attempt, Force: o.Force,
	}
}

// outboxValue is o as the outbox stores it: without InFlight, which only its mark says.
func outboxValue(o core.Op) opValue {
	v := toOpValue(o)
	v.InFlight = false
	return v
}

func (v opValue) op() core.Op {
	return core.Op{
		OpID: v.OpID, Seq: v.Seq, Kind: v.Kind, EntityID: v.EntityID, Type: core.OpType(v.Type),
		Payload: docBytes(v.Payload), BaseUpdatedAt: v.Base, ChangedFields: copyStrings(v.Changed),
		LocalTimestamp: v.TS, InFlight: v.InFlight, Attempt: v.Attempt, Force: v.Force,
	}
}

func toParkedValue(p core.ParkedOp) parkedValue {
	return parkedValue{OpID: p.Op.OpID, Op: toOpValue(p.Op), Status: p.Status, Reason: p.Reason, ParkedAt: p.ParkedAtMs}
}

func (v parkedValue) parked() core.ParkedOp {
	return core.ParkedOp{Op: v.Op.op(), Status: v.Status, Reason: v.Reason, ParkedAtMs: v.ParkedAt}
}

func toConflictValue(c core.Conflict) conflictValue {
	return conflictValue{
		ID: c.ID, Kind: c.Kind, EntityID: c.EntityID, OpID: c.OpID,
		Local: docString(c.Local), Server: docString(c.Server),
		ServerDeleted: c.ServerDeleted, LocalDeleted: c.LocalDeleted, Changed: copyStrings(c.ChangedFields),
		ServerUpdatedAt: c.ServerUpdatedAt, Base: c.BaseUpdatedAt, DetectedAt: c.DetectedAtMs,
	}
}

func (v conflictValue) conflict() core.Conflict {
	return core.Conflict{
		ID: v.ID, Kind: v.Kind, EntityID: v.EntityID, OpID: v.OpID,
		Local: docBytes(v.Local), Server: docBytes(v.Server),
		ServerDeleted: v.ServerDeleted, LocalDeleted: v.LocalDeleted, ChangedFields: copyStrings(v.Changed),
		ServerUpdatedAt: v.ServerUpdatedAt, BaseUpdatedAt: v.Base, DetectedAtMs: v.DetectedAt,
	}
}

// entityKey is a record's key, [kind, id], as JSON for the helpers (appendKeys).
type entityKey struct{ kind, id string }

// keysText is keys as a JSON array, written without reflection; "" when there are none.
func keysText(keys []entityKey) string {
	if len(keys) == 0 {
		return ""
	}
	return string(appendKeys(make([]byte, 0, len(keys)*48), keys))
}

// loadQuery is the load helper's query, JSON [[[kind, id]...], [opId...]], written without
// reflection: it is made on every local write.
func loadQuery(keys []entityKey, ids []string) string {
	n := 8
	for _, k := range keys {
		n += len(k.kind) + len(k.id) + 8
	}
	for _, id := range ids {
		n += len(id) + 3
	}
	b := appendKeys(append(make([]byte, 0, n), '['), keys)
	b = append(b, ",["...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, id)
	}
	return string(append(b, "]]"...))
}

// appendKeys appends keys as a JSON array of [kind, id] pairs.
func appendKeys(b []byte, keys []entityKey) []byte {
	b = append(b, '[')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, k.kind)
		b = append(b, ',')
		b = appendJSONString(b, k.id)
		b = append(b, ']')
	}
	return append(b, ']')
}

// appendJSONString appends s as a JSON string: printable ASCII as is, anything else through
// jsonv (escapes, invalid UTF-8).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return jsonv.AppendString(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
