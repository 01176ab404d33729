package main

import (
	"errors"
	"unsafe"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// errNotArray is splitArray's answer to text that is not a JSON array of values.
var errNotArray = errors.New("not a JSON array")

// splitArray splits the text of a JSON array into its items without decoding them: putMany's
// records cross as one JSON string, and encoding/json scanned the whole batch twice (validate,
// then decode) before the engine validates every record once more. It checks the array's own
// structure and reads each item's "id" in the same pass (jsonscan.SplitArrayIDs: ids for
// Engine.PutManyGiven, which then does not scan the item for it); each item's JSON is the
// store's to validate (storekit's validateWrite), which also refuses an item whose "id" is
// not the one read here.
func splitArray(s string) ([]core.RawJSON, []string, error) {
	// The items share s's memory instead of a copy (a batch of large records is megabytes):
	// nothing writes to them (s is putManyIn's text, textArg's bytes), so the store keeps
	// them as they are (Engine.PutManyGiven).
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	raw, ids, next, ok := jsonscan.SplitArrayIDs(b, jsonscan.SkipWS(b, 0))
	if !ok || jsonscan.SkipWS(b, next) != len(b) {
		return nil, nil, errNotArray
	}
	items := make([]core.RawJSON, len(raw))
	for i, r := range raw {
		items[i] = r
	}
	return items, ids, nil
}

// isJSONList reports whether text is items as jsonList joins them. items are text's items in
// order (splitArray): the lengths are equal only when no space surrounds them.
func isJSONList(text string, items []core.RawJSON) bool {
	n := len(items) + 1 // the brackets and the commas between items
	for _, it := range items {
		n += len(it)
	}
	return len(items) > 0 && n == len(text)
}
