package main

import (
	"context"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/wire"
	"github.com/offsync/offsync/internal/jsonscan"
)

// The JS functions below are offsync.js's adapters around the app's callbacks: each takes
// and returns JSON strings (or a Promise of one) and never throws synchronously. Go calls them
// from engine goroutines, never from inside a js.FuncOf callback, and awaits them through
// channels, so a slow or async callback cannot deadlock the program.

// callJS invokes fn with args and awaits its (possibly async) result; a throw or rejection
// becomes an error of category c.
func callJS(ctx context.Context, fn js.Value, c core.Code, op string, args ...any) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				v, err = js.Undefined(), goError(je.Value, c, op)
				return
			}
			v, err = js.Undefined(), core.Wrap(c, op, panicError(r))
		}
	}()
	return await(ctx, fn.Invoke(args...), c, op)
}

// tokenFunc wraps the app's token provider; a failure is an auth error.
func tokenFunc(fn js.Value) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		v, err := callJS(ctx, fn, core.CodeAuth, "token provider")
		if err != nil {
			return "", err
		}
		if v.Type() != js.TypeString {
			return "", core.Errorf(core.CodeAuth, "token provider", "returned a non-string value")
		}
		return v.String(), nil
	}
}

// mergeFunc wraps the app's mergeFunction (adapter: conflictJSON → mergedJSON).
func mergeFunc(fn js.Value) core.MergeFunc {
	return func(ctx context.Context, c core.Conflict) (core.RawJSON, error) {
		const op = "mergeFunction"
		if err := checkRaw(c.Local, c.Server); err != nil {
			return nil, core.Wrap(core.CodeConflict, op, err)
		}
		in := wire.AppendConflict(nil, c)
		v, err := callJS(ctx, fn, core.CodeConflict, op, string(in))
		if err != nil {
			return nil, err
		}
		if v.Type() != js.TypeString || !jsonscan.Valid([]byte(v.String())) {
			return nil, core.Errorf(core.CodeConflict, op, "did not return a JSON object")
		}
		return core.RawJSON(v.String()), nil
	}
}

// resolverFunc wraps the app's conflictResolver (adapter: conflictJSON → resolutionJSON).
func resolverFunc(fn js.Value) core.Resolver {
	return func(ctx context.Context, c core.Conflict) (core.Resolution, error) {
		const op = "conflictResolver"
		if err := checkRaw(c.Local, c.Server); err != nil {
			return core.Resolution{}, core.Wrap(core.CodeConflict, op, err)
		}
		in := wire.AppendConflict(nil, c)
		v, err := callJS(ctx, fn, core.CodeConflict, op, string(in))
		if err != nil {
			return core.Resolution{}, err
		}
		var r core.Resolution
		if v.Type() != js.TypeString {
			return r, core.Errorf(core.CodeConflict, op, "did not return a resolution")
		}
		if err := decodeArg(v.String(), &r); err != nil {
			return r, core.Errorf(core.CodeConflict, op, "bad resolution: %w", err)
		}
		return r, nil
	}
}
