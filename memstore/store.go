// Package memstore is the in-memory reference core.Store: maps and a slice behind one mutex.
//
// It is a storekit.Backend (its primitives, backend below) under an embedded storekit.Store,
// which checks every input and runs the flows. Ownership: every method copies what it is
// given and returns copies, so callers may keep and modify both. Atomicity: each primitive
// stages its changes on a working copy (see tx) and commits them at the very end under the
// same lock hold, so a call either applies entirely or, on any error, changes nothing.
// Nothing survives the process: it is meant for tests, the simulation and hosts that do not
// need durability.
package memstore

import (
	"context"
	"slices"
	"sync"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// Store is an in-memory core.Store. The zero value is not usable: call New.
type Store struct {
	// Store is core.Store's methods, written once in storekit over this package's backend.
	storekit.Store

	mu        sync.Mutex
	closed    bool
	records   map[string]map[string]core.Record // kind → id → record (tombstones included)
	outbox    []core.Op                         // pending ops in Seq order
	byEntity  map[entityKey][]int64             // pending Seqs per entity, in order
	byID      map[string]int64                  // pending op id → Seq
	nextSeq   int64                             // last Seq handed out
	parked    []core.ParkedOp                   // in the order they were parked
	cursors   map[string]core.Cursor
	conflicts []core.Conflict // in the order they were first stored
	meta      map[string]string
}

var _ core.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	s := &Store{
		records:  map[string]map[string]core.Record{},
		byEntity: map[entityKey][]int64{},
		byID:     map[string]int64{},
		cursors:  map[string]core.Cursor{},
		meta:     map[string]string{},
	}
	s.Store.Init(backend{s})
	return s
}

// backend is the Store as storekit.Backend sees it: the primitives, over the maps.
type backend struct{ s *Store }

var _ storekit.Backend = backend{}

// lock takes the mutex after checking ctx and that the store is open. On success the caller
// must unlock s.mu.
func (s *Store) lock(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return core.Wrap(core.CodeCancelled, op, err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return core.Errorf(core.CodeClosed, op, "store is closed")
	}
	return nil
}

// Close releases the store; later calls return ErrClosed errors. Safe to call more than once.
func (b backend) Close() error {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.records, s.outbox, s.parked, s.cursors, s.conflicts, s.meta = nil, nil, nil, nil, nil, nil
	s.byEntity, s.byID = nil, nil
	return nil
}

// opAt returns the pending op with seq (not a copy).
func (s *Store) opAt(seq int64) (core.Op, bool) {
	i, ok := slices.BinarySearchFunc(s.outbox, seq, cmpSeq)
	if !ok {
		return core.Op{}, false
	}
	return s.outbox[i], true
}

// stored returns the record (not a copy: callers copy before handing it out).
func (s *Store) stored(kind, id string) (core.Record, bool) {
	r, ok := s.records[kind][id]
	return r, ok
}

func (s *Store) putRecord(r core.Record) {
	m := s.records[r.Kind]
	if m == nil {
		m = map[string]core.Record{}
		s.records[r.Kind] = m
	}
	m[r.ID] = r
}
