//go:build js && wasm

package idbstore

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/require"
)

// TestMeasurePushPath times the store calls an engine makes to push a 10,000-op backlog in
// batches of 100: the outbox read, then per batch marking it in flight and one Ack. Ids are
// sequential (as in the benchmark: a batch's entities lie in a short id range) or random (as
// UUIDs are: the entity loads of an Ack cannot read one range).
func TestMeasurePushPath(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	const n, batch = 10000, 100
	r := rand.New(rand.NewPCG(1, 2))
	for _, shape := range []string{"sequential", "random"} {
		t.Run(shape, func(t *testing.T) {
			s := openFresh(t)
			ctx := testCtx(t)
			recs := page("note", "p", 0, n)
			if shape == "random" {
				for i := range recs {
					id := fmt.Sprintf("%016x", r.Uint64())
					recs[i].ID, recs[i].Data = id, core.RawJSON(fmt.Sprintf(`{"id":%q,"n":%d}`, id, i))
				}
			}
			ops := make([]core.Op, n)
			for i, rec := range recs {
				ops[i] = core.Op{OpID: fmt.Sprintf("op-%05d", i), Kind: "note", EntityID: rec.ID, Type: core.OpUpsert, Payload: rec.Data}
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

			var mark, ack time.Duration
			for i := 0; i < n; i += batch {
				start = time.Now()
				marked, err := s.MarkInFlight(ctx, got[i:i+batch])
				require.NoError(t, err)
				require.Len(t, marked, batch)
				mark += time.Since(start)
				acks := make([]core.Ack, batch)
				for j, o := range marked {
					rec := recs[i+j]
					rec.UpdatedAt = "2026-11-26T00:00:00.000000Z"
					acks[j] = core.Ack{Op: o, Server: &rec}
				}
				start = time.Now()
				require.NoError(t, s.Ack(ctx, acks))
				ack += time.Since(start)
			}
			left, err := s.PendingCount(ctx)
			require.NoError(t, err)
			require.Zero(t, left)
			per := time.Duration(n / batch)
			t.Logf("push path of %d %s ids: outbox read %s; per batch of %d: mark %s, ack %s",
				n, shape, ms(read), batch, ms(mark/per), ms(ack/per))
		})
	}
}
