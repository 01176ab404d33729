package core_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/offsync/offsync/core"
)

// validObjectRef is ValidateObject's rule written with encoding/json alone: a JSON object whose
// "id", when present and not null, is the string id.
func validObjectRef(id string, data []byte) bool {
	b := bytes.TrimLeft(data, " \t\r\n")
	if len(b) == 0 || b[0] != '{' || !json.Valid(data) {
		return false
	}
	var head struct {
		ID *core.RawJSON `json:"id"`
	}
	if json.Unmarshal(data, &head) != nil {
		return false
	}
	if head.ID == nil {
		return true
	}
	var s string
	return json.Unmarshal(*head.ID, &s) == nil && s == id
}

var validateSeeds = []struct {
	id, data string
	ok       bool
}{
	{"a", `{"id":"a","n":1}`, true},
	{"a", `{"n":{"id":"b"},"id":"a"}`, true},
	{"a", `{"n":1}`, true},
	{"a", `{"id":null}`, true},
	{"a", `{"id":"b"}`, false},
	{"a", `{"id":1}`, false},
	{"é", `{"id":"\u00e9"}`, true},
	{"a", `{"ID":"a"}`, true},
	{"a", `{"ID":"b"}`, false},
	{"a", `{"id":"b","id":"a"}`, true},
	{"a", `{"id":"a"`, false},
	{"a", `[{"id":"a"}]`, false},
	{"a", ` {"id":"a"} `, true},
	{"a", `{"id":"a"} x`, false},
	{"a", ``, false},
}

func TestValidateObject(t *testing.T) {
	for _, s := range validateSeeds {
		err := core.ValidateObject("test", s.id, core.RawJSON(s.data))
		assert.Equal(t, s.ok, err == nil, "%s %s: %v", s.id, s.data, err)
		assert.Equal(t, s.ok, validObjectRef(s.id, []byte(s.data)), "reference disagrees on %s", s.data)
		if err != nil {
			assert.ErrorIs(t, err, core.ErrInvalid)
		}
	}
}

// FuzzValidateObject checks the fast path (jsonscan) gives encoding/json's verdict.
func FuzzValidateObject(f *testing.F) {
	for _, s := range validateSeeds {
		f.Add(s.id, s.data)
	}
	f.Fuzz(func(t *testing.T, id, data string) {
		err := core.ValidateObject("fuzz", id, core.RawJSON(data))
		if want := validObjectRef(id, []byte(data)); want != (err == nil) {
			t.Fatalf("ValidateObject(%q, %q) = %v, encoding/json says ok=%v", id, data, err, want)
		}
	})
}

// BenchmarkValidateObject compares the jsonscan path with the encoding/json rule it replaced,
// on a typical ~250 B record.
func BenchmarkValidateObject(b *testing.B) {
	rec := []byte(`{"id":"6f1c0b2e-6b59-4a8e-9d7e-1f2a3b4c5d6e","date":"2026-11-26","mood":4,"energy":3,` +
		`"notes":"Walked in the rain, then cocoa and a good book","tags":["rain","book"],"meta":{"device":"tab-1","v":2}}`)
	id := "6f1c0b2e-6b59-4a8e-9d7e-1f2a3b4c5d6e"
	b.Run("jsonscan", func(b *testing.B) {
		b.SetBytes(int64(len(rec)))
		for b.Loop() {
			if core.ValidateObject("bench", id, rec) != nil {
				b.Fatal("refused")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(rec)))
		for b.Loop() {
			if !validObjectRef(id, rec) {
				b.Fatal("refused")
			}
		}
	})
}
