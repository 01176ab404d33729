package core

import (
	"context"
	"time"
)

// Status returns the current status.
func (e *Engine) Status(ctx context.Context) (Status, error) {
	if err := e.usable("status", ""); err != nil {
		return Status{}, err
	}
	n, err := e.cfg.Store.PendingCount(ctx)
	if err != nil {
		return Status{}, Wrap(CodeStorage, "status", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.pending = n
	return e.statusLocked(), nil
}

func (e *Engine) statusLocked() Status {
	return Status{
		Online: e.state.online, Syncing: e.state.syncing,
		Pending: e.state.pending, LastSyncedAt: e.state.lastSyncedAt,
	}
}

// emit sends ev to every subscriber.
func (e *Engine) emit(ev Event) { e.bus.emit(ev) }

// refreshStatus re-counts the outbox and emits "status" if something the app shows changed.
// A failing count is not worth failing the caller: the next refresh corrects it.
func (e *Engine) refreshStatus(ctx context.Context) {
	n := e.countPending(ctx)
	if n < 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.pending = n
	e.statusChangedLocked()
}

// setPending sets the pending count from an outbox the engine has just read, and emits
// "status" if it changed.
func (e *Engine) setPending(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.pending = n
	e.statusChangedLocked()
}

// ackedPending takes n acknowledged ops off the pending count without counting the outbox
// again (a count per acknowledged batch is an IndexedDB transaction). Ops another tab
// acknowledged first make it low until the count at the end of the run corrects it.
func (e *Engine) ackedPending(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.pending = max(0, e.state.pending-n)
	e.statusChangedLocked()
}

// setSyncing changes the syncing flag and, when pending >= 0, the pending count, with one
// status event.
func (e *Engine) setSyncing(on bool, pending int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.syncing = on
	if pending >= 0 {
		e.state.pending = pending
	}
	e.statusChangedLocked()
}

// countPending counts the outbox; -1 when the store cannot say.
func (e *Engine) countPending(ctx context.Context) int {
	n, err := e.cfg.Store.PendingCount(ctx)
	if err != nil {
		return -1
	}
	return n
}

func (e *Engine) syncedAt(ms int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.lastSyncedAt = ms
}

// noteReachable notes from a server call's outcome whether the server is reachable: online
// unless no answer came back.
func (e *Engine) noteReachable(err error) {
	code := CodeOf(err)
	if code == CodeCancelled {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.online = code != CodeNetwork && code != CodeTimeout
	e.statusChangedLocked()
}

// noteServerTime updates the estimated server clock offset (for lastWriteWins).
func (e *Engine) noteServerTime(t time.Time) {
	if t.IsZero() {
		return
	}
	d := t.Sub(e.cfg.Now())
	e.mu.Lock()
	e.offset = d
	e.mu.Unlock()
}

func (e *Engine) serverOffset() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.offset
}

// statusChangedLocked emits "status" when online, syncing or pending differ from the last
// one emitted. Emitting under e.mu keeps status events in the order of the changes.
func (e *Engine) statusChangedLocked() {
	s := e.statusLocked()
	if p := e.state.emitted; p != nil && p.Online == s.Online && p.Syncing == s.Syncing && p.Pending == s.Pending {
		return
	}
	prev := s
	e.state.emitted = &prev
	ev := s
	e.bus.emit(Event{Type: EventStatus, Status: &ev})
}
