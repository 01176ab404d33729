package rest

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// decodeResults reads a POST /batch answer's results: splitResults checks the body as JSON and
// cuts each result's fields out of it in one pass (data and error stay raw, sharing the body's
// memory); jsonv decodes whatever splitResults does not handle simply. Either way every result's
// data and error are valid JSON when it returns no error. (Valid and then the cut read every
// acknowledged record twice, the larger part of a large-record push's Go time.)
func decodeResults(b []byte) ([]batchResult, error) {
	if results, ok := splitResults(b); ok {
		return results, nil
	}
	return decodeResultsSlow(b)
}

// splitResults is decodeResults' fast path. It reads every byte once, checking what it does
// not read itself with jsonscan.ValidValue, and gives up (ok false) on any document that is not
// valid JSON and on anything unusual (escapes in keys or opIds, keys differing only in case, a
// fractional statusCode, unexpected types, "results" twice: encoding/json decodes the second
// array into the first one's elements).
func splitResults(b []byte) (results []batchResult, ok bool) {
	seen := false
	end, ok := validMembers(b, jsonscan.SkipWS(b, 0), func(key string, i int) (int, bool) {
		if key != "results" {
			return skipOther(b, key, i, 1, "results")
		}
		if seen {
			return i, false
		}
		seen = true
		if bytes.HasPrefix(b[i:], []byte("null")) {
			results = nil
			return i + 4, true
		}
		if i >= len(b) || b[i] != '[' {
			return i, false
		}
		results = []batchResult{}
		i = jsonscan.SkipWS(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1, true
		}
		for {
			var r batchResult
			end, ok := validMembers(b, i, func(key string, i int) (int, bool) { return resultField(b, key, i, &r) })
			if !ok {
				return i, false
			}
			results = append(results, r)
			if i = jsonscan.SkipWS(b, end); i >= len(b) {
				return i, false
			}
			switch b[i] {
			case ']':
				return i + 1, true
			case ',':
				i = jsonscan.SkipWS(b, i+1)
			default:
				return i, false
			}
		}
	})
	return results, ok && jsonscan.SkipWS(b, end) == len(b)
}

// resultDepth is the number of containers around a result's values: the answer object, the
// results array and the result object (jsonscan's nesting limit counts them).
const resultDepth = 3

// resultField reads the value at b[i] of a result's member key into r, checking it.
func resultField(b []byte, key string, i int, r *batchResult) (int, bool) {
	switch key {
	case "opId":
		s, next, ok := jsonscan.PlainString(b, i)
		if !ok || !utf8.Valid(s) || !printable(s) {
			return i, false
		}
		r.OpID = string(s)
		return next, true
	case "statusCode":
		next, ok := jsonscan.ValidValue(b, i, resultDepth)
		if !ok {
			return i, false
		}
		n, err := strconv.Atoi(string(b[i:next]))
		r.StatusCode = n
		return next, err == nil
	case "data":
		if i < len(b) && b[i] == '{' {
			// A record: checked and its metadata read in one pass (ackedRecord uses it).
			next, m, metaOK, ok := jsonscan.ValidObjectMetaAt(b, i, resultDepth)
			r.Data, r.scan = core.RawJSON(b[i:next:next]), dataScan{meta: m, metaOK: metaOK}
			return next, ok
		}
		next, ok := jsonscan.ValidValue(b, i, resultDepth)
		r.Data, r.scan = core.RawJSON(b[i:next:next]), dataScan{}
		return next, ok
	case "error":
		next, ok := jsonscan.ValidValue(b, i, resultDepth)
		r.Error = core.RawJSON(b[i:next:next])
		return next, ok
	}
	return skipOther(b, key, i, resultDepth, "opId", "statusCode", "data", "error")
}

// validMembers walks the object at b[i], calling member with each plain key and the index of
// its value; member checks the value and returns the index after it. It returns the index
// after the object; ok is false when the object is not valid JSON, a key is not a plain
// string, or member gives up.
func validMembers(b []byte, i int, member func(key string, i int) (int, bool)) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return i, false
	}
	i = jsonscan.SkipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		key, next, ok := jsonscan.PlainString(b, i)
		if !ok || !printable(key) {
			return i, false
		}
		if i = jsonscan.SkipWS(b, next); i >= len(b) || b[i] != ':' {
			return i, false
		}
		if i, ok = member(string(key), jsonscan.SkipWS(b, i+1)); !ok {
			return i, false
		}
		if i = jsonscan.SkipWS(b, i); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case '}':
			return i + 1, true
		case ',':
			i = jsonscan.SkipWS(b, i+1)
		default:
			return i, false
		}
	}
}

// skipOther checks and skips the value at b[i] of an unknown member (depth: the containers
// around it), and gives up on a key that encoding/json would match to one of known (it
// matches case-insensitively).
func skipOther(b []byte, key string, i, depth int, known ...string) (int, bool) {
	for _, k := range known {
		if jsonscan.FoldEqual(key, k) {
			return i, false
		}
	}
	return jsonscan.ValidValue(b, i, depth)
}
