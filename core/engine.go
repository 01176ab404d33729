package core

import (
	"context"
	"sync"
	"time"
)

// Config configures an Engine. Zero values (nil pointers) take the defaults in brackets.
type Config struct {
	Store     Store     // required; the Engine does not own it (Close does not close it)
	Transport Transport // required
	Kinds     []string  // required: the kinds this database syncs; others are "invalid"

	Strategy       Strategy            // [AutoPreserve]
	KindStrategies map[string]Strategy // per-kind override of Strategy
	MergeFunc      MergeFunc           // for Merge; nil takes the seed's default merge (defaultMerge)
	Resolver       Resolver            // for Manual; nil defers every manual conflict
	// Per-kind overrides of MergeFunc and Resolver (the seed's TableConflictConfig).
	KindMergeFuncs map[string]MergeFunc
	KindResolvers  map[string]Resolver

	PageSize        int // pull page size [500], 1–1000
	PushBatchSize   int // ops per push request [100], ≤ 500
	PushConcurrency int // push requests in flight at once [1]
	PullConcurrency int // kinds pulled at once [6]
	// The fields below take their default when nil, so that 0 can mean 0: set them with
	// new(v), e.g. MaxRetries: new(0).
	MaxRetries         *int           // retries of one request on 429/5xx/timeout [5]; ≤ 0 none (network errors are not retried: offline fails fast)
	BackoffMin         *time.Duration // [1s]; 0 no wait
	BackoffMax         *time.Duration // [the larger of 2m and BackoffMin]
	MaxConflictRetries *int           // conflict re-pushes of one op before it is parked [3]; 0 parks at the first conflict the strategy does not settle
	FullResyncInterval *time.Duration // automatic full resync period [7 days]; ≤ 0 never

	// Serial runs a sync's requests and store calls one after another: kinds pulled one by one,
	// no page fetched ahead, no push request out while the previous answer is written. Slower;
	// for tests that replay runs exactly.
	Serial bool

	// Hooks for tests and hosts; nil takes the real thing.
	Now    func() time.Time                                 // [time.Now]
	Sleep  func(ctx context.Context, d time.Duration) error // [a timer that honours ctx]
	Jitter func() float64                                   // uniform in [0,1) [math/rand/v2]
	NewID  func() string                                    // op ids [random v4 UUID]
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
	// PushKinds and PullKinds narrow one phase each (the seed's): nil takes Kinds, an empty
	// non-nil list skips the phase. Kinds and either of them together are invalid.
	PushKinds []string
	PullKinds []string
}

// Engine is offsync's sync engine: local writes through the outbox, push, pull, conflicts,
// events. It is safe for concurrent use. It owns no I/O of its own: all of it goes through
// the Store and the Transport.
//
// One run at a time (sync, full resync, ResolveConflict): push.go sends the outbox in passes
// (one op per entity per pass, each batch marked in flight just before it is sent), results.go
// applies the answers, conflict.go and resolve.go run the strategies, pull.go walks the
// pages, retry.go holds the backoff, bus.go delivers events, status.go the status. A sync
// is Sync → exclusive (run.go: one run at a time) → syncOrResync → runSync (sync.go: start
// reads, then push, refetch, pull in line) → push / pull.
type Engine struct {
	cfg   Config
	lim   limits // Config's optional fields with the defaults filled
	kinds map[string]bool
	bus   *bus

	// closeCtx is cancelled by Close: it stops the running sync.
	closeCtx    context.Context
	closeCancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	run    *run // the sync, full resync or resolution running now; nil when idle
	// writes counts the local writes under way (added under mu while not closed), so that
	// Close delivers their change events: a write's store call can end after its data
	// committed and its caller moved on (idbstore resolves a put at its commit), and the app
	// may close at once; other tabs learn of the write only from that event.
	writes sync.WaitGroup
	state  engineState
	offset time.Duration // estimated server clock minus device clock
	// fullResyncAt is the last full resync time read or written (zero: not known yet).
	fullResyncAt time.Time

	// refetchMu serialises the read-modify-writes of the stored refetch list (refetch.go):
	// concurrent pulls, the refetch phase and DropParked all change it.
	refetchMu sync.Mutex
	// setAsideMu does the same for the set-aside list (setaside.go).
	setAsideMu sync.Mutex

	// lastCursor holds each kind's cursor as this engine last read or wrote it, for the first
	// pages a sync fetches ahead (prefetch.go); a hint, checked against the store.
	cursorMu   sync.Mutex
	lastCursor map[string]Cursor
}

