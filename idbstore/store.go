//go:build js && wasm

// Package idbstore is the IndexedDB core.Store, for browsers and workers (GOOS=js GOARCH=wasm).
//
// Every atomic Store call is exactly one IndexedDB transaction, and inside it only requests of
// that transaction are awaited. Requests are issued in batches by small JavaScript helpers
// (helpers.go) that report back once per batch, with bulk data as one string (framed records,
// frame.go, or JSON). The Store is a storekit.Backend (backend: each primitive one
// transaction) under an embedded storekit.Store, which checks the input and runs the flows and
// decisions (coalescing, rebasing, what a pull may overwrite), as for memstore.
//
// Tests run in headless Chromium (make test-wasm). The same tests also run under Node with
// fake-indexeddb, a quicker but less faithful tier:
//
//	NODE_OPTIONS="--require fake-indexeddb/auto" PATH=$(go env GOROOT)/lib/wasm:$PATH \
//	  GOOS=js GOARCH=wasm go test -short ./idbstore/
package idbstore

import (
	"context"
	"errors"
	"sync"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// Object store names.
const (
	// stRecords holds one row per entity: its record and its pending ops (schema.go, v5).
	stRecords   = "records"
	stParked    = "parked"
	stConflicts = "conflicts"
	stCursors   = "cursors"
	stMeta      = "meta"
	// stMarks holds the op ids of the ops in flight, one entry per batch marked at once: the
	// only place an op's in-flight state is kept (schema.go, v3 and v5).
	stMarks = "marks"
	// stOutbox and stLater are v4's, made and dropped by the upgrades only (schema.go).
	stOutbox = "outbox"
	stLater  = "later"
)

// Store is the IndexedDB core.Store. Several Stores (tabs, workers) may share one database name.
type Store struct {
	// Store is core.Store's methods, written once in storekit over this package's backend.
	storekit.Store

	name string
	js   *helpers

	// writeMode is how the app's local writes commit (durableWrite unless Options say relaxed).
	writeMode txMode
	// freshOpIDs: Options.FreshOpIDs.
	freshOpIDs bool

	mu     sync.Mutex
	conn   js.Value // the helper's {db, closed} handle; undefined until connected
	closed bool
	// want are the query indexes the first connection makes (Options.Indexes); later ones
	// keep what the database has. ix are the current connection's (query_schema.go).
	want map[string][]core.IndexSpec
	ix   map[string][]ixInfo
	// walkBatch is how many index entries a query walk reads per batch (pageSize; tests
	// make it small to cross batch boundaries).
	walkBatch int

	// recent guesses which local writes are updates (WriteLocal).
	recent recentKeys
	// seqs gives new ops their Seqs; count is the pending count as this Store knows it.
	seqs  seqClock
	count *pendingCount

	// pages holds, per kind, the page applied or started last (StartPage's guesses).
	pages map[string]*pageRun
	// nonces names the pages this Store writes (cursorValue.Page): a prefix of its own and a count.
	nonces nonceSource

	// beforeCommit, when set (tests only), runs after a call issued its writes and before it
	// commits; an error aborts the transaction.
	beforeCommit func(op string) error
}

var _ core.Store = (*Store)(nil)

// Options tunes a Store; the zero value is the default.
type Options struct {
	// Durability of the app's local writes and of in-flight marks (WriteLocal, Enqueue,
	// MarkInFlight): "strict" (the default: a resolved write is on disk, it survives power loss)
	// or "relaxed" (the browser may still hold it in OS buffers: a few ms less per write, and a
	// crash may lose the last writes).
	Durability string
	// Helpers is the object the function in helpers.js returns, made by the page (offsync.js
	// imports it as ./idb-helpers.js). When it is not an object, the store compiles its copy of
	// helpers.js with Function, which a Content-Security-Policy without 'unsafe-eval' forbids;
	// a build with the offsyncjs tag (sync.wasm) has no copy, and such an open is refused.
	Helpers js.Value
	// Indexes are the kinds' declared indexes (core.ParseIndexes). Opening with other indexes
	// than the database has is a schema step that builds or drops them (query_schema.go).
	Indexes map[string][]core.IndexSpec
	// FreshOpIDs says that every WriteLocal's op ids were just made as random UUIDs (the
	// engine's, core.Config.NewID unset), so none can be parked or pending already: a local
	// write then looks none up (a request and an object store less per write ahead, and a
	// round trip less for a write whose op is coalesced). An added op still meets the outbox's
	// unique opId index. Enqueue, whose op ids the app may choose, checks them always.
	FreshOpIDs bool
}

// Open opens (creating or upgrading) the IndexedDB database name with default Options.
func Open(ctx context.Context, name string) (*Store, error) {
	return OpenWith(ctx, name, Options{})
}

// OpenWith opens (creating or upgrading) the IndexedDB database name.
func OpenWith(ctx context.Context, name string, o Options) (*Store, error) {
	want := o.Indexes
	if want == nil {
		want = map[string][]core.IndexSpec{}
	}
	h, err := newHelpers(o.Helpers)
	if err != nil {
		return nil, core.Wrap(core.CodeInvalid, "open "+name, err)
	}
	s := &Store{name: name, js: h, writeMode: durableWrite, want: want, walkBatch: pageSize, freshOpIDs: o.FreshOpIDs,
		count: newPendingCount(), pages: map[string]*pageRun{}, nonces: newNonceSource()}
	s.Store.Init(backend{s})
	switch o.Durability {
	case "", "strict":
	case "relaxed":
		s.writeMode = txMode{mode: "readwrite", durability: "relaxed"}
	default:
		return nil, core.Errorf(core.CodeInvalid, "open "+name, "durability must be 'strict' or 'relaxed', not %q", o.Durability)
	}
	if _, err := s.connect(ctx); err != nil {
		return nil, classify("open "+name, err)
	}
	return s, nil
}

// backend is the Store as storekit.Backend sees it: the primitives, each one transaction.
type backend struct{ s *Store }

var (
	_ storekit.Backend    = backend{}
	_ storekit.AckClaimer = backend{}
)

// Close closes the connection. Later calls return a closed error.
func (b backend) Close() error {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.disconnect()
	return nil
}

// connect returns an open connection, opening a new one when there is none or the last one was
// closed (a versionchange from another tab, a lost connection).
func (s *Store) connect(ctx context.Context) (js.Value, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return js.Undefined(), errClosed("connect")
	}
	if s.conn.Truthy() && !s.conn.Get("closed").Bool() {
		return s.conn, nil
	}
	conn, ix, err := openDB(ctx, s.js, s.name, s.want)
	if err != nil {
		return js.Undefined(), err
	}
	s.conn, s.ix, s.want = conn, ix, nil
	return conn, nil
}

