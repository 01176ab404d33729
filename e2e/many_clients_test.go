package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestFiftyConcurrentClients: 50 devices of one tenant each write 100 records offline and
// sync at the same moment against one SQLite server, then sync again; every device ends with
// all 5,000 records. The test logs how long the concurrent round took.
func TestFiftyConcurrentClients(t *testing.T) {
	const devices, each = 50, 100
	e := startServer(t)
	ctx := testCtx(t, 300*time.Second)
	clients := make([]*client, devices)
	for k := range clients {
		clients[k] = newClient(t, e.URL, tokA, nil, nil)
		recs := make([]core.RawJSON, each)
		for i := range recs {
			recs[i] = recordJSON(fmt.Sprintf("d%02d-%03d", k, i), fmt.Sprintf(`"k":%d,"i":%d`, k, i))
		}
		_, err := clients[k].PutMany(ctx, kind, recs)
		require.NoError(t, err)
	}
	round := func() (time.Duration, []error) {
		errs := make([]error, devices)
		var wg sync.WaitGroup
		start := time.Now()
		for k, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[k] = c.Sync(ctx, core.SyncOptions{})
			}()
		}
		wg.Wait()
		return time.Since(start), errs
	}
	first, errs := round()
	for k, err := range errs {
		assert.NoError(t, err, "device %d", k)
	}
	second, errs := round()
	for k, err := range errs {
		assert.NoError(t, err, "device %d", k)
	}
	t.Logf("50 devices × 100 records: concurrent push+pull round %v, catch-up round %v", first, second)
	got := requireConverged(t, ctx, e.URL, clients...)
	assert.Len(t, got, devices*each)
}
