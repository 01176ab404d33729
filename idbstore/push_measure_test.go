//go:build js && wasm

package idbstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/require"
)

// TestMeasurePushPath times the store calls an engine makes to push a 10,000-op backlog in
// batches of 100: the outbox read, marking every op in flight, and one Ack per batch.
func TestMeasurePushPath(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	const n, batch = 10000, 100
	s := openFresh(t)
	ctx := testCtx(t)
	recs := page("note", "p", 0, n)
	ops := make([]core.Op, n)
	for i, r := range recs {
		ops[i] = core.Op{OpID: fmt.Sprintf("op-%05d", i), Kind: "note", EntityID: r.ID, Type: core.OpUpsert, Payload: r.Data}
	}
	for i := 0; i < n; i += 500 {
		_, err := s.Enqueue(ctx, ops[i:i+500])
		require.NoError(t, err)
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

	start := time.Now()
	got, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, got, n)
	read := time.Since(start)

	start = time.Now()
	got, err = s.MarkInFlight(ctx, got)
	require.NoError(t, err)
	require.Len(t, got, n)
	mark := time.Since(start)

	start = time.Now()
	for i := 0; i < n; i += batch {
		acks := make([]core.Ack, batch)
		for j, o := range got[i : i+batch] {
			r := recs[i+j]
			r.UpdatedAt = "2026-11-26T00:00:00.000000Z"
			acks[j] = core.Ack{Op: o, Server: &r}
		}
		require.NoError(t, s.Ack(ctx, acks))
	}
	ack := time.Since(start)
	t.Logf("push path of %d ops: outbox read %s, mark in flight %s, %d acks of %d: %s (%s each)",
		n, ms(read), ms(mark), n/batch, batch, ms(ack), ms(ack/time.Duration(n/batch)))
}
