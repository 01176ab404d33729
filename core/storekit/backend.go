package storekit

import (
	"context"

	"github.com/offsync/offsync/core"
)

// PagePlan decides a page inside a Backend's ApplyPage (see there) and returns the records to
// put. Their Data is the items' own (not copied): a backend that keeps a record beyond the call
// copies it.
type PagePlan func(hasPending func(id string) bool, stored func(id string) *core.Record) []core.Record

// Backend is what a store implements to become a core.Store through Store: its primitives,
// each ONE atomic step (a transaction) that applies entirely or not at all. Store writes the
// rest once: the closed check, the input checks (validate.go's rules), the write, enqueue,
// ack, resolve, requeue, park and conflict flows (run inside Change), the page plan (inside
// ApplyPage), Outbox, PendingCount and MarkInFlight (over Claim) and Cursor. A backend does
// not validate; it answers ErrClosed after Close and classifies its own failures (core.Error
// codes).
//
// A new backend implements these eleven primitives and Close: Get, List, Change, Claim,
// Parked, Cursors, ApplyPage, ResetCursors, Conflicts, Meta and SetMeta; and the Tx its
// Change hands to the flows (the staging methods of WriteTx, EnqueueTx, AckTx, ResolveTx,
// RequeueTx, ParkTx and ConflictTx). It runs storetest.Run and storetest.Differential
// (backend_test.go is the smallest one).
//
// The primitives stay batched: a backend reads what a step needs in one go and writes it back
// in one go (idbstore: one helper call per step, never one per record).
type Backend interface {
	// Get returns the record, tombstones included; ok is false when absent.
	Get(ctx context.Context, kind, id string) (rec core.Record, ok bool, err error)
	// List returns kind's live records in id byte order.
	List(ctx context.Context, kind string) ([]core.Record, error)
	// Change runs the flow c names in one transaction: it loads what the flow needs (the
	// entities of c's writes, ops or acks; the resolved op; the parked ops c.Unpark names,
	// taking them off the parked list; the pending ops c.Parked names; the conflict
	// c.ConflictID names), calls fn with a Tx over that state, and commits what fn
	// staged, or nothing when fn or the commit fails. For FlowWrite and FlowEnqueue it refuses
	// (core.CodeInvalid) an op id already pending or parked before the call. A backend may call
	// fn more than once (a retry, a guess it checks); each call starts from a fresh Tx.
	Change(ctx context.Context, c Change, fn func(Tx) error) (Changed, error)
	// Claim reads the outbox in one transaction: the pending ops in Seq order, up to c.Limit
	// of them (Claim's doc), and the number of pending ops. With c.Pick it claims the ops
	// Pick takes instead: marks them in flight, durably, and returns them as stored after
	// marking (claim.go).
	Claim(ctx context.Context, c Claim) (ops []core.Op, pending int, err error)
	// Parked lists parked ops in the order they were parked.
	Parked(ctx context.Context) ([]core.ParkedOp, error)
	// Cursors returns the cursors of kinds in order (zero when never pulled); kinds is not empty.
	Cursors(ctx context.Context, kinds []string) ([]core.Cursor, error)
	// ApplyPage puts the records plan returns for the page items and sets kind's cursor to
	// next. It gives plan, valid only during the call, whether an entity of kind has pending
	// ops, and the stored record of every item whose version may be older than it (nil:
	// absent, or known not newer): all of them, or those its watermarks say (watermark.go).
	ApplyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor, plan PagePlan) error
	// ResetCursors is core.Store's.
	ResetCursors(ctx context.Context, kinds []string, clearData bool) error
	// Conflicts, Meta and SetMeta are core.Store's.
	Conflicts(ctx context.Context) ([]core.Conflict, error)
	Meta(ctx context.Context, key string) (string, bool, error)
	SetMeta(ctx context.Context, key, value string) error
	// Close releases the backend; safe to call more than once.
	Close() error
}

// AckClaimer is optionally implemented by a Backend that runs an ack and a claim in one
// transaction (Store.AckAndMark): Change of FlowAck with acks and fn, then Claim of c (c.Pick
// set), all or nothing; it returns the claimed ops as Claim does.
type AckClaimer interface {
	AckClaim(ctx context.Context, acks []core.Ack, fn func(Tx) error, c Claim) ([]core.Op, error)
}

// PageStarter is optionally implemented by a Backend that can start a page's ApplyPage before
// the page before it has committed (Store.StartPage, core.PageStarter): StartPage begins the
// page's transaction and returns once it is under way; wait returns ApplyPage's error (plan
// may be called again meanwhile, for the page applied anew). Pages of a kind commit in the
// order they were started, and one started before its previous page's wait returned applies
// only if that page did.
type PageStarter interface {
	StartPage(ctx context.Context, kind string, items []core.Record, next core.Cursor, plan PagePlan) (wait func() error, err error)
}

// Flow names the flow a Change runs, so that a backend knows what to load.
type Flow int

// The flows of Change.
const (
	// FlowWrite is a WriteLocal of Change.Writes (Tx as WriteTx).
	FlowWrite Flow = iota + 1
	// FlowEnqueue is an Enqueue of Change.Ops (Tx as EnqueueTx).
	FlowEnqueue
	// FlowAck is an Ack of Change.Acks (Tx as AckTx). A backend may settle an ack whose op
	// is its entity's only pending op itself, with PlainAck's record; Acked then reports that
	// op not pending, and when it settled them all the backend need not call fn.
	FlowAck
	// FlowResolve is a Resolve of Change.Op (Tx as ResolveTx).
	FlowResolve
	// FlowUnpark takes the ops Change.Unpark names off the parked list; with Change.Requeue,
	// fn puts them back in the outbox (Tx as RequeueTx, the ops from Tx.Unparked). Without
	// Requeue, or when none of the ids is parked, a backend need not call fn.
	FlowUnpark
	// FlowPark is a Park of Change.Parked (Tx as ParkTx).
	FlowPark
	// FlowConflict is a PutConflict or DeleteConflict of the conflict Change.ConflictID
	// (Tx as ConflictTx).
	FlowConflict
)

// Change is one call's input, as Change's flow reads it.
type Change struct {
	Flow    Flow
	Writes  []core.LocalWrite
	Ops     []core.Op
	Acks    []core.Ack
	Op      core.Op
	Unpark  []string
	Requeue bool
	Parked  []core.ParkedOp
	// ConflictID is the id of the conflict a FlowConflict puts or deletes.
	ConflictID string
}

// Changed is what a committed Change reports.
type Changed struct {
	// Pending is, for FlowWrite, the number of pending ops once the transaction committed.
	Pending int
	// Seqs are, for FlowEnqueue, the Seqs of the ops Tx.Enqueue returned, in call order, as
	// committed; nil when Enqueue returned them already (a backend that learns Seqs only at
	// commit returns 0 there).
	Seqs []int64
}

// Tx is the state a Change loaded, as the flows see it: every flow's interface in one.
type Tx interface {
	WriteTx
	EnqueueTx
	AckTx
	ResolveTx
	RequeueTx
	ParkTx
	ConflictTx
	// Unparked returns the ops a FlowUnpark took off the parked list, in the order they were
	// parked.
	Unparked() []core.Op
}
