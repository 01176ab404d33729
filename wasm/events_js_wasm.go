package main

import (
	"slices"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// maxEventBatch bounds one crossing so a burst of events is delivered in a few calls.
const maxEventBatch = 512

// pump forwards engine events to fn, one call per drained batch, as a JSON array, the records
// of change events for watched kinds only. It returns when the engine ends the subscription
// (Close), after delivering what was queued.
func pump(ch <-chan core.Event, fn js.Value, done chan<- struct{}, watched *watchedKinds) {
	defer close(done)
	// One batch buffer for the pump's life: made per batch and grown by appends, it was 350 B
	// of a push's Go allocation per op.
	var batch []core.Event
	var buf []byte // likewise the batches' JSON
	for ev := range ch {
		clear(batch) // the last batch's records, not kept alive until overwritten
		batch = append(batch[:0], ev)
	drain:
		for len(batch) < maxEventBatch {
			select {
			case ev, ok := <-ch:
				if !ok {
					break drain
				}
				batch = append(batch, ev)
			default:
				break drain
			}
		}
		watched.trim(batch)
		var text string
		text, buf = encodeBatch(buf, batch)
		deliver(fn, text)
	}
}

// deliver calls the JS listener; a throwing listener must not stop the pump.
func deliver(fn js.Value, batch string) {
	defer func() { _ = recover() }()
	fn.Invoke(batch)
}

// encodeBatch marshals events, written over buf (returned for the next batch); a batch that
// cannot be encoded (a record with invalid JSON) is reported as one error event rather than
// dropped unseen.
func encodeBatch(buf []byte, batch []core.Event) (string, []byte) {
	b, err := appendEvents(slices.Grow(buf[:0], 160*len(batch)), batch)
	if err != nil {
		ev := core.Event{Type: core.EventError, Err: core.Wrap(core.CodeProtocol, "encode events", err)}
		if b, err = appendEvents(buf[:0], []core.Event{ev}); err != nil {
			return "[]", buf
		}
	}
	return string(b), b
}
