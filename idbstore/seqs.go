//go:build js && wasm

package idbstore

import (
	"sync"
	"syscall/js"
)

// seqClock gives the Seqs of new ops (schema v5: the records store's compound key allows no
// key generator). A Seq is this tab's clock in µs (performance.timeOrigin + performance.now():
// Go's time.Now has only milliseconds in wasm), raised past the largest Seq this Store has
// seen (rows it read, ops it wrote) and past the Seq before it, so Seqs are strictly
// increasing per Store and an entity's ops are in Seq order even when tabs' clocks differ; ops
// of different tabs are ordered by when they were written, not when they committed
// (docs/DESIGN.md, "Seq"). A µs clock stays below 2^53 (exact in a JavaScript number) until
// the year 2255.
type seqClock struct {
	mu   sync.Mutex
	last int64
	// perf and origin are the page's performance object and its timeOrigin, read once.
	perf   js.Value
	origin float64
}

// now reads the clock (µs).
func (c *seqClock) now() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.perf.IsUndefined() {
		c.perf = js.Global().Get("performance")
		c.origin = c.perf.Get("timeOrigin").Float()
	}
	return int64((c.origin + c.perf.Call("now").Float()) * 1000)
}

// next returns a new Seq greater than after, with the clock read as now: a write reads it
// once (entities.append), its ops take now, now+1, … (a JS call per op was 1.3% of a putMany).
func (c *seqClock) next(after, now int64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := max(now, c.last+1, after+1)
	c.last = s
	return s
}

// seen raises the clock past seq.
func (c *seqClock) seen(seq int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = max(c.last, seq)
}

// maxDeltas bounds pendingCount's list of changes; past it the count is forgotten and the next
// write counts again (once per maxDeltas writes between two counts).
const maxDeltas = 4096

// pendingCount is the number of pending ops as this Store knows it (schema v5 stores no size:
// a create is one add, with no read-modify-write of a stored size). It is the last count it
// made (of the opIds index, one entry per op) plus the changes its own committed transactions
// made since. Transactions are numbered in the order they are created, which is the order
// IndexedDB runs those with overlapping scopes in (every one that changes the pending ops or
// counts them spans the records store): a count made by transaction k includes the changes of
// those before k, whatever order their ends reach Go in. Another tab's change makes it forget
// the count (Store.OthersChanged), so the next write counts: docs/DESIGN.md, "The pending count".
type pendingCount struct {
	mu     sync.Mutex
	ord    uint64
	base   int // -1: unknown
	baseAt uint64
	deltas []countDelta
	// forgotAt is the last transaction created before forget: its count and those of the
	// ones before it may predate the other tab's change.
	forgotAt uint64
}

type countDelta struct {
	at uint64
	d  int
}

func newPendingCount() *pendingCount { return &pendingCount{base: -1} }

// tick numbers a transaction about to be created.
func (p *pendingCount) tick() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ord++
	return p.ord
}

// counted notes n pending ops counted by transaction at (its own changes included).
func (p *pendingCount) counted(at uint64, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if (p.base >= 0 && at <= p.baseAt) || at <= p.forgotAt {
		return
	}
	p.base, p.baseAt = n, at
	keep := p.deltas[:0]
	for _, d := range p.deltas {
		if d.at > at {
			keep = append(keep, d)
		}
	}
	p.deltas = keep
}

// changed notes that transaction at committed a change of d pending ops.
func (p *pendingCount) changed(at uint64, d int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.base < 0 || at <= p.baseAt || d == 0 {
		return
	}
	if len(p.deltas) >= maxDeltas {
		p.base, p.deltas = -1, p.deltas[:0]
		return
	}
	p.deltas = append(p.deltas, countDelta{at, d})
}

// forget drops the count: another tab changed the pending ops, so the next write or
// PendingCount counts again.
func (p *pendingCount) forget() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.base, p.deltas, p.forgotAt = -1, p.deltas[:0], p.ord
}

// known returns the count, ok false when unknown.
func (p *pendingCount) known() (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.base < 0 {
		return 0, false
	}
	n := p.base
	for _, d := range p.deltas {
		n += d.d
	}
	return max(n, 0), true
}
