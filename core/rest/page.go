package rest

import (
	"bytes"
	"unicode/utf8"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// pullBody is CONTRACT.md's pull answer. Items stay raw: each is parsed once, for its metadata.
type pullBody struct {
	Items         []core.RawJSON `json:"items"`
	NextPageToken *string        `json:"nextPageToken"`
}

// decodePage reads a pull answer: jsonscan.Valid once, then splitPage cuts the items out of the
// body without decoding them; encoding/json decodes whatever splitPage does not handle simply.
// Items share the body's memory (capped, so appending to one cannot overwrite the next).
func decodePage(b []byte) (pullBody, error) {
	if jsonscan.Valid(b) {
		if body, ok := splitPage(b); ok {
			return body, nil
		}
	}
	return decodePageSlow(b)
}

// splitPage is decodePage's fast path over a valid JSON document; ok is false for anything
// unusual (escapes in keys or the token, a key differing only in case, unexpected types).
func splitPage(b []byte) (body pullBody, ok bool) {
	_, ok = eachMember(b, jsonscan.SkipWS(b, 0), func(key string, i int) (next int, ok bool) {
		switch key {
		case "items":
			body.Items, next, ok = splitArray(b, i)
		case "nextPageToken":
			body.NextPageToken, next, ok = stringOrNull(b, i)
		default:
			next, ok = skipOther(b, key, i, "items", "nextPageToken")
		}
		return next, ok
	})
	return body, ok
}

// splitArray cuts the values of the array at b[i] (null gives nil, as encoding/json does).
func splitArray(b []byte, i int) ([]core.RawJSON, int, bool) {
	if bytes.HasPrefix(b[i:], []byte("null")) {
		return nil, i + 4, true
	}
	raw, next, ok := jsonscan.SplitArray(b, i)
	if !ok {
		return nil, i, false
	}
	items := make([]core.RawJSON, len(raw))
	for j, r := range raw {
		items[j] = r
	}
	return items, next, true
}

// stringOrNull reads a plain string or null at b[i].
func stringOrNull(b []byte, i int) (*string, int, bool) {
	if bytes.HasPrefix(b[i:], []byte("null")) {
		return nil, i + 4, true
	}
	s, next, ok := jsonscan.PlainString(b, i)
	if !ok || !utf8.Valid(s) {
		return nil, i, false
	}
	str := string(s)
	return &str, next, true
}
