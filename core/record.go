package core

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Record is one entity as the local store holds it.
//
// Data is the whole JSON object the app sees (it includes "id" and, once the server has
// answered, "updatedAt" and possibly "deletedAt"). The metadata fields duplicate what the
// engine needs so that stores and the pull path never decode Data to find them.
type Record struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Data is the record's JSON object. Owned by the Record: callers must not modify it after
	// handing it to a Store, and stores return copies callers may keep.
	Data RawJSON `json:"data"`
	// UpdatedAt is the server's version token exactly as the server sent it; "" when the
	// server has never acknowledged this entity.
	UpdatedAt string `json:"updatedAt,omitempty"`
	// Deleted marks a tombstone (deleted locally or on the server). Get and List hide them.
	Deleted bool `json:"deleted,omitempty"`
}

// OpType is what an outbox op does to its entity.
type OpType string

// The op types of CONTRACT.md.
const (
	OpUpsert OpType = "upsert"
	OpDelete OpType = "delete"
)

// Op is one pending local change in the outbox.
type Op struct {
	// OpID is a UUID fixed when the op is created; the idempotency key of its first attempt.
	OpID string `json:"opId"`
	// Seq orders the outbox. Assigned by the Store on append (strictly increasing, never reused).
	Seq      int64  `json:"seq"`
	Kind     string `json:"kind"`
	EntityID string `json:"id"`
	Type     OpType `json:"type"`
	// Payload is the record's JSON object for upserts; nil for deletes.
	Payload RawJSON `json:"payload,omitempty"`
	// BaseUpdatedAt is the server version this change was made on; "" for a record the
	// client believes is new.
	BaseUpdatedAt string `json:"baseUpdatedAt,omitempty"`
	// ChangedFields lists the top-level fields this op changed. nil means all fields,
	// an empty non-nil slice means none.
	ChangedFields []string `json:"changedFields"`
	// LocalTimestamp is the device time of the (latest coalesced) edit, in Unix milliseconds.
	LocalTimestamp int64 `json:"localTimestamp"`
	// InFlight is set (durably) before the op is first sent. An in-flight op is never
	// coalesced into: the server may already have applied it.
	InFlight bool `json:"inFlight,omitempty"`
	// Attempt counts conflict resolutions re-pushed for this op; the idempotency key of
	// attempt n > 0 is OpID + ":r" + n (CONTRACT.md).
	Attempt int `json:"attempt,omitempty"`
	// Force asks the server to skip its version check (X-Force-Update / X-Force-Delete).
	Force bool `json:"force,omitempty"`
}

// IdempotencyKey is the X-Idempotency-Key of the op's current attempt.
func (o Op) IdempotencyKey() string {
	if o.Attempt == 0 {
		return o.OpID
	}
	return o.OpID + ":r" + strconv.Itoa(o.Attempt)
}

// Cursor is a kind's pull position: the server's (updatedAt, id) of the last applied item.
// The zero Cursor means "from the beginning".
type Cursor struct {
	UpdatedAt string `json:"updatedAt"`
	ID        string `json:"id"`
}

// IsZero reports whether c is the beginning.
func (c Cursor) IsZero() bool { return c.UpdatedAt == "" && c.ID == "" }

// ParkedOp is an op the server refused for good (400/404/413/422 on one op): kept, never
// retried by itself, never silently dropped. The app can list, retry or drop it.
type ParkedOp struct {
	Op         Op     `json:"op"`
	Status     int    `json:"status"`   // HTTP status, 0 when parked by the engine itself
	Reason     string `json:"reason"`   // server's message or the engine's reason
	ParkedAtMs int64  `json:"parkedAt"` // device time, Unix ms
}

// Conflict is a conflict between a local op and the server's record (JS-API.md).
type Conflict struct {
	ID              string   `json:"id"` // stable: the op's OpID
	Kind            string   `json:"kind"`
	EntityID        string   `json:"entityId"`
	OpID            string   `json:"opId"`
	Local           RawJSON  `json:"local"`  // local record data; null for a local delete
	Server          RawJSON  `json:"server"` // server record; null when the server has none
	ServerDeleted   bool     `json:"serverDeleted,omitempty"`
	LocalDeleted    bool     `json:"localDeleted,omitempty"`
	ChangedFields   []string `json:"changedFields"`
	ServerUpdatedAt string   `json:"serverUpdatedAt,omitempty"`
	BaseUpdatedAt   string   `json:"baseUpdatedAt,omitempty"`
	DetectedAtMs    int64    `json:"detectedAt"`
}

// Clone copies c with its own slices: a store keeps none of its caller's, and hands out none
// of its own.
func (c Conflict) Clone() Conflict {
	c.Local = slices.Clone(c.Local)
	c.Server = slices.Clone(c.Server)
	c.ChangedFields = slices.Clone(c.ChangedFields)
	return c
}

// maxKindLen is the longest kind CONTRACT.md's grammar allows.
const maxKindLen = 64

// ValidKind reports whether s is a legal kind name: CONTRACT.md's ^[a-z][a-z0-9_]{0,63}$.
// Checked by hand because regexp costs sync.wasm ~100 KB gzip.
func ValidKind(s string) bool {
	if len(s) == 0 || len(s) > maxKindLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// ValidID reports whether s is a legal record id: 1–256 bytes without NUL, what the reference
// server takes (CONTRACT.md; a NUL cannot cross its URL paths or SQL text), and not "." or "..",
// which a URL parser (fetch's) removes from /{kind}/{id} as dot segments.
func ValidID(s string) bool {
	return len(s) >= 1 && len(s) <= 256 && strings.IndexByte(s, 0) < 0 && s != "." && s != ".."
}

// validOpID reports whether s is a legal op id: 1–256 bytes of printable ASCII, as it travels
// in the X-Idempotency-Key header (a CR, LF or non-Latin-1 character fails the request in
// net/http and fetch alike, as a network error on every sync).
func validOpID(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// nowMs is a Clock's time in Unix milliseconds.
func nowMs(now func() time.Time) int64 { return now().UnixMilli() }