// drop forgets conn (if it is still the current connection) so that the next call reconnects.
func (s *Store) drop(conn js.Value) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn.Truthy() && s.conn.Equal(conn) {
		s.disconnect()
	}
}

func (s *Store) disconnect() {
	if s.conn.Truthy() {
		conn := s.conn
		_, _ = call(func() js.Value { return conn.Get("db").Call("close") })
		conn.Set("closed", true)
	}
	s.conn = js.Undefined()
}

// guard answers a closed error for a closed store, before any validation (as core.Store says).
func (s *Store) guard(op string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed(op)
	}
	return nil
}

// view runs fn in one readonly transaction over stores.
func (s *Store) view(ctx context.Context, op string, stores []string, fn func(*txn) error) error {
	return s.run(ctx, op, readOnly, stores, fn)
}

// update runs fn in one readwrite transaction over stores.
func (s *Store) update(ctx context.Context, op string, stores []string, fn func(*txn) error) error {
	return s.run(ctx, op, readWrite, stores, fn)
}

// updateDurable is update with the durability of local writes (durableWrite by default).
func (s *Store) updateDurable(ctx context.Context, op string, stores []string, fn func(*txn) error) error {
	return s.run(ctx, op, s.writeMode, stores, fn)
}

// run runs fn in one transaction. A failure of the connection (closed under it, lost) is retried
// once on a new connection: the failed transaction applied nothing, and fn starts from scratch.
func (s *Store) run(ctx context.Context, op string, mode txMode, stores []string, fn func(*txn) error) error {
	err := s.attempt(ctx, op, mode, stores, fn)
	if err != nil && reconnectable(err) && ctx.Err() == nil {
		err = s.attempt(ctx, op, mode, stores, fn)
	}
	return classify(op, err)
}

func (s *Store) attempt(ctx context.Context, op string, mode txMode, stores []string, fn func(*txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return err
	}
	ord := s.count.tick() // no yield between this and the transaction's creation
	t, err := begin(s.js, conn, mode, stores)
	if err != nil {
		if reconnectable(err) {
			s.drop(conn)
		}
		return err
	}
	err = fn(t)
	if err == nil && s.beforeCommit != nil && mode.mode == "readwrite" {
		err = s.beforeCommit(op)
	}
	return s.end(ctx, conn, ord, t, err)
}

// end finishes transaction t (number ord, on conn) as attempt does: it commits (fail == nil)
// or aborts and waits for its end, hands what it counted to s.count, and drops the connection
// when it failed with it.
func (s *Store) end(ctx context.Context, conn js.Value, ord uint64, t *txn, fail error) error {
	err := t.finish(ctx, fail)
	if err == nil {
		s.noteCount(ord, t)
	}
	if err != nil && (reconnectable(err) || conn.Get("closed").Bool()) {
		s.drop(conn)
		var ce *core.Error
		if !reconnectable(err) && !isCtxErr(err) && !errors.As(err, &ce) {
			err = wrapf(errConnection.Error(), errConnection, err)
		}
	}
	return err
}

// OthersChanged tells s that another tab or worker changed the database (its change message
// came): the pending count s keeps no longer holds, and the next write or PendingCount counts.
func (s *Store) OthersChanged() { s.count.forget() }

// noteCount hands what committed transaction t (number ord) counted and changed of the pending
// ops to s.count.
func (s *Store) noteCount(ord uint64, t *txn) {
	if t.countOnTx {
		if v := t.raw.Get("offsyncCount"); v.Type() == js.TypeNumber {
			t.counted = v.Int()
		}
	}
	if t.counted >= 0 {
		s.count.counted(ord, t.counted)
	}
	s.count.changed(ord, t.delta)
}