// engineState is what Status reports and what "status" events compare.
type engineState struct {
	online       bool
	syncing      bool
	lastSyncedAt int64
	pending      int
	emitted      *Status // the last status event sent, nil before the first
}

// New checks cfg, fills defaults and returns an Engine. It starts no goroutine.
func New(cfg Config) (*Engine, error) {
	lim, err := withDefaults(&cfg)
	if err != nil {
		return nil, err
	}
	kinds := make(map[string]bool, len(cfg.Kinds))
	for _, k := range cfg.Kinds {
		kinds[k] = true
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Engine{cfg: cfg, lim: lim, kinds: kinds, bus: newBus(), closeCtx: ctx, closeCancel: cancel, lastCursor: map[string]Cursor{}}, nil
}

// Put writes one record locally and appends its outbox op, atomically. data is a JSON object
// with a string "id". It returns the stored record and emits a "change" event (origin local).
func (e *Engine) Put(ctx context.Context, kind string, data RawJSON, opts PutOptions) (Record, error) {
	if err := e.usable("put", kind); err != nil {
		return Record{}, err
	}
	w, err := e.upsertWrite(kind, data, "", nowMs(e.cfg.Now))
	if err != nil {
		return Record{}, err
	}
	w.ChangedFields, w.ChangedGiven = cloneStrings(opts.ChangedFields), opts.ChangedGiven
	recs, err := e.writeLocal(ctx, "put", kind, []LocalWrite{w})
	if err != nil {
		return Record{}, err
	}
	return recs[0], nil
}

// PutMany writes many records of one kind and their ops in one atomic store call.
// changedFields are derived per record.
func (e *Engine) PutMany(ctx context.Context, kind string, data []RawJSON) ([]Record, error) {
	return e.putMany(ctx, kind, GivenRecords{items: data}, false)
}

// PutManyGiven is PutMany of records the wasm bridge hands over, cut and checked by
// CutRecords: the store keeps them without a copy (LocalWrite.Owned), and a record CutRecords
// read the id of is neither scanned for it again nor checked again by the store
// (LocalWrite.Checked).
func (e *Engine) PutManyGiven(ctx context.Context, kind string, g GivenRecords) ([]Record, error) {
	return e.putMany(ctx, kind, g, true)
}

func (e *Engine) putMany(ctx context.Context, kind string, g GivenRecords, given bool) ([]Record, error) {
	data := g.items
	op := "put"
	if len(data) == 0 {
		op = "putMany"
	}
	if err := e.usable(op, kind); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return []Record{}, nil
	}
	writes := make([]LocalWrite, 0, len(data))
	now := nowMs(e.cfg.Now)
	for i, d := range data {
		id := ""
		if given {
			id = g.ids[i]
		}
		w, err := e.upsertWrite(kind, d, id, now)
		if err != nil {
			return nil, err
		}
		if given {
			w.Owned = true
			if id != "" {
				w.checked = checkMark{p: &d[0], n: len(d), id: id}
			}
		}
		writes = append(writes, w)
	}
	return e.writeLocal(ctx, "putMany", kind, writes)
}

// Delete soft-deletes a record locally and appends its delete op, atomically.
// Deleting an absent record is a no-op without an op.
func (e *Engine) Delete(ctx context.Context, kind, id string) error {
	if err := e.usable("delete", kind); err != nil {
		return err
	}
	if !ValidID(id) {
		return Errorf(CodeInvalid, "delete", "record id must be 1–256 bytes")
	}
	cur, ok, err := e.cfg.Store.Get(ctx, kind, id)
	if err != nil {
		return Wrap(CodeStorage, "delete "+kind+"/"+id, err)
	}
	if !ok || cur.Deleted {
		return nil
	}
	w := LocalWrite{Kind: kind, ID: id, Delete: true, OpID: e.cfg.NewID(), LocalTimestamp: nowMs(e.cfg.Now)}
	_, err = e.writeLocal(ctx, "delete", kind, []LocalWrite{w})
	return err
}

