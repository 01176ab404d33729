package core

import (
	"context"
)

// LocalWrite is one local change made by the app (Engine.Put/PutMany/Delete).
type LocalWrite struct {
	Kind string
	ID   string
	// Delete marks a local delete; Data is then ignored.
	Delete bool
	// Data is the new full JSON object for an upsert (its "id" equals ID).
	Data RawJSON
	// Owned: Data is handed over, never changed after the write (Engine.PutManyGiven: the wasm
	// bridge's putMany items, cut from a text copied for the call), so the store keeps it
	// without the copy it makes of any other input.
	Owned bool
	// checked: see Checked.
	checked checkMark
	// ChangedFields as given by the app; meaningful only when ChangedGiven.
	// Without it the store derives them by diffing Data against the stored record (DiffFields).
	ChangedFields []string
	ChangedGiven  bool
	// OpID is the new op's id (a UUID chosen by the engine) and LocalTimestamp its device time (Unix ms).
	OpID           string
	LocalTimestamp int64
}

// WriteResult is what Store.WriteLocal returns.
type WriteResult struct {
	// Records are the stored records, one per write, in order.
	Records []Record
	// Pending is the number of pending (not parked) ops after the write, as PendingCount. A
	// store shared by several processes may answer it as this process knows it: idbstore
	// counts again once told of another tab's change (docs/DESIGN.md, "The pending count").
	Pending int
}

// Ack is the server's acknowledgement of one op: the op (as pushed) and the server's stored
// record (nil when there is none, e.g. a 404 on delete).
type Ack struct {
	Op     Op
	Server *Record
	// Rebuild: Server is a conflict's resolution (serverWins, discard), so the entity's later
	// upserts, built on the local record before the conflict, are rebuilt on it in the same
	// transaction (storekit's rebuildLater).
	Rebuild bool
}

