package main

import (
	"errors"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/wire"
)

// promise runs work in its own goroutine and returns a Promise of its result. A panic in work
// rejects the Promise instead of killing the program, so one bad call never takes the
// instance down.
func promise(work func() (any, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer executor.Release()
			settle(work, resolve, reject)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

// settle runs work and resolves or rejects with its outcome.
func settle(work func() (any, error), resolve, reject js.Value) {
	v, err := safely(work)
	if err != nil {
		reject.Invoke(jsError(err))
		return
	}
	resolve.Invoke(v)
}

// rejected is a Promise already rejected with err (argument mistakes found synchronously).
func rejected(err error) js.Value {
	return js.Global().Get("Promise").Call("reject", jsError(err))
}

// safely calls work and turns a panic into a categorised error.
func safely(work func() (any, error)) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = core.Wrap(core.CodeStorage, "offsync", panicError(r))
		}
	}()
	return work()
}

func panicError(r any) error {
	switch x := r.(type) {
	case error:
		return x
	case string:
		return errors.New(x)
	}
	return errors.New("unexpected panic")
}

// jsError converts err into a JS Error with the string code and boolean retryable of JS-API.md.
func jsError(err error) js.Value {
	e := js.Global().Get("Error").New(err.Error())
	e.Set("name", "OffsyncError")
	e.Set("code", string(core.CodeOf(err)))
	e.Set("retryable", core.IsRetryable(err))
	var se *statsError
	if errors.As(err, &se) {
		e.Set("stats", js.Global().Get("JSON").Call("parse", string(wire.AppendStats(nil, se.stats))))
	}
	return e
}

// goError turns a JS rejection reason or thrown value into a Go error of category c, keeping
// its message.
func goError(v js.Value, c core.Code, op string) error {
	msg := "rejected"
	switch v.Type() {
	case js.TypeObject:
		if m := v.Get("message"); m.Type() == js.TypeString {
			msg = m.String()
		} else {
			msg = js.Global().Get("String").Invoke(v).String()
		}
	case js.TypeUndefined, js.TypeNull:
	default:
		msg = js.Global().Get("String").Invoke(v).String()
	}
	return core.Wrap(c, op, errors.New(msg))
}
