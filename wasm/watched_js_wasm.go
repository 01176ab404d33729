package main

import (
	"sync"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// watchedKinds is the set of kinds offsync.js has live queries of (a feed in js/live.js),
// as it tells the bridge ("watching"). A local write's change event carries its stored
// records for those live queries only (the app's change event never sees them), so the pump
// leaves them out for a kind nobody watches: for a putMany of 500 large records they were
// checked, encoded, decoded and parsed again for nothing (docs/DESIGN.md "Performance
// decisions"). A feed that starts while such an event is on its way reads the ids it names.
type watchedKinds struct {
	mu    sync.Mutex
	kinds map[string]bool
}

func (w *watchedKinds) set(kind string, on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.kinds == nil {
		w.kinds = map[string]bool{}
	}
	if on {
		w.kinds[kind] = true
	} else {
		delete(w.kinds, kind)
	}
}

// trim leaves out the records of the batch's change events whose kind is not watched.
func (w *watchedKinds) trim(batch []core.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range batch {
		if ev := &batch[i]; ev.Type == core.EventChange && len(ev.Records) > 0 && !w.kinds[ev.Kind] {
			ev.Records = nil
		}
	}
}

// watching is watching(kind, on): offsync.js's first live query of kind started (on) or its
// last one stopped. Recorded as the call is made, not in its work, so that calls take effect
// in the order they were made.
func (c *client) watching(args []js.Value) (work, error) {
	kind, err := stringArg(args, 0, "watching kind")
	if err != nil {
		return nil, err
	}
	c.watched.set(kind, arg(args, 1).Truthy())
	return func() (any, error) { return nil, nil }, nil
}
