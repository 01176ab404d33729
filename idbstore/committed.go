//go:build js && wasm

package idbstore

import (
	"context"
	"syscall/js"
)

// commitHook is WithCommitted's hook: fn(arg), called from JavaScript.
type commitHook struct{ fn, arg js.Value }

type committedKey struct{}

// WithCommitted returns a context that makes a WriteLocal made with it call fn(arg) from
// JavaScript as soon as its transaction commits, in the complete event, and hand that end to
// the Go program in a task of its own after it. The wasm bridge passes a put's Promise
// resolve and the record it resolves with: the app goes on without waiting for the Go program
// to wake, and what the Go side still does for the write (the Store call's return, the
// engine's events and pending count) runs while the app's next call waits on IndexedDB.
// Awaited puts took 6–7% less time (bench/where-the-time-goes.md). fn must not throw; a
// write that does not commit never calls it.
func WithCommitted(ctx context.Context, fn, arg js.Value) context.Context {
	return context.WithValue(ctx, committedKey{}, commitHook{fn, arg})
}

// committedOf is ctx's hook, the zero one (fn undefined) when there is none.
func committedOf(ctx context.Context) commitHook {
	c, _ := ctx.Value(committedKey{}).(commitHook)
	return c
}
