//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// A pulled page's transaction waits for the page before it to commit (~11 ms a small page),
// and its puts wait for H.pageRead's answer, which comes only after that commit. StartPage
// issues the page's writes while the page before still commits, on a guess of what pageRead
// would answer: the state the page before leaves (no watermark, the pending ids read last).
// H.pageCheck reads the real state first in the same transaction and commits it only when the
// guess holds, aborting it before the writes can commit otherwise; the page is then applied
// anew (docs/DESIGN.md "A pulled page is written while the one before commits").

// pageRun is a page of a kind that ApplyPage or StartPage applied last (Store.pages): what the
// next page of the kind guesses from.
type pageRun struct {
	nonce   string          // written in the kind's cursor row with the page (cursorValue.Page)
	wm      int64           // the watermark it wrote
	pending map[string]bool // the kind's entities with pending ops, as last read
	// outcome waits for a started page's end; wait runs it once and drops it, so that the
	// page's items and the run before it are not kept (each outcome holds its own page's and
	// the run before it). err is what it returned, ended set once it did (at once for a page
	// applied at once, which committed).
	outcome func() error
	once    sync.Once
	err     error
	ended   atomic.Bool
}

// wait returns the page's outcome, waiting for it once.
func (r *pageRun) wait() error {
	r.once.Do(func() {
		if r.outcome != nil {
			r.err, r.outcome = r.outcome(), nil
		}
		r.ended.Store(true)
	})
	return r.err
}

// known says whether the page's outcome is known without waiting, and whether it failed.
func (r *pageRun) known() (ended, failed bool) {
	if !r.ended.Load() {
		return false, false
	}
	return true, r.err != nil
}

// nonceSource names the pages a Store writes: a prefix of its own (the instant it opened:
// another tab's Store has another) and a count.
type nonceSource struct {
	prefix string
	n      *atomic.Uint64
}

func newNonceSource() nonceSource {
	return nonceSource{prefix: strconv.FormatInt(time.Now().UnixNano(), 36) + ".", n: new(atomic.Uint64)}
}

func (n nonceSource) next() string { return n.prefix + strconv.FormatInt(int64(n.n.Add(1)), 36) }

// setPage makes r kind's last page (nil: none, so that the next page reads before it writes).
func (s *Store) setPage(kind string, r *pageRun) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r == nil {
		delete(s.pages, kind)
		return
	}
	s.pages[kind] = r
}

// errPageBefore: a page started while the one before it committed, which failed.
var errPageBefore = errors.New("the page before it was not applied")

// errGuessRefuted aborts a started page whose guess H.pageCheck refuted.
var errGuessRefuted = errors.New("page guess refuted")

// StartPage is storekit.PageStarter's: ApplyPage, with the page's writes issued on a guess when
// the kind's last page leaves one (no watermark, not failed), without waiting for its commit.
func (b backend) StartPage(ctx context.Context, kind string, items []core.Record, next core.Cursor, plan storekit.PagePlan) (func() error, error) {
	s := b.s
	const op = "apply page"
	if err := s.guard(op); err != nil {
		return nil, err
	}
	s.mu.Lock()
	prev := s.pages[kind]
	s.mu.Unlock()
	var recs []core.Record
	ended, failed := false, false
	if prev != nil && prev.wm == 0 {
		ended, failed = prev.known()
		recs = plan(func(id string) bool { return prev.pending[id] }, func(string) *core.Record { return nil })
	}
	if wm, ahead := storekit.PageWatermark(0, next, recs); prev == nil || prev.wm != 0 || failed || wm != 0 || ahead {
		err := b.ApplyPage(ctx, kind, items, next, plan)
		return func() error { return err }, nil
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return nil, classify(op, err)
	}
	ord := s.count.tick() // no yield between this and the transaction's creation
	t, err := begin(s.js, conn, readWrite, []string{stRecords, stCursors, stMeta})
	if err != nil {
		if reconnectable(err) {
			s.drop(conn)
		}
		return nil, classify(op, err)
	}
	r := &pageRun{nonce: s.nonces.next(), pending: prev.pending}
	ids, pend := make([]string, len(items)), []string{}
	for i, it := range items {
		ids[i] = it.ID
		if prev.pending[it.ID] {
			pend = append(pend, it.ID)
		}
	}
	// The check's reads go first: the transaction's requests run in order.
	fail := t.send(t.js.pageCheck, t.raw, pageCheckArgs{Kind: kind, Page: prev.nonce, IDs: jsonText(ids), Pending: jsonText(pend)})
	if fail == nil {
		fail = putRecords(t, recs)
	}
	if fail == nil {
		fail = putValues(t, stCursors, []cursorValue{{Kind: kind, UpdatedAt: next.UpdatedAt, ID: next.ID, Page: r.nonce}})
	}
	if fail == nil && s.beforeCommit != nil {
		fail = s.beforeCommit(op)
	}
	if fail != nil {
		t.js.abort.Invoke(t.raw) // now: the check must not commit it
	}
	r.outcome = func() error {
		err := fail
		if err == nil {
			var why js.Value
			if why, err = t.answer(ctx); err == nil {
				switch why.String() {
				case "":
					t.committed = true // by the check
				case "before":
					err = errPageBefore
				default:
					err = errGuessRefuted
				}
			}
		}
		err = s.end(ctx, conn, ord, t, err) // on a refuted guess, waits for the abort the check made
		switch {
		case err == errGuessRefuted, err == errPageBefore && (ended || prev.wait() == nil):
			// Refuted, with the page before committed: the page is applied anew, on what
			// the database holds.
			return b.applyPage(ctx, kind, items, next, plan, r)
		case err == errPageBefore:
			return core.Wrap(core.CodeStorage, op, err)
		}
		return classify(op, err)
	}
	s.setPage(kind, r)
	return r.wait, nil
}
