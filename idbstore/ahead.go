//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"sync"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// errRefuted is a write ahead that its checks refuted: its transaction is aborted and the
// write made again from what is stored.
var errRefuted = errors.New("write ahead refuted")

// aheadWrite is one local write planned as a create, framed for H.writeAhead (record, RS,
// op).
type aheadWrite struct {
	text string
}

// planAhead plans writes as a create for writeAhead: fn (a write flow) runs over the writes'
// entity as if it had no record and no pending op; ok only for one upsert whose plan stores a
// record and appends an op, both of which frame.
func planAhead(writes []core.LocalWrite, fn func(storekit.Tx) error) (aheadWrite, bool) {
	if len(writes) != 1 || writes[0].Delete {
		return aheadWrite{}, false
	}
	k := entityKey{writes[0].Kind, writes[0].ID}
	e := &entity{}
	es := &entities{byKey: map[entityKey]*entity{k: e}, counted: -1}
	if fn(&kitTx{es: es}) != nil || e.rec == nil || len(es.added) != 1 || es.added[0].removed {
		return aheadWrite{}, false
	}
	rec, ok := frameRecords([]core.Record{*e.rec})
	if !ok {
		return aheadWrite{}, false
	}
	op, ok := frameOpValues([]opValue{outboxValue(es.added[0].op)})
	if !ok {
		return aheadWrite{}, false
	}
	return aheadWrite{text: rec + recSep + op}, true
}

// writeAhead writes a in the request batch of the reads that check it is a create: one round
// trip where reading first takes two. size is the outbox size it expects stored
// (sizeCache.reserve). The helper commits when the checks hold, so the transaction's end is
// the answer, with the outbox size after the write (size+1); a report is a refutation
// (errRefuted) or a failure.
func writeAhead(ctx context.Context, t *txn, a aheadWrite, size int) (int, error) {
	if _, err := invoke(t.js.writeAhead, t.raw, writeAheadArgs{Text: a.text, Size: size}, t.cb); err != nil {
		return 0, err
	}
	select {
	case r := <-t.res:
		if !r.ok {
			return 0, asDOMError(r.v)
		}
		return 0, errRefuted
	case err := <-t.end:
		t.done, t.final = true, err
	case <-ctx.Done():
		// The commit may be under way: the write stands when the transaction completes.
		if !t.abortAndWait() || t.final != nil {
			return 0, ctx.Err()
		}
	}
	if t.final != nil {
		return 0, t.final
	}
	t.committed = true
	return size + 1, nil
}

// sizeCache is the outbox size this Store expects stored in the marks store's entry 0, for
// the write ahead: the helper puts the size plus one in the batch of its checks, behind their
// read of the size (which must equal the guess), so that it commits as soon as the checks
// answer, with no request left to issue after them (before, it read the size and put it once
// they answered: one more request after the round trip). A write made reading first sets it
// inside its transaction, before its commit, and a write ahead reserves its size when it is
// planned: the next write, planned before the Go side of this one returns (WithCommitted),
// expects the size this one leaves. Anything else that changes the outbox (a sync, another
// tab) makes the guess wrong, which the check refutes (one aborted transaction); the write
// made again reading first stores the size it read.
type sizeCache struct {
	mu sync.Mutex
	n  int // -1: unknown
}

// reserve returns the size a write ahead must find stored, -1 when unknown (the write then
// reads first), and expects one more after it.
func (c *sizeCache) reserve() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	if n >= 0 {
		c.n++
	}
	return n
}

// set records the size stored once the writes planned so far commit (n < 0: unknown).
func (c *sizeCache) set(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = n
}

// prime records n, a size read outside a local write (PendingCount), when none is known: no
// write ahead is in flight then, and a size read before another tab's writes committed costs
// one refutation.
func (c *sizeCache) prime(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n < 0 {
		c.n = n
	}
}

// recentCap bounds recentKeys; when full it starts over (the cost of forgetting is one write
// ahead refuted).
const recentCap = 4096

// recentKeys is the set of entities this Store wrote (or was asked to) or found lately. A
// local write to one of them is likely an update, so it is not written ahead as a create: the
// checks would refute that and the write would be made a second time. An entity written by
// another tab, or before this Store opened, is not in it: its first write here is written
// ahead and refuted once.
type recentKeys struct {
	mu   sync.Mutex
	keys map[entityKey]struct{}
}

// anyOf reports whether one of keys is in the set.
func (r *recentKeys) anyOf(keys []entityKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		if _, ok := r.keys[k]; ok {
			return true
		}
	}
	return false
}

func (r *recentKeys) add(keys ...entityKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil || len(r.keys)+len(keys) > recentCap {
		r.keys = make(map[entityKey]struct{}, min(len(keys), recentCap))
	}
	for _, k := range keys {
		if len(r.keys) < recentCap {
			r.keys[k] = struct{}{}
		}
	}
}