// Get returns a live record; ok is false when absent or deleted.
func (e *Engine) Get(ctx context.Context, kind, id string) (Record, bool, error) {
	if err := e.usable("get", kind); err != nil {
		return Record{}, false, err
	}
	rec, ok, err := e.cfg.Store.Get(ctx, kind, id)
	if err != nil {
		return Record{}, false, Wrap(CodeStorage, "get "+kind+"/"+id, err)
	}
	if !ok || rec.Deleted {
		return Record{}, false, nil
	}
	return rec, true, nil
}

// List returns the live records of kind in id order.
func (e *Engine) List(ctx context.Context, kind string) ([]Record, error) {
	if err := e.usable("list", kind); err != nil {
		return nil, err
	}
	recs, err := e.cfg.Store.List(ctx, kind)
	return recs, Wrap(CodeStorage, "list "+kind, err)
}

// Enqueue appends an app-made op (seed style); OpID and LocalTimestamp default when empty.
func (e *Engine) Enqueue(ctx context.Context, op Op) (Op, error) {
	if err := e.usable("enqueue", op.Kind); err != nil {
		return Op{}, err
	}
	op = CloneOp(op)
	if op.OpID == "" {
		op.OpID = e.cfg.NewID()
	}
	if op.LocalTimestamp == 0 {
		op.LocalTimestamp = nowMs(e.cfg.Now)
	}
	op.Seq, op.InFlight, op.Attempt = 0, false, 0
	if err := ValidateOp(op); err != nil {
		return Op{}, err
	}
	ops, err := e.cfg.Store.Enqueue(ctx, []Op{op})
	if err != nil {
		return Op{}, Wrap(CodeStorage, "enqueue", err)
	}
	e.refreshStatus(ctx)
	return ops[0], nil
}

// Sync pushes the outbox then pulls every kind (or opts.Kinds). A Sync called while another
// that pushes and pulls at least its kinds runs joins the running one and returns its result
// (unless that one is cancelled by its own caller); otherwise it runs after it. Cancelling ctx
// stops it cleanly with a cancelled error; what was acknowledged or applied stays, nothing
// else changes.
func (e *Engine) Sync(ctx context.Context, opts SyncOptions) (Stats, error) {
	sel, all, err := e.syncSelection(opts)
	if err != nil {
		return Stats{}, err
	}
	kinds := &sel
	if all {
		kinds = nil
	}
	return e.exclusive(ctx, modeSync, kinds, func(ctx context.Context) (Stats, error) {
		if all {
			return e.syncOrResync(ctx)
		}
		return e.runSync(ctx, sel)
	})
}

// FullResync pushes first, then resets the cursors and pulls everything again. With
// clearData the local copies of synced entities without pending ops are dropped, and only
// after the push succeeded.
func (e *Engine) FullResync(ctx context.Context, clearData bool) (Stats, error) {
	return e.exclusive(ctx, modeResync, nil, func(ctx context.Context) (Stats, error) {
		return e.runFullResync(ctx, clearData, ReasonManual)
	})
}

// PendingCount counts ops waiting in the outbox (parked ones excluded).
func (e *Engine) PendingCount(ctx context.Context) (int, error) {
	if err := e.usable("pendingCount", ""); err != nil {
		return 0, err
	}
	n, err := e.cfg.Store.PendingCount(ctx)
	return n, Wrap(CodeStorage, "pendingCount", err)
}

// Outbox lists the pending ops (for an inspector).
func (e *Engine) Outbox(ctx context.Context) ([]Op, error) {
	if err := e.usable("outbox", ""); err != nil {
		return nil, err
	}
	ops, err := e.cfg.Store.Outbox(ctx, 0)
	return ops, Wrap(CodeStorage, "outbox", err)
}

// Cursors returns each configured kind's pull cursor (for an inspector).
func (e *Engine) Cursors(ctx context.Context) (map[string]Cursor, error) {
	if err := e.usable("cursors", ""); err != nil {
		return nil, err
	}
	out := make(map[string]Cursor, len(e.cfg.Kinds))
	for _, k := range e.cfg.Kinds {
		c, err := e.cfg.Store.Cursor(ctx, k)
		if err != nil {
			return nil, Wrap(CodeStorage, "cursor "+k, err)
		}
		out[k] = c
	}
	return out, nil
}

