//go:build js && wasm

package idbstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// A sync run's start is one readonly transaction and no callback but its answer; an outbox
// longer than the first page is not read further: its pending ops are counted by kind
// (Totals), parked ones not among them; a shorter one comes whole, without payloads (Thin).
func TestReadStartIsOneRead(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	c := instrument(s)
	got, err := s.ReadStart(ctx, []string{"note", "task"}, "refetch")
	require.NoError(t, err)
	require.Empty(t, got.Outbox)
	require.Nil(t, got.Totals)
	require.Equal(t, []core.Cursor{{}, {}}, got.Cursors)
	require.Zero(t, c.tx(), "no transaction begun through H.begin")

	var ws []core.LocalWrite
	for i := range pageSize + 3 {
		id := fmt.Sprintf("r%05d", i)
		ws = append(ws, upsert("note", id, `{"id":"`+id+`"}`, "op-"+id))
	}
	ws = append(ws, upsert("task", "t1", `{"id":"t1"}`, "op-t1"), upsert("task", "t2", `{"id":"t2"}`, "op-t2"))
	_, err = s.WriteLocal(ctx, ws)
	require.NoError(t, err)
	parked, err := s.Outbox(ctx, 1)
	require.NoError(t, err)
	require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: parked[0], Status: 400}}))
	require.NoError(t, s.SetMeta(ctx, "refetch", `[]`))
	got, err = s.ReadStart(ctx, []string{"task"}, "refetch")
	require.NoError(t, err)
	require.Empty(t, got.Outbox)
	require.Equal(t, map[string]int{"note": pageSize + 2, "task": 2}, got.Totals)
	require.True(t, got.HasMeta)
	require.Equal(t, `[]`, got.Meta)
	require.Equal(t, []core.Cursor{{}}, got.Cursors)

	// A short outbox comes in the first page, thin as well.
	short := openFresh(t)
	_, err = short.WriteLocal(ctx, ws[:3])
	require.NoError(t, err)
	got, err = short.ReadStart(ctx, []string{"note"}, "refetch")
	require.NoError(t, err)
	require.True(t, got.Thin)
	require.Nil(t, got.Totals)
	require.Len(t, got.Outbox, 3)
	for _, o := range got.Outbox {
		require.Nil(t, o.Payload)
	}
}

// A run that pulls nothing (sync({pullKinds: []})) reads its outbox thin too: before, the
// whole outbox crossed into Go with every payload and stayed there for the push's first pass
// (the live heap of a 2,000-op push of 5.5 KB records held 11 MB of them).
func TestReadStartWithoutKindsIsThin(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a"}`, "op-a"), upsert("note", "b", `{"id":"b"}`, "op-b")})
	require.NoError(t, err)
	got, err := s.ReadStart(ctx, nil, "refetch")
	require.NoError(t, err)
	require.True(t, got.Thin)
	require.Empty(t, got.Cursors)
	require.Len(t, got.Outbox, 2)
	for _, o := range got.Outbox {
		require.Equal(t, "note", o.Kind)
		require.Nil(t, o.Payload)
	}
}
