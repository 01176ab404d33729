package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// Throughput through the whole client stack (Engine + memstore + REST transport + net/http)
// against the server on SQLite, on loopback. Re-run:
//
//	go test ./e2e -run '^$' -bench Throughput -benchtime 3x
//
// Each iteration moves benchRecords records; the figure is records/s.
const benchRecords = 5000

func benchData(prefix string) []core.RawJSON {
	recs := make([]core.RawJSON, benchRecords)
	for i := range recs {
		recs[i] = recordJSON(fmt.Sprintf("%s-%05d", prefix, i),
			fmt.Sprintf(`"i":%d,"title":"record number %d","mood":3,"tags":["a","b"],"note":"some text of a usual size for a journal entry"`, i, i))
	}
	return recs
}

func BenchmarkPushThroughput(b *testing.B) {
	for _, batch := range []int{100, 500} {
		b.Run(fmt.Sprint("batch=", batch), func(b *testing.B) {
			e := startServer(b)
			ctx := testCtx(b, 10*time.Minute)
			var busy time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				c := newClient(b, e.URL, tokA, func(c *core.Config) { c.PushBatchSize = batch }, nil)
				_, err := c.PutMany(ctx, kind, benchData(fmt.Sprint("push", i)))
				require.NoError(b, err)
				b.StartTimer()
				start := time.Now()
				st, err := c.Sync(ctx, core.SyncOptions{})
				busy += time.Since(start)
				require.NoError(b, err)
				require.Equal(b, benchRecords, st.Pushed)
			}
			b.ReportMetric(float64(benchRecords*b.N)/busy.Seconds(), "records/s")
		})
	}
}

func BenchmarkPullThroughput(b *testing.B) {
	e := startServer(b)
	ctx := testCtx(b, 10*time.Minute)
	seed := newClient(b, e.URL, tokA, func(c *core.Config) { c.PushBatchSize = 500 }, nil)
	_, err := seed.PutMany(ctx, kind, benchData("pull"))
	require.NoError(b, err)
	_, err = seed.Sync(ctx, core.SyncOptions{})
	require.NoError(b, err)
	for _, page := range []int{500, 1000} {
		b.Run(fmt.Sprint("page=", page), func(b *testing.B) {
			var busy time.Duration
			for b.Loop() {
				b.StopTimer()
				c := newClient(b, e.URL, tokB, func(c *core.Config) { c.PageSize = page }, nil)
				b.StartTimer()
				start := time.Now()
				st, err := c.Sync(context.WithoutCancel(ctx), core.SyncOptions{})
				busy += time.Since(start)
				require.NoError(b, err)
				require.Equal(b, benchRecords, st.Pulled)
			}
			b.ReportMetric(float64(benchRecords*b.N)/busy.Seconds(), "records/s")
		})
	}
}