// Conflicts lists deferred conflicts.
func (e *Engine) Conflicts(ctx context.Context) ([]Conflict, error) {
	if err := e.usable("conflicts", ""); err != nil {
		return nil, err
	}
	cs, err := e.cfg.Store.Conflicts(ctx)
	return cs, Wrap(CodeStorage, "conflicts", err)
}

// ResolveConflict applies a resolution to a deferred conflict now; the result is pushed by the
// next sync.
func (e *Engine) ResolveConflict(ctx context.Context, id string, r Resolution) error {
	_, err := e.exclusive(ctx, modeResolve, nil, func(ctx context.Context) (Stats, error) {
		return Stats{}, e.resolveDeferred(ctx, id, r)
	})
	return err
}

// Parked lists ops the server refused for good.
func (e *Engine) Parked(ctx context.Context) ([]ParkedOp, error) {
	if err := e.usable("parked", ""); err != nil {
		return nil, err
	}
	ps, err := e.cfg.Store.Parked(ctx)
	return ps, Wrap(CodeStorage, "parked", err)
}

// RetryParked puts parked ops back into the outbox (with a new idempotency key).
func (e *Engine) RetryParked(ctx context.Context, opIDs []string) error {
	return e.unpark(ctx, "retryParked", opIDs, true)
}

// DropParked forgets parked ops (the app decided to give up those edits).
func (e *Engine) DropParked(ctx context.Context, opIDs []string) error {
	return e.unpark(ctx, "dropParked", opIDs, false)
}

// Subscribe returns a channel of every event from now on and a function that ends the
// subscription. A slow subscriber never blocks the engine and loses nothing: its events queue.
func (e *Engine) Subscribe() (<-chan Event, func()) { return e.bus.subscribe() }

// Close cancels a running sync, waits for it and for the local writes under way, and ends
// subscriptions after delivering what they have queued. Later calls return an ErrClosed error.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	r := e.run
	e.mu.Unlock()
	e.closeCancel()
	if r != nil {
		<-r.done
	}
	e.writes.Wait()
	e.bus.close()
	return nil
}

// unpark requeues or drops parked ops. A dropped op's entity is refetched by the next sync:
// its local copy holds the refused edit and may lag behind the server (the pull held it
// while the op was pending).
func (e *Engine) unpark(ctx context.Context, op string, opIDs []string, requeue bool) error {
	if err := e.usable(op, ""); err != nil {
		return err
	}
	if !requeue {
		parked, err := e.cfg.Store.Parked(ctx)
		if err != nil {
			return Wrap(CodeStorage, op, err)
		}
		drop := map[string]bool{}
		for _, id := range opIDs {
			drop[id] = true
		}
		for _, p := range parked {
			if drop[p.Op.OpID] {
				if err := e.markRefetch(ctx, p.Op.Kind, p.Op.EntityID); err != nil {
					return err
				}
			}
		}
	}
	if err := e.cfg.Store.Unpark(ctx, opIDs, requeue); err != nil {
		return Wrap(CodeStorage, op, err)
	}
	e.refreshStatus(ctx)
	return nil
}

// writeLocal is the one store call of a local write, then its change event. The pending count
// comes with the write (counted in its transaction): a recount would be a second transaction.
func (e *Engine) writeLocal(ctx context.Context, op, kind string, writes []LocalWrite) ([]Record, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, Errorf(CodeClosed, op, "the engine is closed")
	}
	e.writes.Add(1)
	e.mu.Unlock()
	defer e.writes.Done()
	res, err := e.cfg.Store.WriteLocal(ctx, writes)
	if err != nil {
		return nil, Wrap(CodeStorage, op+" "+kind, err)
	}
	ids := make([]string, len(writes))
	for i, w := range writes {
		ids[i] = w.ID
	}
	e.emit(Event{Type: EventChange, Kind: kind, IDs: ids, Records: changeRecords(res.Records), Origin: OriginLocal})
	e.setPending(res.Pending)
	return res.Records, nil
}
