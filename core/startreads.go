package core

import "context"

// StartReader is optionally implemented by a Store that reads what a sync run needs first in
// one step (idbstore: one readonly transaction and one wake-up of the wasm program instead of
// three of each, most of a no-op sync's store time). Nothing is kept between runs: every run
// reads the outbox, the refetch list and the cursors afresh, as another tab may have changed
// them since the last one.
type StartReader interface {
	// ReadStart returns the pending ops in Seq order (as Outbox(ctx, 0), without their
	// payloads when it says Thin; a HeadClaimer may answer a long outbox with its per-kind
	// Totals instead), the metadata value at metaKey (as Meta) and the cursors of
	// kinds in order (as Cursors; none when kinds is empty). An invalid kind is refused with an
	// ErrInvalid-category error.
	ReadStart(ctx context.Context, kinds []string, metaKey string) (StartReads, error)
}

// StartReads is what ReadStart read.
type StartReads struct {
	Outbox []Op
	// Thin: Outbox's ops carry no Payload. The push sends the ops MarkInFlight returns, as
	// stored then, so the start's copies only choose the heads; a step that needs one whole
	// reads it again (learnBeforePush). idbstore reads them thin: each payload crossed into
	// wasm once more than it is sent.
	Thin bool
	// Totals, when not nil, stands for Outbox (left empty): the pending ops counted by kind.
	// Only a HeadClaimer answers a long outbox so: the push's first pass then claims its heads
	// as it goes instead of choosing them from a read of every op.
	Totals  map[string]int
	Meta    string
	HasMeta bool // Meta is stored (it may be empty)
	Cursors []Cursor
}

// readRunStartOnce is readRunStart over a StartReader: one call, then the deferred conflicts
// when the outbox holds ops (a deferred op stays in the outbox, so an empty one has none).
func (e *Engine) readRunStartOnce(ctx context.Context, st *runState, sr StartReader) error {
	r, err := sr.ReadStart(ctx, st.kinds, metaRefetch)
	if err != nil {
		return Wrap(CodeStorage, "sync", err)
	}
	if len(r.Cursors) != len(st.kinds) {
		return Errorf(CodeStorage, "pull", "%d cursors for %d kinds", len(r.Cursors), len(st.kinds))
	}
	list, err := decodeRefetchList(r.Meta, r.HasMeta)
	if err != nil {
		return err
	}
	var conflicts []Conflict
	if len(r.Outbox) > 0 || r.Totals != nil {
		if conflicts, err = e.cfg.Store.Conflicts(ctx); err != nil {
			return Wrap(CodeStorage, "sync", err)
		}
	}
	e.noteRunStart(st, r.Outbox, conflicts, list, r.Cursors)
	st.outboxThin, st.outboxTotals = r.Thin, r.Totals
	return nil
}
