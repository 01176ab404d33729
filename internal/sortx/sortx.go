// Package sortx sorts strings for sync.wasm's code: through sort.Slice, the one sort
// implementation the module keeps. sort.Strings and slices.Sort each compile a generic
// instance for strings (~5 KB gzip); wasm/deps_test.go's TestWasmOneSort keeps it at one.
package sortx

import "sort"

// Strings sorts s in increasing byte order.
func Strings(s []string) {
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
}
