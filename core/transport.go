package core

import (
	"context"
	"time"
)

// PullRequest asks for one page of a kind's changes after a cursor.
type PullRequest struct {
	// After is the cursor: items with (updatedAt, id) > (After.UpdatedAt, After.ID) are wanted.
	// The zero cursor asks for everything.
	After Cursor
	// PageToken, when not empty, is the previous page's NextPageToken; it replaces After.
	PageToken string
	// Limit is the page size (1–1000).
	Limit int
}

// PullPage is one page of a kind's changes, in (updatedAt, id) order.
type PullPage struct {
	Items []Record
	// NextPageToken continues the walk; "" on the last page.
	NextPageToken string
	// ServerTime is the server's clock (HTTP Date header) when known, zero otherwise.
	ServerTime time.Time
	// Bad are the page's items the transport could not read as records: the engine sets
	// them aside (setaside.go) instead of failing the page.
	Bad []BadItem
}

// BadRecord is the cause a Transport's Fetch error carries when the answer is JSON but not a
// usable record: the engine sets it aside instead of failing every sync on it.
type BadRecord struct{ Item BadItem }

func (b *BadRecord) Error() string { return b.Item.Reason }

// BadItem is a page item that is not a usable record, as far as it could be read.
type BadItem struct {
	// Index is its position among all the page's items (Items and Bad together).
	Index     int
	ID        string // "" when it has no string id
	UpdatedAt string // "" when it has none
	Reason    string
}

// PushStatus is the outcome of one pushed op.
type PushStatus int

// Push outcomes (CONTRACT.md "Client-side handling of responses").
const (
	PushOK       PushStatus = iota + 1 // 2xx: acknowledged; Record is the server's stored record
	PushConflict                       // 409: Record is the server's current record (nil if it has none)
	PushNotFound                       // 404: done for a delete, parked (rejected) for an upsert
	PushRejected                       // 400/413/422 and other permanent refusals of this op: park it
	PushRetry                          // 429/5xx/network for this op: Err says why, retry later
)

func (s PushStatus) String() string {
	switch s {
	case PushOK:
		return "ok"
	case PushConflict:
		return "conflict"
	case PushNotFound:
		return "notFound"
	case PushRejected:
		return "rejected"
	case PushRetry:
		return "retry"
	}
	return "unknown"
}

// PushResult is the server's answer for one op.
type PushResult struct {
	OpID       string
	Status     PushStatus
	Record     *Record // see PushStatus; its Data checked as JSON, as a pulled item's (Store.Ack checks only its shape), and the caller's: a Transport does not reuse its memory
	HTTPStatus int
	Message    string // the server's message for rejections
	Err        error  // categorised cause for PushRetry (with RetryAfter when the server said so)
	ServerTime time.Time
}

// Transport moves the sync protocol (CONTRACT.md) to and from a server. Implementations do no
// retrying of their own: the engine owns retries and backoff, so that offline fails fast.
//
// A method returns a non-nil error when the call as a whole failed (network, timeout, auth,
// 429/5xx, unparseable answer) — categorised as *Error, with RetryAfter set from a Retry-After
// header — and never partial results alongside it.
type Transport interface {
	// Pull fetches one page of kind's changes.
	Pull(ctx context.Context, kind string, req PullRequest) (PullPage, error)
	// Push sends ops (at most one per entity, in order) and returns one result per op, in order.
	// Each op is sent with X-Idempotency-Key = op.IdempotencyKey().
	Push(ctx context.Context, ops []Op) ([]PushResult, error)
	// Fetch gets one record (tombstones included); ok is false on 404.
	Fetch(ctx context.Context, kind, id string) (rec Record, ok bool, err error)
	// Health checks the server is up.
	Health(ctx context.Context) error
}

// PullSender is a Transport whose page requests can be sent and their answers read apart
// (core/rest's is). The engine sends a kind's next page request while it applies the current
// page and reads the answer only once that page is applied: a transport that holds an answer
// outside the program's memory until it is read (the browser's fetch keeps it in JavaScript)
// then has one page in that memory at a time, not two. Pull is SendPull followed by Read.
type PullSender interface {
	// SendPull sends Pull's request and waits for the answer; its errors are the request's
	// (network, timeout, auth, an error status), as Pull's. left, when not nil, is called once
	// the request has left, before its answer is awaited: the engine applies the page before
	// it only after that (or after SendPull returned), so that the request's way to the
	// server and back overlaps the page's writes (docs/DESIGN.md "Pull").
	SendPull(ctx context.Context, kind string, req PullRequest, left func()) (SentPull, error)
}

// SentPull is a page request's answer, arrived but not read yet.
type SentPull interface {
	// Read reads the answer; its errors are the answer's (an unreadable page: protocol).
	Read() (PullPage, error)
}

// RetryAfter returns the server's Retry-After carried by err, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if asError(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return 0, false
}
