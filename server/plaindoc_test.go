package server

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

const testVersion = "2026-11-26T01:02:03.456789Z"

// slowDoc is the record recordFields + json.Marshal store for body.
func slowDoc(t *testing.T, body []byte, id string) ([]byte, bool) {
	fields, _, _, msg := recordFields(body, id)
	if msg != "" {
		return nil, false
	}
	doc, err := writeOp{kind: "k", id: id, fields: fields}.doc(nil, testVersion)
	require.NoError(t, err)
	return doc, true
}

// checkPlainDoc: where plainDoc takes a body, its record is byte for byte the general path's.
func checkPlainDoc(t *testing.T, body []byte, id string) bool {
	head, tail, ok := plainDoc(body, id)
	if !ok {
		return false
	}
	want, valid := slowDoc(t, body, id)
	require.True(t, valid, "plainDoc took a body the general path refuses: %s", body)
	got, err := writeOp{kind: "k", id: id, head: head, tail: tail}.doc(nil, testVersion)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "body %s", body)
	return true
}

func TestPlainDocMatchesMarshal(t *testing.T) {
	tests := []struct {
		name, body string
		plain      bool
	}{
		{"bench record", `{"id":"a","title":"alpha bravo charlie","body":"a b c","n":12345,"done":true,"tags":["kilo","lima"],"v":0}`, true},
		{"no id in body", `{"title":"x"}`, true},
		{"empty", `{}`, true},
		{"server fields dropped", `{"updatedAt":"old","deletedAt":null,"updated_at":1,"deleted_at":2,"zeta":1,"id":"a"}`, true},
		{"keys around updatedAt", `{"updatedAs":1,"updatedAu":2,"UPPER":3,"_x":4,"~":5}`, true},
		{"nested and escapes", `{"o":{"b":[1,{"c":"d\"e\\"}],"a":null},"s":"tab\tquote\"","u":"é\u00e9"}`, true},
		{"spaces between tokens", ` { "a" : 1 , "b" : [ 1 , 2 ] } `, false},
		{"html in a value", `{"a":"<b>"}`, false},
		{"html in a key", `{"a&b":1}`, false},
		{"escaped key", `{"a\u0062":1}`, false},
		{"line separator", "{\"a\":\"x\u2028y\"}", false},
		{"duplicate key", `{"a":1,"a":2}`, false},
		{"base", `{"_baseUpdatedAt":"2026-01-01T00:00:00.000000Z","a":1}`, false},
		{"other id", `{"id":"b"}`, false},
		{"not an object", `[1]`, false},
		{"null", `null`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tt.body)))
			require.Equal(t, tt.plain, checkPlainDoc(t, []byte(tt.body), "a"))
		})
	}
}

// FuzzPlainDoc: on any valid JSON body, plainDoc either declines or matches the general path.
func FuzzPlainDoc(f *testing.F) {
	for _, s := range []string{`{"id":"a","n":1}`, `{"x":{"y":[1,"z"]},"updatedAt":"v"}`, `{"a":"\u2029"}`, `{"b":1,"a":[]}`} {
		f.Add(s, "a")
	}
	f.Fuzz(func(t *testing.T, body, id string) {
		if !json.Valid([]byte(body)) {
			return
		}
		checkPlainDoc(t, []byte(body), id)
	})
}
