package main

import "github.com/offsync/offsync/core"

// isJSONList reports whether a text of n bytes is items as jsonList joins them. items are the
// text's items in order (core.CutRecords): the lengths are equal only when no space surrounds
// them.
func isJSONList(n int, items []core.RawJSON) bool {
	m := len(items) + 1 // the brackets and the commas between items
	for _, it := range items {
		m += len(it)
	}
	return len(items) > 0 && m == n
}