// Store is the local, durable state of one offsync database: records, the outbox, cursors,
// parked ops, deferred conflicts and metadata.
//
// Every method is one atomic step: it happens entirely or not at all (a failure in the middle
// leaves the store exactly as before), so a crash between any two calls loses nothing. A store
// is written as a core/storekit Backend (its primitives) that a storekit.Store makes a Store:
// the checks, the flows and the decisions inside the atomic steps (coalescing, rebasing, what
// a pull may overwrite) are written once there, so every store behaves the same; the
// conformance suite and the differential harness (core/storetest) check it.
//
// Stores copy what they are given and return copies: callers own what they pass and receive.
// Methods are safe for concurrent use. After Close every method returns an ErrClosed error.
//
// Validation: before changing anything each method checks all of its input (validate.go and
// storekit's checks) and refuses bad input with an ErrInvalid-category error,
// applying NOTHING of that call: an invalid kind (Get, List, Cursor, ApplyPage,
// ApplyRefetched, ResetCursors) or id (Get); a write with a bad kind, id or empty OpID, an
// upsert whose Data is not a JSON object or whose "id" differs, an OpID used twice in the call
// or already pending or parked (WriteLocal, Enqueue, which also refuses an unknown op type); an
// ApplyPage or ApplyRefetched item whose Kind is not kind, whose ID is invalid or whose Data
// is not shaped as a JSON object (the transport validated its JSON and took ID from it, so it
// is not parsed again); an Ack without OpID, with a server record of another id, or naming
// another entity than the stored op; a Resolve op that fails ValidateOp, names another entity
// than the stored op, or whose local record is not that entity's JSON object; a ParkedOp
// without OpID; a conflict without ID; an empty meta key. A closed store answers ErrClosed
// before validating.
type Store interface {
	// Get returns the record, tombstones included (Record.Deleted); ok is false when absent.
	Get(ctx context.Context, kind, id string) (rec Record, ok bool, err error)
	// List returns the live (not deleted) records of kind in id byte order.
	List(ctx context.Context, kind string) ([]Record, error)

	// WriteLocal applies writes in order (storekit's planWrite): the record and its outbox op
	// (appended, coalesced into the entity's last op, or removing it) in ONE transaction for
	// the whole slice. It returns the stored records, one per write, and the pending count the
	// outbox holds once that transaction committed (what PendingCount would answer right after,
	// counted inside the write's own transaction so the engine needs no second one).
	WriteLocal(ctx context.Context, writes []LocalWrite) (WriteResult, error)
	// Enqueue appends app-made ops (seed-style, the app keeps its own copy) without touching
	// records; coalescing as a local write does, but never cancelling out.
	// Seq is assigned by the store and InFlight cleared. Returns one op per input: the op as
	// stored (the coalesced op when folded into the entity's last op).
	Enqueue(ctx context.Context, ops []Op) ([]Op, error)

	// Outbox returns up to limit pending ops (parked ones excluded) in Seq order; limit <= 0 is all.
	Outbox(ctx context.Context, limit int) ([]Op, error)
	// PendingCount counts pending (not parked) ops.
	PendingCount(ctx context.Context) (int, error)
	// MarkInFlight durably sets InFlight on the pending ops matched by OpID and returns them as
	// stored after marking, in the order of ops; ids not pending are skipped. Seq is only a
	// hint a store may use to find an op (a batch read from Outbox lies in a short Seq range);
	// the op's other fields are ignored. (Until an op is marked a local write can still
	// coalesce into it or cancel it, so the copies a caller read before may be stale: the
	// returned ones are what must be sent.)
	MarkInFlight(ctx context.Context, ops []Op) ([]Op, error)
	// Ack removes acknowledged ops, rebases the later ops of their entities (rebuilds them for
	// an Ack.Rebuild) and writes the server's records (storekit's planAck), in one
	// transaction. Unknown op ids are ignored
	// (another tab may have acknowledged them).
	Ack(ctx context.Context, acks []Ack) error
	// Resolve replaces the pending op with op.OpID by op (a conflict resolution: new payload,
	// base, attempt, force) and, when local is not nil and the entity has no later ops, writes
	// local as the entity's record; one transaction. With rebuild (a merge: local's data is not
	// what the entity's later upserts were built on) and local, the later upserts are rebuilt
	// on local's data and the last one's is written as the record, in that transaction
	// (storekit's rebuildLater). Unknown op id: ErrConflict-free no-op, returns nil.
	Resolve(ctx context.Context, op Op, local *Record, rebuild bool) error

	// Park moves ops (matched by Op.OpID) from the outbox to the parked list; one transaction.
	// The stored op is parked (with the given Status, Reason, ParkedAtMs); unknown ids are ignored.
	Park(ctx context.Context, parked []ParkedOp) error
	// Parked lists parked ops in the order they were parked.
	Parked(ctx context.Context) ([]ParkedOp, error)
	// Unpark removes ops from the parked list; when requeue is true they go back to the end of
	// the outbox (new Seq, InFlight cleared, same OpID and Attempt+1 so the key is new) and
	// each is applied again to its entity's local record (storekit's planUnpark: pulls may have
	// overwritten it while the op was parked). One transaction.
	Unpark(ctx context.Context, opIDs []string, requeue bool) error

	// Cursor returns kind's pull cursor (zero when never pulled).
	Cursor(ctx context.Context, kind string) (Cursor, error)
	// ApplyPage writes a pulled page and advances kind's cursor to next in ONE transaction.
	// Each item goes through storekit's planPageItem: an entity with pending ops is not
	// overwritten and its id is returned in held (once, in page order; never nil). The cursor
	// advances regardless.
	ApplyPage(ctx context.Context, kind string, items []Record, next Cursor) (held []string, err error)
	// ApplyRefetched is ApplyPage of one record the engine fetched again (core/refetch.go),
	// with kind's cursor set to at (the engine passes the current one), except that a record
	// of the version stored is written too: a local write keeps the version its op is based
	// on, so a record whose op left without reaching the server (a dropped parked op) claims
	// the server's version while holding other data. held says its entity has pending ops.
	// An older record than the stored one may be written where the store does not read it
	// (idbstore reads versions under its watermark only): the engine reads the local copy first.
	ApplyRefetched(ctx context.Context, kind string, rec Record, at Cursor) (held bool, err error)
	// ResetCursors sets the cursors of kinds back to zero; with clearData it also drops the
	// records of those kinds that have no pending or parked ops. One transaction.
	ResetCursors(ctx context.Context, kinds []string, clearData bool) error

	// PutConflict stores (or replaces, by ID) a deferred conflict.
	PutConflict(ctx context.Context, c Conflict) error
	// Conflicts lists deferred conflicts in the order they were first stored.
	Conflicts(ctx context.Context) ([]Conflict, error)
	// DeleteConflict removes a deferred conflict; unknown ids are ignored.
	DeleteConflict(ctx context.Context, id string) error

	// Meta reads a metadata value (engine bookkeeping such as the last full resync time).
	Meta(ctx context.Context, key string) (value string, ok bool, err error)
	// SetMeta writes a metadata value.
	SetMeta(ctx context.Context, key, value string) error

	// Close releases the store. It is safe to call more than once.
	Close() error
}

