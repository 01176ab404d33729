package core

import (
	"context"
	"encoding/json"
	"time"
)

// Config configures an Engine. Zero values take the defaults in brackets.
type Config struct {
	Store     Store     // required; the Engine does not own it (Close does not close it)
	Transport Transport // required
	Kinds     []string  // required: the kinds this database syncs; others are "invalid"

	Strategy       Strategy            // [AutoPreserve]
	KindStrategies map[string]Strategy // per-kind override of Strategy
	MergeFunc      MergeFunc           // for Merge
	Resolver       Resolver            // for Manual; nil defers every manual conflict

	PageSize           int           // pull page size [500], 1–1000
	PushBatchSize      int           // ops per push request [100], ≤ 500
	PushConcurrency    int           // push requests in flight at once [1]
	MaxRetries         int           // retries of one request on 429/5xx/network [5]; -1 none
	BackoffMin         time.Duration // [1s]
	BackoffMax         time.Duration // [2m]
	MaxConflictRetries int           // conflict re-pushes of one op before it is parked [3]
	FullResyncInterval time.Duration // automatic full resync period [7 days]; < 0 never

	// Hooks for tests and hosts; nil takes the real thing.
	Now    func() time.Time                                 // [time.Now]
	Sleep  func(ctx context.Context, d time.Duration) error // [a timer that honours ctx]
	Jitter func() float64                                   // uniform in [0,1) [math/rand/v2]
	NewID  func() string                                    // op ids [uuid.NewString]
}

// PutOptions are the options of Engine.Put.
type PutOptions struct {
	// ChangedFields lists the fields this edit changed; meaningful only when ChangedGiven.
	// nil with ChangedGiven means "all fields". Without ChangedGiven they are derived by
	// diffing against the stored record.
	ChangedFields []string
	ChangedGiven  bool
}

// SyncOptions are the options of Engine.Sync.
type SyncOptions struct {
	Kinds []string // subset of Config.Kinds; empty is all
}

// Engine is offsync's sync engine: local writes through the outbox, push, pull, conflicts,
// events. It is safe for concurrent use. It owns no I/O of its own: all of it goes through
// the Store and the Transport.
type Engine struct {
	cfg Config
}

var errNotBuilt = Errorf(CodeInvalid, "engine", "not implemented yet")

// New checks cfg, fills defaults and returns an Engine. It starts no goroutine.
func New(cfg Config) (*Engine, error) { return &Engine{cfg: cfg}, errNotBuilt }

// Put writes one record locally and appends its outbox op, atomically. data is a JSON object
// with a string "id". It returns the stored record and emits a "change" event (origin local).
func (e *Engine) Put(ctx context.Context, kind string, data json.RawMessage, opts PutOptions) (Record, error) {
	return Record{}, errNotBuilt
}

// PutMany writes many records of one kind and their ops in one atomic store call.
// changedFields are derived per record.
func (e *Engine) PutMany(ctx context.Context, kind string, data []json.RawMessage) ([]Record, error) {
	return nil, errNotBuilt
}

// Delete soft-deletes a record locally and appends its delete op, atomically.
// Deleting an absent record is a no-op without an op.
func (e *Engine) Delete(ctx context.Context, kind, id string) error { return errNotBuilt }

// Get returns a live record; ok is false when absent or deleted.
func (e *Engine) Get(ctx context.Context, kind, id string) (Record, bool, error) {
	return Record{}, false, errNotBuilt
}

// List returns the live records of kind in id order.
func (e *Engine) List(ctx context.Context, kind string) ([]Record, error) { return nil, errNotBuilt }

// Enqueue appends an app-made op (seed style); OpID and LocalTimestamp default when empty.
func (e *Engine) Enqueue(ctx context.Context, op Op) (Op, error) { return Op{}, errNotBuilt }

// Sync pushes the outbox then pulls every kind (or opts.Kinds). A Sync called while another
// runs joins the running one and returns its result. Cancelling ctx stops it cleanly with a
// cancelled error; what was acknowledged or applied stays, nothing else changes.
func (e *Engine) Sync(ctx context.Context, opts SyncOptions) (Stats, error) {
	return Stats{}, errNotBuilt
}

// FullResync pushes first, then resets the cursors and pulls everything again. With
// clearData the local copies of synced entities without pending ops are dropped, and only
// after the push succeeded.
func (e *Engine) FullResync(ctx context.Context, clearData bool) (Stats, error) {
	return Stats{}, errNotBuilt
}

// StartAuto syncs every interval (and a full resync when one is due) until StopAuto or Close.
// Calling it again changes the interval.
func (e *Engine) StartAuto(interval time.Duration) {}

// StopAuto stops automatic syncing; a running sync finishes.
func (e *Engine) StopAuto() {}

// PendingCount counts ops waiting in the outbox (parked ones excluded).
func (e *Engine) PendingCount(ctx context.Context) (int, error) { return 0, errNotBuilt }

// Outbox lists the pending ops (for an inspector).
func (e *Engine) Outbox(ctx context.Context) ([]Op, error) { return nil, errNotBuilt }

// Cursors returns each configured kind's pull cursor (for an inspector).
func (e *Engine) Cursors(ctx context.Context) (map[string]Cursor, error) { return nil, errNotBuilt }

// Conflicts lists deferred conflicts.
func (e *Engine) Conflicts(ctx context.Context) ([]Conflict, error) { return nil, errNotBuilt }

// ResolveConflict applies a resolution to a deferred conflict now; the result is pushed by the
// next sync.
func (e *Engine) ResolveConflict(ctx context.Context, id string, r Resolution) error {
	return errNotBuilt
}

// Parked lists ops the server refused for good.
func (e *Engine) Parked(ctx context.Context) ([]ParkedOp, error) { return nil, errNotBuilt }

// RetryParked puts parked ops back into the outbox (with a new idempotency key).
func (e *Engine) RetryParked(ctx context.Context, opIDs []string) error { return errNotBuilt }

// DropParked forgets parked ops (the app decided to give up those edits).
func (e *Engine) DropParked(ctx context.Context, opIDs []string) error { return errNotBuilt }

// Status returns the current status.
func (e *Engine) Status(ctx context.Context) (Status, error) { return Status{}, errNotBuilt }

// Subscribe returns a channel of every event from now on and a function that ends the
// subscription. A slow subscriber never blocks the engine and loses nothing: its events queue.
func (e *Engine) Subscribe() (<-chan Event, func()) { return nil, func() {} }

// Close stops auto sync, cancels a running sync, waits for it, and ends subscriptions after
// delivering what they have queued. Later calls return an ErrClosed error.
func (e *Engine) Close() error { return nil }
