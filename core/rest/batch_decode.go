package rest

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// decodeResults reads a POST /batch answer's results: jsonscan.Valid once, then splitResults
// cuts each result's fields out of the body (data and error stay raw, sharing the body's
// memory); encoding/json decodes whatever splitResults does not handle simply. encoding/json
// spent most of the client's decoding time here re-validating every record the server sent back.
func decodeResults(b []byte) ([]batchResult, error) {
	if jsonscan.Valid(b) {
		if results, ok := splitResults(b); ok {
			return results, nil
		}
	}
	return decodeResultsSlow(b)
}

// splitResults is decodeResults' fast path over a valid JSON document; ok is false for
// anything unusual (escapes in keys or opIds, keys differing only in case, a fractional
// statusCode, unexpected types, "results" twice: encoding/json decodes the second array into
// the first one's elements), which encoding/json then decodes.
func splitResults(b []byte) (results []batchResult, ok bool) {
	seen := false
	_, ok = eachMember(b, jsonscan.SkipWS(b, 0), func(key string, i int) (int, bool) {
		if key != "results" {
			return skipOther(b, key, i, "results")
		}
		if seen {
			return i, false
		}
		seen = true
		if bytes.HasPrefix(b[i:], []byte("null")) {
			results = nil
			return i + 4, true
		}
		if b[i] != '[' {
			return i, false
		}
		results = []batchResult{}
		i = jsonscan.SkipWS(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1, true
		}
		for i < len(b) {
			var r batchResult
			end, ok := eachMember(b, i, func(key string, i int) (int, bool) { return resultField(b, key, i, &r) })
			if !ok {
				return i, false
			}
			results = append(results, r)
			i = jsonscan.SkipWS(b, end)
			if i < len(b) && b[i] == ']' {
				return i + 1, true
			}
			i = jsonscan.SkipWS(b, i+1) // past ','
		}
		return i, false
	})
	return results, ok
}

// resultField reads the value at b[i] of a result's member key into r.
func resultField(b []byte, key string, i int, r *batchResult) (int, bool) {
	switch key {
	case "opId":
		s, next, ok := jsonscan.PlainString(b, i)
		if !ok || !utf8.Valid(s) {
			return i, false
		}
		r.OpID = string(s)
		return next, true
	case "statusCode":
		next, ok := jsonscan.SkipValue(b, i)
		if !ok {
			return i, false
		}
		n, err := strconv.Atoi(string(b[i:next]))
		r.StatusCode = n
		return next, err == nil
	case "data":
		next, ok := jsonscan.SkipValue(b, i)
		r.Data = core.RawJSON(b[i:next:next])
		return next, ok
	case "error":
		next, ok := jsonscan.SkipValue(b, i)
		r.Error = core.RawJSON(b[i:next:next])
		return next, ok
	}
	return skipOther(b, key, i, "opId", "statusCode", "data", "error")
}

// eachMember walks the object at b[i] of a valid document, calling member with each plain key
// and the index of its value; member returns the index after the value. It returns the index
// after the object; ok is false when a key is not a plain string or member gives up.
func eachMember(b []byte, i int, member func(key string, i int) (int, bool)) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return i, false
	}
	i++
	for {
		i = jsonscan.SkipWS(b, i)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case '}':
			return i + 1, true
		case ',':
			i = jsonscan.SkipWS(b, i+1)
		}
		key, next, ok := jsonscan.PlainString(b, i)
		if !ok {
			return i, false
		}
		i = jsonscan.SkipWS(b, next)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		if i, ok = member(string(key), jsonscan.SkipWS(b, i+1)); !ok {
			return i, false
		}
	}
}

// skipOther skips the value at b[i] of an unknown member, and gives up on a key that
// encoding/json would match to one of known (it matches case-insensitively).
func skipOther(b []byte, key string, i int, known ...string) (int, bool) {
	for _, k := range known {
		if jsonscan.FoldEqual(key, k) {
			return i, false
		}
	}
	return jsonscan.SkipValue(b, i)
}
