//go:build js && wasm

package idbstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// A sync run's start is one readonly transaction and no callback but its answer; an outbox
// longer than the first page is read whole.
func TestReadStartIsOneRead(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	c := instrument(s)
	got, err := s.ReadStart(ctx, []string{"note", "task"}, "refetch")
	require.NoError(t, err)
	require.Empty(t, got.Outbox)
	require.Equal(t, []core.Cursor{{}, {}}, got.Cursors)
	require.Zero(t, c.tx(), "no transaction begun through H.begin")

	var ws []core.LocalWrite
	for i := range pageSize + 3 {
		id := fmt.Sprintf("r%05d", i)
		ws = append(ws, upsert("note", id, `{"id":"`+id+`"}`, "op-"+id))
	}
	_, err = s.WriteLocal(ctx, ws)
	require.NoError(t, err)
	require.NoError(t, s.SetMeta(ctx, "refetch", `[]`))
	got, err = s.ReadStart(ctx, []string{"task"}, "refetch")
	require.NoError(t, err)
	want, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, got.Outbox, pageSize+3)
	require.Equal(t, want, got.Outbox)
	require.True(t, got.HasMeta)
	require.Equal(t, `[]`, got.Meta)
}
