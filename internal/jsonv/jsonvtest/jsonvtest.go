// Package jsonvtest holds what the tests of the hand-written JSON codecs (core, core/wire)
// share: random values that need escaping, and a comparison with encoding/json's output. Only
// tests import it.
package jsonvtest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// String mixes plain text with what needs escaping.
func String(r *rand.Rand) string {
	parts := []string{"", "a", "id-1", "<b>&", "\"q\"", "\\", "\n\t", "é", "😀", "\u2028", "\x00", "\xff"}
	s := ""
	for range r.IntN(4) {
		s += parts[r.IntN(len(parts))]
	}
	return s
}

// Raw is a JSON value of some kind, or nil.
func Raw(r *rand.Rand) []byte {
	raws := []string{"", "null", `{"id":"x","n":1}`, `[1,"a",{"b":null}]`, `"s"`, `12.5`}
	if s := raws[r.IntN(len(raws))]; s != "" {
		return []byte(s)
	}
	return nil
}

// Int is zero half the time, else an integer JavaScript holds exactly.
func Int(r *rand.Rand) int64 {
	if r.IntN(2) == 0 {
		return 0
	}
	return r.Int64N(1<<53) - 1<<52
}

// SameJSON compares two encodings as values: encoding/json also escapes <, > and & inside raw
// values, which JSON.parse reads the same.
func SameJSON(t *testing.T, want, got []byte, msg string) {
	t.Helper()
	var w, g any
	require.NoError(t, json.Unmarshal(want, &w), msg)
	require.NoError(t, json.Unmarshal(got, &g), "%s: %s", msg, got)
	require.Equal(t, w, g, msg)
}

// Canon writes the escape \ufffd as the character U+FFFD, so that two encodings compare byte
// for byte whichever Go built the test: encoding/json escapes invalid UTF-8 as \ufffd up to Go
// 1.26 (as the hand-written encoders do) and writes U+FFFD itself from Go 1.27 (built on
// json/v2); any reader takes both as the same string.
func Canon(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] != '\\' || i+1 == len(b):
			out = append(out, b[i])
		case bytes.HasPrefix(b[i+1:], []byte("ufffd")):
			out = append(out, "\uFFFD"...)
			i += 5
		default: // any other escape, kept whole so that its second byte is not read as a start
			out = append(out, b[i], b[i+1])
			i++
		}
	}
	return string(out)
}
