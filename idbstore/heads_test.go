//go:build js && wasm

package idbstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// A push of an outbox longer than the run's first read (core.StartReads.Totals): the first
// pass claims its heads as it goes. Every op reaches the server once, the progress totals
// count every op from the start, and an entity's second op, written while its first was in
// flight, goes in a later pass.
func TestALongPushClaimsItsHeads(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	const notes, tasks = pageSize + 250, 40
	var ws []core.LocalWrite
	for i := range notes {
		id := fmt.Sprintf("n%05d", i)
		ws = append(ws, upsert("note", id, `{"id":"`+id+`","v":1}`, "op-"+id))
	}
	for i := range tasks {
		id := fmt.Sprintf("t%03d", i)
		ws = append(ws, upsert("task", id, `{"id":"`+id+`"}`, "op-"+id))
	}
	for i := 0; i < len(ws); i += 500 {
		_, err := s.WriteLocal(ctx, ws[i:min(i+500, len(ws))])
		require.NoError(t, err)
	}
	// n00007's op is in flight (a run that ended before its answer), and a later edit waits
	// behind it as the entity's second op.
	first, err := s.Outbox(ctx, 8)
	require.NoError(t, err)
	_, err = s.MarkInFlight(ctx, first[7:8])
	require.NoError(t, err)
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "n00007", `{"id":"n00007","v":2}`, "op-n00007-2")})
	require.NoError(t, err)

	srv := simserver.New(simserver.Options{})
	eng, err := core.New(core.Config{Store: s, Transport: srv, Kinds: []string{"note", "task"}, PushBatchSize: 100, PushConcurrency: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = eng.Close() })
	events, stop := eng.Subscribe()
	totals := map[string]int{}
	seen := make(chan struct{})
	go func() {
		defer close(seen)
		for ev := range events {
			if ev.Type == core.EventProgress && ev.Phase == "push" {
				totals[ev.Kind] = max(totals[ev.Kind], ev.Total)
			}
			if ev.Type == core.EventCompleted {
				return
			}
		}
	}()
	stats, err := eng.Sync(ctx, core.SyncOptions{})
	require.NoError(t, err)
	<-seen
	stop()
	assert.Equal(t, notes+tasks+1, stats.Pushed)
	assert.Equal(t, map[string]int{"note": notes + 1, "task": tasks}, totals, "progress totals from the start's counts")
	assert.Len(t, srv.Records("note"), notes)
	assert.Len(t, srv.Records("task"), tasks)
	rec, ok := srv.Record("note", "n00007")
	require.True(t, ok)
	assert.Contains(t, string(rec.Data), `"v":2`, "the second op went after the first")
	left, err := s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Zero(t, left)
}
