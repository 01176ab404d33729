package jsonv

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/offsync/offsync/internal/jsonscan"
)

// ErrSyntax is returned for text that is not one JSON value.
var ErrSyntax = errors.New("invalid JSON")

// TypeError says which JSON value a field did not accept.
type TypeError struct {
	Field string // the member's key, "" for a top-level or array value
	Want  string // what the field takes: "string", "number", "integer", "boolean", "object", "array"
	Got   string // the JSON value's kind
}

func (e *TypeError) Error() string {
	if e.Field == "" {
		return "cannot take JSON " + e.Got + " as " + e.Want
	}
	return "field " + strconv.Quote(e.Field) + ": cannot take JSON " + e.Got + " as " + e.Want
}

// Check returns ErrSyntax unless b is exactly one JSON value (whitespace around it allowed).
// The readers below trust their input: callers check untrusted text once, then read it.
func Check(b []byte) error {
	if !jsonscan.Valid(b) {
		return ErrSyntax
	}
	return nil
}

// Kind names the kind of the valid JSON value v: "null", "boolean", "number", "string",
// "object" or "array".
//
//go:noinline
func Kind(v []byte) string {
	i := jsonscan.SkipWS(v, 0)
	if i >= len(v) {
		return "nothing"
	}
	switch v[i] {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "number"
}

// IsNull reports whether the valid JSON value v is null.
//
//go:noinline
func IsNull(v []byte) bool { return Kind(v) == "null" }

// Members calls fn with each member of the valid JSON object obj in order, its key decoded
// and its value raw (sharing obj's memory). A null obj has no members, as encoding/json
// leaves a struct alone for null; any other non-object is a TypeError. fn's error stops the walk.
func Members(obj []byte, fn func(key string, v []byte) error) error {
	i := jsonscan.SkipWS(obj, 0)
	if k := Kind(obj); k != "object" {
		if k == "null" {
			return nil
		}
		return &TypeError{Want: "object", Got: k}
	}
	i = jsonscan.SkipWS(obj, i+1)
	for i < len(obj) && obj[i] != '}' {
		end, _ := jsonscan.SkipValue(obj, i)
		key := unquote(obj[i:end])
		i = jsonscan.SkipWS(obj, end)
		i = jsonscan.SkipWS(obj, i+1) // the colon
		end, _ = jsonscan.SkipValue(obj, i)
		if err := fn(key, obj[i:end:end]); err != nil {
			return err
		}
		i = jsonscan.SkipWS(obj, end)
		if i < len(obj) && obj[i] == ',' {
			i = jsonscan.SkipWS(obj, i+1)
		}
	}
	return nil
}

// DecodeList decodes the valid JSON array arr into out, each item by item, as json.Unmarshal
// into a slice: null gives nil, an empty array an empty slice.
func DecodeList[T any](arr []byte, out *[]T, item func([]byte, *T) error) error {
	if IsNull(arr) {
		*out = nil
		return nil
	}
	list := []T{}
	err := Items(arr, func(v []byte) error {
		var x T
		err := item(v, &x)
		list = append(list, x)
		return err
	})
	*out = list
	return err
}

// Items calls fn with each item of the valid JSON array arr, raw. A null arr has no items;
// any other non-array is a TypeError.
func Items(arr []byte, fn func(v []byte) error) error {
	i := jsonscan.SkipWS(arr, 0)
	if k := Kind(arr); k != "array" {
		if k == "null" {
			return nil
		}
		return &TypeError{Want: "array", Got: k}
	}
	i = jsonscan.SkipWS(arr, i+1)
	for i < len(arr) && arr[i] != ']' {
		end, _ := jsonscan.SkipValue(arr, i)
		if err := fn(arr[i:end:end]); err != nil {
			return err
		}
		i = jsonscan.SkipWS(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = jsonscan.SkipWS(arr, i+1)
		}
	}
	return nil
}

// Key reports whether a member's key names the ASCII field as encoding/json matches it:
// exactly or case-insensitively.
//
//go:noinline
func Key(key, field string) bool {
	return key == field || jsonscan.FoldEqual(key, field)
}

// String decodes the valid JSON value v into *dst: a string sets it, null leaves it.
//
//go:noinline
func String(v []byte, dst *string) error {
	switch k := Kind(v); k {
	case "string":
		*dst = unquote(trim(v))
	case "null":
	default:
		return &TypeError{Want: "string", Got: k}
	}
	return nil
}

// StringPtr decodes the valid JSON value v into *dst: a string sets it, null clears it.
//
//go:noinline
func StringPtr(v []byte, dst **string) error {
	if IsNull(v) {
		*dst = nil
		return nil
	}
	var s string
	if err := String(v, &s); err != nil {
		return err
	}
	*dst = &s
	return nil
}

// Strings decodes the valid JSON value v into *dst: an array of strings sets it (null items
// are ""), null clears it.
//
//go:noinline
func Strings(v []byte, dst *[]string) error {
	if IsNull(v) {
		*dst = nil
		return nil
	}
	out := []string{}
	err := Items(v, func(it []byte) error {
		var s string
		err := String(it, &s)
		out = append(out, s)
		return err
	})
	if err != nil {
		return err
	}
	*dst = out
	return nil
}

// Int decodes the valid JSON value v into *dst: an integer that fits 64 bits sets it (as
// encoding/json, 1.0 and 1e3 are not integers), null leaves it.
//
//go:noinline
func Int(v []byte, dst *int64) error {
	switch k := Kind(v); k {
	case "number":
		n, err := strconv.ParseInt(string(trim(v)), 10, 64)
		if err != nil {
			return &TypeError{Want: "integer", Got: "number " + string(trim(v))}
		}
		*dst = n
	case "null":
	default:
		return &TypeError{Want: "integer", Got: k}
	}
	return nil
}

// IntOf is Int for any integer type, refusing values it cannot hold.
func IntOf[T ~int | ~int32 | ~int64 | ~uint32](v []byte, dst *T) error {
	var n int64
	if !IsNull(v) {
		n = int64(*dst)
	}
	if err := Int(v, &n); err != nil {
		return err
	}
	if int64(T(n)) != n || (T(n) < 0) != (n < 0) {
		return &TypeError{Want: "integer", Got: "number " + string(trim(v))}
	}
	*dst = T(n)
	return nil
}

// Float decodes the valid JSON value v into *dst: a number sets it, null leaves it.
//
//go:noinline
func Float(v []byte, dst *float64) error {
	switch k := Kind(v); k {
	case "number":
		f, err := strconv.ParseFloat(string(trim(v)), 64)
		if err != nil {
			return &TypeError{Want: "number", Got: "number " + string(trim(v))}
		}
		*dst = f
	case "null":
	default:
		return &TypeError{Want: "number", Got: k}
	}
	return nil
}

// Bool decodes the valid JSON value v into *dst: true or false sets it, null leaves it.
//
//go:noinline
func Bool(v []byte, dst *bool) error {
	switch k := Kind(v); k {
	case "boolean":
		*dst = trim(v)[0] == 't'
	case "null":
	default:
		return &TypeError{Want: "boolean", Got: k}
	}
	return nil
}

// Raw copies the valid JSON value v, trimmed, into *dst (null included, as json.RawMessage).
//
//go:noinline
func Raw(v []byte, dst *[]byte) error {
	*dst = append([]byte(nil), trim(v)...)
	return nil
}

// trim drops the whitespace around a value.
func trim(v []byte) []byte {
	i := jsonscan.SkipWS(v, 0)
	j := len(v)
	for j > i && (v[j-1] == ' ' || v[j-1] == '\t' || v[j-1] == '\n' || v[j-1] == '\r') {
		j--
	}
	return v[i:j]
}

// unquote decodes the valid JSON string s (quotes included) as encoding/json does: invalid
// UTF-8 and lone surrogates become U+FFFD.
func unquote(s []byte) string {
	s = s[1 : len(s)-1]
	plain := true
	for _, c := range s {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(s)
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if r >= 0xd800 && r < 0xe000 {
					if r < 0xdc00 && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if r2 := hex4(s[i+2:]); r2 >= 0xdc00 && r2 < 0xe000 {
							b = utf8.AppendRune(b, (r-0xd800)<<10|(r2-0xdc00)+0x10000)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default: // " \ /
				b = append(b, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRune(s[i:])
			b = utf8.AppendRune(b, r) // RuneError for a bad byte
			i += n
		}
	}
	return string(b)
}

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// RawObject decodes the JSON text b as json.Unmarshal into a map[string]json.RawMessage: an
// object's members by exact key (the last of a repeated key), values raw and trimmed; null is
// a nil map; anything else is an error.
func RawObject(b []byte) (map[string][]byte, error) {
	if err := Check(b); err != nil {
		return nil, err
	}
	if IsNull(b) {
		return nil, nil
	}
	m := map[string][]byte{}
	err := Members(b, func(k string, v []byte) error {
		m[k] = v
		return nil
	})
	return m, err
}

// HeadField returns the raw value of the JSON text obj's member named field as json.Unmarshal
// fills a *json.RawMessage field: keys matched case-insensitively, the last match winning,
// null as absent (nil); a null obj has none; a non-object is an error.
func HeadField(obj []byte, field string) ([]byte, error) {
	if err := Check(obj); err != nil {
		return nil, err
	}
	var out []byte
	err := Members(obj, func(k string, v []byte) error {
		if Key(k, field) {
			out = v
			if IsNull(v) {
				out = nil
			}
		}
		return nil
	})
	return out, err
}
