//go:build js && wasm

package idbstore

import "sync"

// pageHints is what a Store believes of its kinds' watermarks (core/storekit/watermark.go):
// ApplyPage applies a page ahead of its reads while a kind's is believed 0. A belief is only a
// guess (another tab's ack raises a watermark unseen): the reads of the same transaction decide,
// and a wrong guess costs an aborted transaction, then the belief is corrected. The zero value
// believes every watermark 0.
type pageHints struct {
	mu    sync.Mutex
	ahead map[string]bool // kinds whose watermark is believed above 0
}

// clear reports whether kind's watermark is believed 0.
func (h *pageHints) clear(kind string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.ahead[kind]
}

// set records what a transaction read or wrote: kind's watermark is 0 (zero) or not.
func (h *pageHints) set(kind string, zero bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if zero {
		delete(h.ahead, kind)
		return
	}
	if h.ahead == nil {
		h.ahead = map[string]bool{}
	}
	h.ahead[kind] = true
}
