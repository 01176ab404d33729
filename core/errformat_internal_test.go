package core

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestErrFormatAgreesWithFmt checks errFormat against fmt.Errorf on the verbs and operand
// types the module's messages use.
func TestErrFormatAgreesWithFmt(t *testing.T) {
	cause := errors.New("cause")
	cases := []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"100%% sure", nil},
		{"%s and %q", []any{"a\"b", "c\nd\xff"}},
		{"%d of %d", []any{3, int64(-9)}},
		{"n=%d u=%d i=%d", []any{int32(7), uint32(8), uint64(9)}},
		{"%v", []any{cause}},
		{"x: %w", []any{cause}},
		{"x: %w: %w", []any{cause, context.Canceled}},
		{"%s", []any{cause}},
		{"%v–%v", []any{time.Second, 1500 * time.Millisecond}},
		{"%s %s %s %s %s %s", []any{CodeInvalid, OpType("put"), EventType("sync"), CondOp("eq"), Strategy("x"), Action("y")}},
		{"%d %v", []any{ValueTag(2), runMode(1)}},
		{"%s", []any{PushStatus(1)}},
		{"%v", []any{true}},
		{"missing %s", nil},
		{"extra", []any{1}},
		{"%v", []any{nil}},
		{"%w", []any{nil}},
		{"trailing %", nil},
	}
	for _, c := range cases {
		want := fmt.Errorf(c.format, c.args...) //nolint:govet // the formats are the test
		got, cause := errFormat(c.format, c.args)
		if c.format == "extra" {
			require.Equal(t, "extra%!(EXTRA)", got) // fmt adds the operand's type: reflect
			continue
		}
		require.Equal(t, want.Error(), got, c.format)
		require.Equal(t, errors.Unwrap(want), cause, c.format)
	}
}
