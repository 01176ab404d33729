//go:build js && wasm && offsyncjs

package main

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestOpenWithoutFetchHelperIsRefused: sync.wasm's build (the offsyncjs tag) carries no copy
// of fetch.js, so a client opened without offsync.js's fetch helper is refused as invalid.
// Run by `make test-wasm` with -tags offsyncjs (the other tests start without the helper).
func TestOpenWithoutFetchHelperIsRefused(t *testing.T) {
	_, err := openClient(`{"name":"nofetch","baseUrl":"http://127.0.0.1:1","kinds":["note"],"storage":"memory"}`, nil, nil, js.Undefined(), js.Undefined())
	require.ErrorIs(t, err, core.ErrInvalid)
	assert.ErrorIs(t, err, errNoFetchHelper)
}
