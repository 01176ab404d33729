package core

import "context"

// runFullResync pushes, refetches the listed entities (as a sync does: a pull from the start
// does not bring back what the server lacks, such as a dropped create's record), and only
// when that succeeded resets the cursors of every kind (dropping, with clearData, the local
// copies without pending or parked ops) and pulls everything again.
func (e *Engine) runFullResync(ctx context.Context, clearData bool, reason string) (Stats, error) {
	kinds := cloneStrings(e.cfg.Kinds)
	e.emit(Event{Type: EventFullResync, Reason: reason, ClearData: clearData})
	return e.syncing(ctx, bothKinds(kinds), false, func(ctx context.Context, st *runState) error {
		if err := e.push(ctx, st); err != nil {
			return err
		}
		st.enter("pull")
		if err := e.refetch(ctx, st); err != nil {
			return err
		}
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
		if err := e.pull(ctx, st); err != nil {
			return err
		}
		e.markFullResync(ctx)
		return nil
	})
}
