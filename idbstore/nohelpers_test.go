//go:build js && wasm && offsyncjs

package idbstore

import (
	"context"
	"testing"

	"github.com/offsync/offsync/core"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenWithoutHelpersIsRefused: sync.wasm's build (the offsyncjs tag) carries no copy of
// helpers.js, so a store opened without them is refused as invalid, before any IndexedDB call.
// Run by `make test-wasm` with -tags offsyncjs (the other tests open without helpers).
func TestOpenWithoutHelpersIsRefused(t *testing.T) {
	_, err := OpenWith(context.Background(), "offsync-nohelpers", Options{})
	require.ErrorIs(t, err, core.ErrInvalid)
	assert.ErrorIs(t, err, errNoHelpers)
}
