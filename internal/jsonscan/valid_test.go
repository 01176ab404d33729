package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

var validCases = []string{
	`{}`, `[]`, ` {"a":[1,-2.5e+3,0,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"],"b":{}} `, `"s"`, `0`, `-0.0E-1`, `null`,
	`{"a":1,}`, `[1,]`, `{"a"}`, `{"a":}`, `{,}`, `[,1]`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `tru`, `truex`,
	`nul`, `"\x"`, `"\u12g4"`, "\"a\tb\"", `"abc`, `{"a":1}}`, `[1]]`, `[}`, `{]`, ``, ` `, `1 2`, `{"a":1 "b":2}`,
	"\"\xff\xfe\"", `[[[]]]`, `{"a":{"b":{"c":[{}]}}}`,
	strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	strings.Repeat("[", maxDepth-1) + "{}" + strings.Repeat("]", maxDepth-1),
	strings.Repeat("[", maxDepth) + "{}" + strings.Repeat("]", maxDepth),
}

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range validCases {
		assert.Equal(t, json.Valid([]byte(s)), Valid([]byte(s)), "%.80s", s)
	}
}

// FuzzValid: Valid and json.Valid agree on every input.
func FuzzValid(f *testing.F) {
	for _, s := range validCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		assert.Equal(t, json.Valid(b), Valid(b), "%q", b)
	})
}

// BenchmarkValid compares Valid with json.Valid on a page of typical records.
func BenchmarkValid(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := range 500 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"id":"00000042-0000-4000-8000-000000000000","date":"2026-11-05","mood":3,"energy":7,` +
			`"notes":"a journal entry of ordinary length, with a few words in it","tags":["work","sleep"],` +
			`"nested":{"a":1,"b":[1,2,3.5e-2]},"updatedAt":"2026-11-26T01:02:03.000042Z","deletedAt":null}`)
	}
	sb.WriteString(`],"nextPageToken":"abc"}`)
	page := []byte(sb.String())
	b.Run("jsonscan", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if !Valid(page) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if !json.Valid(page) {
				b.Fatal("invalid")
			}
		}
	})
}
