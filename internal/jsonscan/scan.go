// Package jsonscan reads the little the sync path needs from JSON records (the top-level id,
// updatedAt, deletedAt) in one light pass, without decoding them, and cuts arrays into their
// items: shared by the REST transport, which scans every pulled item, the engine, which finds
// the id of every local write, and the wasm bridge, which splits putMany's records.
package jsonscan

import (
	"bytes"
	"unicode/utf8"
)

// Meta is what ScanMeta reads. Its tags let a caller fall back to encoding/json with the
// same result when ScanMeta cannot answer.
type Meta struct {
	ID             *string `json:"id"`
	UpdatedAt      string  `json:"updatedAt"`
	UpdatedAtSnake string  `json:"updated_at"`
	DeletedAt      *string `json:"deletedAt"`
	DeletedAtSnake *string `json:"deleted_at"`
}

// Fields ScanMeta looks for.
const (
	fieldOther = iota
	fieldID
	fieldUpdatedAt
	fieldUpdatedAtSnake
	fieldDeletedAt
	fieldDeletedAtSnake
	fieldUnsure // a key encoding/json would match case-insensitively: let it decide
)

var metaKeys = [...]string{fieldID: "id", fieldUpdatedAt: "updatedAt", fieldUpdatedAtSnake: "updated_at",
	fieldDeletedAt: "deletedAt", fieldDeletedAtSnake: "deleted_at"}

// ScanMeta reads the top-level id, updatedAt and deletedAt of a JSON object in one light pass,
// skipping every other value without decoding it: records are mostly fields the sync path
// never looks at, and a full decode of each item costs two more scans (slow in wasm). b must
// already be valid JSON (a caller that has not checked it must not trust a "yes"). ok is false on anything it does not
// handle simply — escapes in keys or in those values, a key differing only in case, a value
// of another type — and the caller then decodes with encoding/json, which gives the same result
// (FuzzScanMeta checks that).
func ScanMeta(b []byte) (m Meta, ok bool) {
	i := SkipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return m, false
	}
	i++
	for {
		i = SkipWS(b, i)
		if i >= len(b) {
			return m, false
		}
		switch b[i] {
		case '}':
			return m, true
		case ',':
			i = SkipWS(b, i+1)
		}
		key, next, ok := PlainString(b, i)
		if !ok {
			return m, false
		}
		i = SkipWS(b, next)
		if i >= len(b) || b[i] != ':' {
			return m, false
		}
		i = SkipWS(b, i+1)
		f := whichField(key)
		if f == fieldUnsure {
			return m, false
		}
		if f == fieldOther {
			if i, ok = SkipValue(b, i); !ok {
				return m, false
			}
			continue
		}
		var val *string
		switch {
		case i < len(b) && b[i] == '"':
			s, next, ok := PlainString(b, i)
			if !ok || !utf8.Valid(s) {
				return m, false // encoding/json would replace invalid UTF-8
			}
			str := string(s)
			val, i = &str, next
		case bytes.HasPrefix(b[i:], []byte("null")):
			i += 4
		default:
			return m, false
		}
		m.set(f, val)
	}
}

// set stores one field the way encoding/json would: null clears a pointer and leaves a
// string as it was.
func (m *Meta) set(f int, v *string) {
	switch f {
	case fieldID:
		m.ID = v
	case fieldUpdatedAt:
		if v != nil {
			m.UpdatedAt = *v
		}
	case fieldUpdatedAtSnake:
		if v != nil {
			m.UpdatedAtSnake = *v
		}
	case fieldDeletedAt:
		m.DeletedAt = v
	case fieldDeletedAtSnake:
		m.DeletedAtSnake = v
	}
}

func whichField(key []byte) int {
	for f, k := range metaKeys {
		// No meta key holds a k or an s, the only ASCII letters a non-ASCII rune folds to
		// (FoldEqual), so a key that equals or folds to one has its length; and an ASCII
		// first byte that differs in any case rules it out before the two calls (a pull
		// scans every key of every item).
		if len(key) != len(k) || k == "" || key[0] < utf8.RuneSelf && lower(key[0]) != lower(k[0]) {
			continue
		}
		if string(key) == k {
			return f
		}
		if FoldEqual(string(key), k) {
			return fieldUnsure
		}
	}
	return fieldOther
}

// SkipWS returns the index of the first non-space byte at or after i.
func SkipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// PlainString returns the content of the string starting at b[i] and the index after it; ok is
// false when it is not a string or has escapes.
func PlainString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	for j := skipPlain(b, i+1); j < len(b); j++ {
		switch b[j] {
		case '\\':
			return nil, i, false
		case '"':
			return b[i+1 : j], j + 1, true
		}
	}
	return nil, i, false
}

// endOfString returns the index after the string starting at b[i], escapes included.
func endOfString(b []byte, i int) (int, bool) {
	for j := skipPlain(b, i+1); j < len(b); j++ {
		switch b[j] {
		case '\\':
			j = skipPlain(b, j+2) - 1
		case '"':
			return j + 1, true
		}
	}
	return i, false
}

// SkipValue returns the index after the JSON value starting at b[i]: a string, an object or
// array (brackets balanced outside strings), or a non-empty scalar. It does not validate.
func SkipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '"':
		return endOfString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := endOfString(b, j)
				if !ok {
					return i, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return i, false
	}
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ':', ' ', '\t', '\n', '\r':
			return j, j > i // a scalar is not empty
		}
	}
	return len(b), true
}

// SplitArray cuts the items of the array starting at b[i] without decoding them and returns
// them (sharing b's memory, each capped at its end) and the index after the array. It checks
// the array's own structure (brackets, commas, strings, balanced nesting), not the items' JSON:
// ok is false for anything that is not an array of values.
func SplitArray(b []byte, i int) (items [][]byte, next int, ok bool) {
	return splitArray(b, i, SkipValue)
}

// splitArray cuts an array's items, each one's end found by item; SplitArray skips them,
// SplitValidObjects checks them.
func splitArray(b []byte, i int, item func(b []byte, i int) (int, bool)) (items [][]byte, next int, ok bool) {
	if i >= len(b) || b[i] != '[' {
		return nil, i, false
	}
	items = [][]byte{}
	i = SkipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return items, i + 1, true
	}
	for {
		end, ok := item(b, i)
		if !ok {
			return nil, i, false
		}
		items = append(items, b[i:end:end])
		i = SkipWS(b, end)
		if i >= len(b) {
			return nil, i, false
		}
		switch b[i] {
		case ',':
			i = SkipWS(b, i+1)
		case ']':
			return items, i + 1, true
		default:
			return nil, i, false
		}
	}
}
