// Package storage is the reference server's persistence seam: the rows it keeps and the small
// transactional interface each backend (sqlite, postgres) implements. The sync rules — version
// assignment, conflict checks, idempotent replay — live in package server, written once against
// this interface.
package storage

import (
	"context"
	"errors"
	"time"
)

// Row is one stored record of a tenant.
type Row struct {
	Kind string
	ID   string
	// UpdatedAt is the version token: fixed-width RFC 3339 UTC with microseconds, so that byte
	// order is time order.
	UpdatedAt string
	Deleted   bool
	// Doc is the record's JSON object exactly as the server emits it (id, updatedAt and
	// deletedAt included), so pulls concatenate rows without re-encoding them.
	Doc []byte
}

// Saved is a response kept under an idempotency key.
type Saved struct {
	Status int
	Body   []byte
}

// PullQuery selects a page of a kind's rows with (UpdatedAt, ID) > (AfterUpdatedAt, AfterID) in
// tuple order (byte order). An empty AfterID makes the bound inclusive of AfterUpdatedAt.
type PullQuery struct {
	Tenant         string
	Kind           string
	AfterUpdatedAt string
	AfterID        string
	IncludeDeleted bool
	Limit          int
	// MaxBytes caps the page's bytes of Doc (0: no cap); a page always holds at least one row.
	MaxBytes int
}

// PageCut decides, row by row in order, where a PullQuery's page ends.
type PageCut struct {
	q     PullQuery
	n     int
	bytes int
}

// NewPageCut starts cutting a page of q.
func NewPageCut(q PullQuery) *PageCut { return &PageCut{q: q} }

// Fits reports whether the next row, of size bytes of Doc, belongs to the page. The first row
// that does not shows that more rows follow: the backend stops reading there.
func (c *PageCut) Fits(size int) bool {
	if c.n == c.q.Limit || (c.n > 0 && c.q.MaxBytes > 0 && c.bytes+size > c.q.MaxBytes) {
		return false
	}
	c.n++
	c.bytes += size
	return true
}

// ErrKeyTaken reports that another transaction stored the same idempotency key first; the
// caller rolls back and runs again, and then replays that transaction's answer.
var ErrKeyTaken = errors.New("idempotency key stored concurrently")

// Key names one record of a tenant.
type Key struct{ Kind, ID string }

// Entry is a response to keep under an idempotency key.
type Entry struct {
	Key string
	Saved
}

// Tx is one write transaction. Reads come first, writes are handed over once in Flush (so a
// backend can send them in one round trip); nothing is visible to readers before Write's fn
// returns nil and the commit succeeds.
type Tx interface {
	// LockKinds serialises writers of these kinds of the tenant until the transaction ends, so
	// that version assignment and commit happen in the same order (a backend may lock more, e.g.
	// the whole tenant for many kinds). Call it once, first.
	LockKinds(ctx context.Context, tenant string, kinds []string) error
	// LastVersion is the highest UpdatedAt of the tenant's kind, "" when it has no rows.
	LastVersion(ctx context.Context, tenant, kind string) (string, error)
	// GetMany returns the stored rows among keys (absent keys are missing from the map). It
	// stops reading once the rows' Doc bytes pass maxBytes; complete is then false and only the
	// keys in the map are known (the others may exist or not).
	GetMany(ctx context.Context, tenant string, keys []Key, maxBytes int) (rows map[Key]Row, complete bool, err error)
	// SavedMany returns the saved responses among the idempotency keys.
	SavedMany(ctx context.Context, tenant string, keys []string) (map[string]Saved, error)
	// Flush inserts or replaces rows (at most one per Key) and saves entries (distinct keys,
	// saved at at); ErrKeyTaken if one of the keys is already stored.
	Flush(ctx context.Context, tenant string, rows []Row, entries []Entry, at time.Time) error
}

// Storage is a backend.
type Storage interface {
	// Write runs fn in one transaction and commits it when fn returns nil.
	Write(ctx context.Context, fn func(Tx) error) error
	// Pull reads one page of q (cut by PageCut): the rows, and whether more rows follow.
	Pull(ctx context.Context, q PullQuery) (rows []Row, more bool, err error)
	Get(ctx context.Context, tenant, kind, id string) (Row, bool, error)
	// Prune drops idempotency entries saved before t and returns how many.
	Prune(ctx context.Context, before time.Time) (int64, error)
	// Trim keeps the tenant's newest keep idempotency entries, drops the older ones and returns
	// how many it dropped.
	Trim(ctx context.Context, tenant string, keep int) (int64, error)
	// CrowdedTenants lists the tenants holding more than keep idempotency entries.
	CrowdedTenants(ctx context.Context, keep int) ([]string, error)
	Close() error
}
