package server

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/offsync/offsync/internal/jsonscan"
)

// The bounds on what one request may cost (CONTRACT.md "Limits every server of this contract
// keeps"; server/README.md lists the flags that change them).
const (
	// DefaultMaxPageBytes caps the records of one pull page, in bytes (at least one record).
	DefaultMaxPageBytes = 8 << 20
	// maxAnswerBytes caps the records a batch answer carries: past it, a success carries no
	// data (the client learns the version later) and a conflict, which wrote nothing, is
	// answered 503 so that the client sends it again.
	maxAnswerBytes = 8 << 20
	// maxReadBytes caps the stored records one batch reads: ops on records past it are
	// deferred (503, nothing written) and sent again by the client.
	maxReadBytes = 32 << 20
	// maxSavedBody caps the body an idempotency key keeps: a larger success is kept without
	// its record and replays as an acknowledgement without data.
	maxSavedBody = 4 << 10
	// DefaultIdempotencyMaxKeys bounds the idempotency keys kept per tenant (oldest dropped).
	DefaultIdempotencyMaxKeys = 100_000
	// maxDepth is the deepest nesting of objects and arrays a record may have.
	maxDepth = 64
)

// reservedKinds are the kind names that collide with routes: GET /health is the health check,
// POST /batch the batch push, so such a kind could never be pulled or written alike.
var reservedKinds = map[string]bool{"health": true, "batch": true}

const reservedKindMsg = "kinds health and batch are reserved: they collide with routes"

// query parses the query string, answering 400 when it is malformed: url.Values.Get would
// silently drop a broken pageToken and restart the pull from updatedSince.
func query(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, "malformed query string")
		return nil, false
	}
	return q, true
}

// checkRecord refuses what a client could not read back from a pull page: nesting deeper than
// maxDepth, bytes that are not UTF-8, numbers outside float64's range. body must be valid JSON.
func checkRecord(body []byte) string {
	if !utf8.Valid(body) {
		return "strings must be valid UTF-8"
	}
	depth := 0
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			end, _ := jsonscan.SkipValue(body, i)
			i = end - 1
		case c == '{' || c == '[':
			if depth++; depth > maxDepth {
				return "nested deeper than " + strconv.Itoa(maxDepth) + " levels"
			}
		case c == '}' || c == ']':
			depth--
		case c == '-' || (c >= '0' && c <= '9'):
			end, _ := jsonscan.SkipValue(body, i)
			if outOfRange(body[i:end]) {
				return "number " + string(body[i:min(end, i+40)]) + " is outside the range of a float64"
			}
			i = end - 1
		}
	}
	return ""
}

// outOfRange reports whether a JSON number overflows a float64. Without an exponent and with
// at most 300 bytes it cannot (and is not parsed).
func outOfRange(num []byte) bool {
	if len(num) <= 300 && bytes.IndexAny(num, "eE") < 0 {
		return false
	}
	_, err := strconv.ParseFloat(string(num), 64)
	return err != nil
}

// Refusals of a batch body's shape (countOps).
var (
	errNotBatch = errors.New(`body must be {"ops": [...]}`)
	errOpsTwice = errors.New(`body must hold one member named "ops", in no other spelling`)
)

// countOps finds the top-level "ops" array of a batch body and counts its items without
// decoding them, stopping past limit. ops is that array: the only bytes decodeOps decodes, so
// the ops counted are the ops decoded. encoding/json would take the last member matching "ops"
// case-insensitively or after unescaping ("OPS", "op\u0073"), one this count never saw: a second
// such member is refused (errOpsTwice).
func countOps(body []byte, limit int) (ops []byte, n int, err error) {
	i := jsonscan.SkipWS(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil, 0, errNotBatch
	}
	for i = jsonscan.SkipWS(body, i+1); i < len(body) && body[i] == '"'; {
		kEnd, ok := jsonscan.SkipValue(body, i)
		if !ok {
			return nil, 0, errNotBatch
		}
		spelled, exact := opsSpelling(body[i:kEnd])
		if i = jsonscan.SkipWS(body, kEnd); i >= len(body) || body[i] != ':' {
			return nil, 0, errNotBatch
		}
		i = jsonscan.SkipWS(body, i+1)
		var end int
		switch {
		case !spelled:
			if end, ok = jsonscan.SkipValue(body, i); !ok {
				return nil, 0, errNotBatch
			}
		case ops != nil || !exact:
			return nil, 0, errOpsTwice
		case i >= len(body) || body[i] != '[':
			return nil, 0, errNotBatch
		default:
			// Counted, not skipped first: the count stops past limit, and the array is read once.
			if n, end, ok = countItems(body, i, limit); !ok {
				return nil, 0, errNotBatch
			}
			if n > limit {
				return nil, n, nil
			}
			ops = body[i:end]
		}
		if i = jsonscan.SkipWS(body, end); i < len(body) && body[i] == ',' {
			i = jsonscan.SkipWS(body, i+1)
		}
	}
	if ops == nil {
		return nil, 0, errNotBatch
	}
	return ops, n, nil
}

// opsSpelling reads a member name (a JSON string, quotes included) without allocating: spelled
// when encoding/json would match it to "ops" (any case, escaped or not, the long s ſ
// included), exact when it is "ops" once unescaped.
func opsSpelling(key []byte) (spelled, exact bool) {
	var name [3]rune
	n := 0
	for i, end := 1, len(key)-1; i < end; n++ {
		if n == len(name) {
			return false, false
		}
		r, size := utf8.DecodeRune(key[i:end])
		if r == '\\' {
			// Only \uXXXX can spell a letter of ops.
			if r, size = hexEscape(key[i:end]); size == 0 {
				return false, false
			}
		}
		name[n] = r
		i += size
	}
	spelled = n == 3 && (name[0]|0x20 == 'o') && (name[1]|0x20 == 'p') && (name[2]|0x20 == 's' || name[2] == 'ſ')
	return spelled, name == [3]rune{'o', 'p', 's'}
}

// hexEscape decodes the \uXXXX escape at the start of b; size is 0 when there is none.
func hexEscape(b []byte) (r rune, size int) {
	if len(b) < 6 || b[1] != 'u' {
		return 0, 0
	}
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			r = r<<4 | rune(c|0x20-'a'+10)
		default:
			return 0, 0
		}
	}
	return r, 6
}

// countItems counts the items of the array at body[i], stopping past limit; end is the index
// after the array.
func countItems(body []byte, i, limit int) (n, end int, ok bool) {
	i = jsonscan.SkipWS(body, i+1)
	if i < len(body) && body[i] == ']' {
		return 0, i + 1, true
	}
	for {
		e, ok := jsonscan.SkipValue(body, i)
		if !ok {
			return 0, i, false
		}
		if n++; n > limit {
			return n, e, true
		}
		i = jsonscan.SkipWS(body, e)
		if i >= len(body) {
			return 0, i, false
		}
		switch body[i] {
		case ',':
			i = jsonscan.SkipWS(body, i+1)
		case ']':
			return n, i + 1, true
		default:
			return 0, i, false
		}
	}
}