// AckMarker is optionally implemented by a Store that can acknowledge ops and mark the next
// batch in flight in one transaction. AckAndMark is Ack(acks), then, when the store can do it in
// the same transaction, MarkInFlight(next), all or nothing: marked is what MarkInFlight would
// return and claimed is true. claimed false means it acknowledged only, and the caller marks
// next itself. The push claims a worker's next batch with its ack (core/push.go handoff): one
// transaction fewer between two requests.
type AckMarker interface {
	AckAndMark(ctx context.Context, acks []Ack, next []Op) (marked []Op, claimed bool, err error)
}

// HeadClaimer is optionally implemented by a Store that chooses a push's heads while it claims
// them. The push's first pass then claims each batch as "the next heads" instead of choosing
// its batches from a read of every pending op beforehand, which took a 10,000-op push ~600 ms
// before its first request (bench/where-the-time-goes.md "Session 16"); a store that can
// answer a long outbox with StartReads.Totals skips that read.
type HeadClaimer interface {
	// ClaimHeads marks in flight and returns, in Seq order, at most c.Limit pending ops: of
	// each entity whose first pending op has a Seq of at least c.From(), that op, when c.Take
	// takes it (in flight already or not: MarkInFlight marks such an op again too).
	// Claims may run at once; the store orders them as it orders its transactions.
	ClaimHeads(ctx context.Context, c HeadClaim) ([]Op, error)
	// AckAndClaimHeads is Ack(acks), then, when the store can in the same transaction,
	// ClaimHeads(c): claimed says whether it did, as AckMarker's AckAndMark.
	AckAndClaimHeads(ctx context.Context, acks []Ack, c HeadClaim) (heads []Op, claimed bool, err error)
}

// HeadClaim is a HeadClaimer's claim.
type HeadClaim struct {
	// From is asked once, when the claim starts reading: claims made at once then start
	// where the ones the store ran before them ended, not where they stood when called.
	From  func() int64
	Limit int // > 0
	// Take says whether the claim takes an op. A store calls it at most once per op and
	// only while the claim has room, and claims every op it took (or none, when the claim
	// fails): the push notes what it took, so that claims made at once never take one twice.
	Take func(Op) bool
}

// PageStarter is optionally implemented by a Store that can start applying a page before the
// page before it has committed, so that one page's writes are issued while the other commits
// (core/pull.go pipelines a kind's small pages through it). StartPage does what ApplyPage does,
// in one transaction of its own, but returns once that transaction is under way; wait returns
// what ApplyPage would, and may be called more than once. Pages started for a kind commit in
// the order they were started, and one started before the previous page's wait returned
// applies only if that page did: its wait then fails, with nothing applied.
type PageStarter interface {
	StartPage(ctx context.Context, kind string, items []Record, next Cursor) (wait func() (held []string, err error), err error)
}

// CursorsReader is optionally implemented by a Store that reads several kinds' cursors in one
// step. A sync run starts with it when it can (idbstore: one transaction instead of one per
// kind, which is most of a no-op sync's store time).
type CursorsReader interface {
	// Cursors returns the cursors of kinds in order (zero when never pulled), as Cursor would;
	// an invalid kind is refused with an ErrInvalid-category error.
	Cursors(ctx context.Context, kinds []string) ([]Cursor, error)
}
