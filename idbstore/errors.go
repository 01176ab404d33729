//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// domError is a JavaScript exception (usually a DOMException) by name. IndexedDB reports its
// failures by name (QuotaExceededError, InvalidStateError, ConstraintError, ...): matching the
// name is the only reliable test, whether the error was thrown synchronously or delivered by an
// error/abort event.
type domError struct {
	Name, Message string
}

func (e *domError) Error() string { return e.Name + ": " + e.Message }

// asDOMError reads a JS error value; a missing one (an abort without error) is an AbortError.
func asDOMError(v js.Value) *domError {
	if v.IsNull() || v.IsUndefined() {
		return &domError{Name: "AbortError", Message: "transaction aborted"}
	}
	name, msg := "Error", v.Call("toString").String()
	if n := v.Get("name"); n.Type() == js.TypeString {
		name = n.String()
	}
	if m := v.Get("message"); m.Type() == js.TypeString {
		msg = m.String()
	}
	return &domError{Name: name, Message: msg}
}

// call runs f and turns a JavaScript exception it throws into a *domError.
func call(f func() js.Value) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			je, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			err = asDOMError(je.Value)
		}
	}()
	return f(), nil
}

// errNameIs reports whether err is a JS error named name.
func errNameIs(err error, name string) bool {
	var d *domError
	return errors.As(err, &d) && d.Name == name
}

// errConnection marks a failure of the connection itself (closed by a versionchange, lost):
// the call is retried once on a fresh connection.
var errConnection = errors.New("database connection closed")

// errBadFrame is framed record text that does not split into its fields.
var errBadFrame = errors.New("malformed record frame")

// reconnectable reports whether err means the connection, not the call, failed.
func reconnectable(err error) bool {
	return errors.Is(err, errConnection) || errNameIs(err, "InvalidStateError") || errNameIs(err, "UnknownError")
}

// classify gives every error leaving the store its category.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	switch {
	case errors.As(err, &ce):
		return err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return core.Wrap(core.CodeStorage, op, err)
	case errNameIs(err, "QuotaExceededError"):
		return core.Wrap(core.CodeQuota, op, err)
	}
	return core.Wrap(core.CodeStorage, op, err)
}

func errClosed(op string) error {
	return core.Errorf(core.CodeClosed, op, "store is closed")
}

func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
