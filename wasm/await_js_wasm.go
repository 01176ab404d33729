package main

import (
	"context"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

type settled struct {
	v  js.Value
	ok bool
}

// await waits, from a goroutine, for v when it is a thenable and returns what it resolved to;
// any other value is returned as is. The then/catch callbacks only feed a buffered channel, so
// nothing blocks inside a callback. A rejection becomes an error of category c; ctx ending
// first returns its error (the callbacks are released once the promise settles).
func await(ctx context.Context, v js.Value, c core.Code, op string) (js.Value, error) {
	if v.Type() != js.TypeObject || v.Get("then").Type() != js.TypeFunction {
		return v, nil
	}
	ch := make(chan settled, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: arg(args, 0), ok: true}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: arg(args, 0)}
		return nil
	})
	release := func() { onOK.Release(); onErr.Release() }
	v.Call("then", onOK, onErr)
	select {
	case s := <-ch:
		release()
		if !s.ok {
			return js.Undefined(), goError(s.v, c, op)
		}
		return s.v, nil
	case <-ctx.Done():
		go func() { <-ch; release() }()
		return js.Undefined(), core.Wrap(core.CodeCancelled, op, ctx.Err())
	}
}

func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}
