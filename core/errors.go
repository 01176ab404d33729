package core

import (
	"context"
	"errors"
	"time"
)

// Code is an error category. The set is the contract of JS-API.md ("err.code").
type Code string

// The error categories.
const (
	CodeNetwork   Code = "network"   // the request did not reach the server or no answer came back
	CodeTimeout   Code = "timeout"   // a deadline passed
	CodeAuth      Code = "auth"      // 401/403 or a token provider failure
	CodeConflict  Code = "conflict"  // a conflict that could not be resolved in this run
	CodeServer    Code = "server"    // 429/5xx after retries
	CodeProtocol  Code = "protocol"  // unparseable or contract-breaking response
	CodeStorage   Code = "storage"   // the local store failed
	CodeQuota     Code = "quota"     // the local store is full
	CodeInvalid   Code = "invalid"   // bad argument from the app (missing id, unknown kind, non-JSON value)
	CodeCancelled Code = "cancelled" // the caller's context was cancelled
	CodeClosed    Code = "closed"    // the engine or store was closed
)

// Error is offsync's error value: a category, whether trying again may help, and the cause.
//
// Match a category with errors.Is(err, core.ErrNetwork) (any *Error of the same Code matches),
// or get the details with errors.As(err, &e).
type Error struct {
	Code      Code
	Retryable bool
	Op        string // what was being done, e.g. "push daily_feeling/42"
	Msg       string
	Err       error // cause, may be nil
	// RetryAfter is the server's Retry-After for 429/503 answers, zero when not given.
	RetryAfter time.Duration
	// HTTPStatus is the status of the server's answer that caused the error, 0 when there was
	// none (network, local failures).
	HTTPStatus int
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Op != "" {
		s += ": " + e.Op
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNetwork) true for every *Error of that category.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Op == "" && t.Msg == "" && t.Err == nil
}

// Sentinels for errors.Is. They are never returned themselves.
var (
	ErrNetwork   = &Error{Code: CodeNetwork}
	ErrTimeout   = &Error{Code: CodeTimeout}
	ErrAuth      = &Error{Code: CodeAuth}
	ErrConflict  = &Error{Code: CodeConflict}
	ErrServer    = &Error{Code: CodeServer}
	ErrProtocol  = &Error{Code: CodeProtocol}
	ErrStorage   = &Error{Code: CodeStorage}
	ErrQuota     = &Error{Code: CodeQuota}
	ErrInvalid   = &Error{Code: CodeInvalid}
	ErrCancelled = &Error{Code: CodeCancelled}
	ErrClosed    = &Error{Code: CodeClosed}
)

// retryableByDefault says which categories are worth trying again as such.
func retryableByDefault(c Code) bool {
	switch c {
	case CodeNetwork, CodeTimeout, CodeServer, CodeStorage:
		return true
	}
	return false
}

// Errorf builds an *Error of category c with its default retryable flag.
// A %w verb in format sets the cause.
func Errorf(c Code, op string, format string, args ...any) *Error {
	msg, cause := errFormat(format, args)
	return &Error{Code: c, Retryable: retryableByDefault(c), Op: op, Msg: msg, Err: cause}
}

// Wrap gives err the category c unless it already has one, keeping it as the cause.
// Context errors become cancelled/timeout. A nil err stays nil.
func Wrap(c Code, op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		c = CodeCancelled
	case errors.Is(err, context.DeadlineExceeded):
		c = CodeTimeout
	}
	return &Error{Code: c, Retryable: retryableByDefault(c), Op: op, Err: err}
}

// CodeOf returns the category of err: its *Error's code, cancelled/timeout for context errors,
// "" for nil, and storage for anything else unclassified.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	switch {
	case errors.Is(err, context.Canceled):
		return CodeCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	}
	return CodeStorage
}

func asError(err error, e **Error) bool { return errors.As(err, e) }

// HTTPStatusOf returns the HTTP status of the first *Error in err's chain that carries one,
// 0 when none does.
func HTTPStatusOf(err error) int {
	for err != nil {
		if e, ok := err.(*Error); ok && e.HTTPStatus != 0 {
			return e.HTTPStatus
		}
		err = errors.Unwrap(err)
	}
	return 0
}

// IsRetryable reports whether trying the same thing again later may succeed.
func IsRetryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Retryable
	}
	return false
}
