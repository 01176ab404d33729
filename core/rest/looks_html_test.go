package rest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/offsync/offsync/internal/jsonscan"
)

// looksLikeHTMLRef is looksLikeHTML as it was written first: the head lowered, then searched.
func looksLikeHTMLRef(body []byte) bool {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '<' {
		return true
	}
	head := []byte(jsonscan.ToLowerASCII(string(b[:min(len(b), 512)])))
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype"))
}

// FuzzLooksLikeHTML: the search without copies finds what lowering and searching the head finds
// (the seeds include the Kelvin sign and the dotted capital I, which an ASCII lowering leaves).
func FuzzLooksLikeHTML(f *testing.F) {
	for _, s := range []string{
		`{"id":"a"}`, ` <html>`, `{"x":"<HTML>"}`, `{"x":"<!DocType html>"}`, `{"x":"<htm"}`, `{"x":"<<html"}`,
		`{"x":"<!doctyp"}`, `{"x":"<Html` + strings.Repeat("a", 600) + `"}`, strings.Repeat("a", 508) + `<html`,
		strings.Repeat("a", 509) + `<html`, `{"x":"<\u212atml"}`, "{\"x\":\"<\u0130html\"}", `{"x":"<hTmL"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		assert.Equal(t, looksLikeHTMLRef(b), looksLikeHTML(b), "%q", b)
	})
}
