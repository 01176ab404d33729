//go:build js && wasm

package idbstore

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// A page of large records is framed in pieces of at most frameChunk (one record bigger than
// that goes alone), and every record arrives whole: non-ASCII data, tombstones and all.
func TestApplyPageFramesInPieces(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	var sizes []int
	counted := jsFunc("fn, sizes", `return (src, a) => { sizes.push(a.text.length); return fn(src, a); };`)
	sizesJS := jsFunc("", `return [];`).Invoke()
	s.js.putFramed = counted.Invoke(s.js.putFramed, sizesJS)

	items := make([]core.Record, 120)
	for i := range items {
		id := fmt.Sprintf("n%03d", i)
		body := strings.Repeat("Grüße, 世界 😀 ", 300) // ~6 KB of 1- to 4-byte UTF-8
		if i == 50 {
			body = strings.Repeat("x", frameChunk+1000)
		}
		v := fmt.Sprintf("2026-01-01T00:00:00.%03dZ", i)
		items[i] = core.Record{Kind: "note", ID: id, UpdatedAt: v, Deleted: i%10 == 9,
			Data: core.RawJSON(fmt.Sprintf(`{"id":%q,"body":%q,"updatedAt":%q}`, id, body, v))}
	}
	_, err := s.ApplyPage(ctx, "note", items, core.Cursor{UpdatedAt: items[119].UpdatedAt, ID: items[119].ID})
	require.NoError(t, err)

	for i := range sizesJS.Length() {
		sizes = append(sizes, sizesJS.Index(i).Int())
	}
	require.Greater(t, len(sizes), 3, "the page went over in pieces")
	over := 0
	for _, n := range sizes {
		if n > frameChunk { // JS counts UTF-16 units, never more than the UTF-8 bytes
			over++
		}
	}
	assert.Equal(t, 1, over, "only the piece holding the record over frameChunk is bigger")

	list, err := s.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, list, 108, "the tombstones are hidden")
	for _, it := range items {
		got, ok, err := s.Get(ctx, "note", it.ID)
		require.NoError(t, err)
		require.True(t, ok, it.ID)
		assert.Equal(t, string(it.Data), string(got.Data), it.ID)
		assert.Equal(t, it.Deleted, got.Deleted, it.ID)
		assert.Equal(t, it.UpdatedAt, got.UpdatedAt, it.ID)
	}
}
