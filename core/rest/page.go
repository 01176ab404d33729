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
	// metas are the items' metadata as splitPage read them while checking them (nil from
	// decodePageSlow): readPage scans an item again only where one is not OK.
	metas []jsonscan.ItemMeta
}

// decodePage reads a pull answer: splitPage checks it as JSON and cuts the items out of it in
// one pass, without decoding them; jsonv decodes whatever splitPage does not handle simply.
// Items share the body's memory (capped, so appending to one cannot overwrite the next).
func decodePage(b []byte) (pullBody, error) {
	if body, ok := splitPage(b); ok {
		return body, nil
	}
	return decodePageSlow(b)
}

// splitPage is decodePage's fast path. It reads every byte once, checking what it does not read
// itself with jsonscan.ValidValue (a separate jsonscan.Valid pass and the cutting were two reads of
// a page, the larger part of a pull's Go time with large records), and gives up (ok false) on any
// document that is not valid JSON and on anything unusual (escapes in keys or the token, a key
// differing only in case, unexpected types).
func splitPage(b []byte) (body pullBody, ok bool) {
	i, ok := validMembers(b, jsonscan.SkipWS(b, 0), func(k string, i int) (next int, ok bool) {
		switch k {
		case "items":
			body.Items, body.metas, next, ok = splitItems(b, i)
		case "nextPageToken":
			body.NextPageToken, next, ok = stringOrNull(b, i)
		default:
			// A key encoding/json would match to one of them is left to the slow path.
			next, ok = skipOther(b, k, i, 1, "items", "nextPageToken")
		}
		return next, ok
	})
	return body, ok && jsonscan.SkipWS(b, i) == len(b)
}

// printable reports whether a string's unescaped bytes may stand in JSON as they are (no
// control characters).
func printable(s []byte) bool {
	for _, c := range s {
		if c < 0x20 {
			return false
		}
	}
	return true
}

// splitItems cuts the values of the items array at b[i], checking each (null gives nil, as
// encoding/json does) and reading each one's metadata in the same pass
// (jsonscan.SplitValidObjects: a second scan of every item for it was a fifth of a large page's
// Go time).
func splitItems(b []byte, i int) ([]core.RawJSON, []jsonscan.ItemMeta, int, bool) {
	if bytes.HasPrefix(b[i:], []byte("null")) {
		return nil, nil, i + 4, true
	}
	raw, metas, next, ok := jsonscan.SplitValidObjects(b, i, 2) // in the array, in the page
	if !ok {
		return nil, nil, i, false
	}
	items := make([]core.RawJSON, len(raw))
	for j, r := range raw {
		items[j] = r
	}
	return items, metas, next, true
}

// stringOrNull reads a plain string or null at b[i].
func stringOrNull(b []byte, i int) (*string, int, bool) {
	if bytes.HasPrefix(b[i:], []byte("null")) {
		return nil, i + 4, true
	}
	s, next, ok := jsonscan.PlainString(b, i)
	if !ok || !utf8.Valid(s) || !printable(s) {
		return nil, i, false
	}
	str := string(s)
	return &str, next, true
}
