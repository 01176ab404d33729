package core

import "context"

// runFullResync pushes, refetches the listed entities (as a sync does: a pull from the start
// does not bring back what the server lacks, such as a dropped create's record), and only
// when that succeeded resets the cursors of every kind (dropping, with clearData, the local
// copies without pending or parked ops) and pulls everything again.
func (e *Engine) runFullResync(ctx context.Context, clearData bool, reason string) (Stats, error) {
	kinds := cloneStrings(e.cfg.Kinds)
	e.emit(Event{Type: EventFullResync, Reason: reason, ClearData: clearData})
	st := e.startRun(ctx, bothKinds(kinds), false)
	defer e.unwindRun(st)
	err := e.readRunStart(ctx, st)
	if err == nil {
		err = e.push(ctx, st)
	}
	if err == nil {
		st.enter("pull")
		err = e.refetch(ctx, st)
	}
	if err == nil {
		err = e.resetCursors(ctx, st, kinds, clearData)
	}
	if err == nil {
		err = e.pull(ctx, st)
	}
	if err == nil {
		e.markFullResync(ctx)
	}
	return e.endRun(ctx, st, err)
}

// resetCursors starts every kind's pull over; with clearData the local copies without
// pending or parked ops go (and each kind gets a "change" event).
func (e *Engine) resetCursors(ctx context.Context, st *runState, kinds []string, clearData bool) error {
	if err := e.cfg.Store.ResetCursors(ctx, kinds, clearData); err != nil {
		return Wrap(CodeStorage, "full resync", err)
	}
	st.mu.Lock()
	clear(st.cursors)
	st.mu.Unlock()
	e.forgetCursors(kinds)
	if clearData {
		for _, k := range kinds {
			e.emit(Event{Type: EventChange, Kind: k, Origin: OriginSync})
		}
	}
	return nil
}
