package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/faultproxy"
)

// TestConvergenceUnderFaults: N devices make random edits and deletes and sync concurrently
// through the fault proxy (drops before and after the server, HTML 500/503, 429, delays,
// duplicated deliveries). Then the faults stop, everyone syncs until quiet, and
//   - every device holds exactly the server's live records;
//   - no acknowledged write was lost: on the "shared" records, which are never deleted,
//     device k alone writes field "c<k>", so the server must hold the last value k wrote
//     (autoPreserve merges per field);
//   - nothing was parked or left deferred.
//
// OFFSYNC_SEED reruns a failing seed.
func TestConvergenceUnderFaults(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("OFFSYNC_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
		seed = v
	}
	t.Logf("seed %d (OFFSYNC_SEED=%d reruns it)", seed, seed)
	const (
		devices = 4
		rounds  = 25
		shared  = 8 // ids s0..s7: edited by all, never deleted
		churn   = 8 // ids d0..d7: edited and deleted by all
	)
	e := startServer(t)
	ctx := testCtx(t, 240*time.Second)
	p, err := faultproxy.Start(faultproxy.Config{Target: e.URL, Seed: seed, RetryAfter: "0", MaxDelay: 30 * time.Millisecond,
		Rates: map[faultproxy.Fault]float64{
			faultproxy.DropRequest: 0.05, faultproxy.DropResponse: 0.06, faultproxy.HTML500: 0.04,
			faultproxy.HTML503: 0.03, faultproxy.TooMany: 0.03, faultproxy.Delay: 0.05, faultproxy.Duplicate: 0.06,
		}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })

	clients := make([]*client, devices)
	for k := range clients {
		clients[k] = newClient(t, p.URL(), tokA, func(c *core.Config) {
			c.PageSize = 5
			c.PushBatchSize = 4
			c.MaxRetries = new(3)
			c.MaxConflictRetries = new(20)
		}, nil)
	}
	// last[k][id] is the last value device k wrote into field c<k> of shared record id.
	last := make([]map[string]int, devices)
	var wg sync.WaitGroup
	errs := make([]map[core.Code]int, devices)
	conflicts := make([]int, devices)
	for k, c := range clients {
		last[k], errs[k] = map[string]int{}, map[core.Code]int{}
		rng := rand.New(rand.NewPCG(seed, uint64(k)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				for range 1 + rng.IntN(3) {
					if rng.IntN(2) == 0 {
						id := fmt.Sprint("s", rng.IntN(shared))
						last[k][id] = r*10 + k
						assert.NoError(t, writeField(ctx, c, id, k, last[k][id]))
					} else {
						id := fmt.Sprint("d", rng.IntN(churn))
						if rng.IntN(3) == 0 {
							assert.NoError(t, c.Delete(ctx, kind, id))
						} else {
							assert.NoError(t, writeField(ctx, c, id, k, r*10+k))
						}
					}
				}
				st, err := c.Sync(ctx, core.SyncOptions{})
				if err != nil {
					errs[k][core.CodeOf(err)]++
				}
				conflicts[k] += st.Conflicts
			}
		}()
	}
	wg.Wait()
	t.Logf("faults: %v; sync errors per device: %v; conflicts per device: %v", p.Counts(), errs, conflicts)
	assert.Positive(t, conflicts[0]+conflicts[1]+conflicts[2]+conflicts[3], "the devices did meet conflicts")
	for _, m := range errs {
		for code := range m {
			assert.Contains(t, []core.Code{core.CodeNetwork, core.CodeTimeout, core.CodeServer, core.CodeProtocol}, code,
				"only the faults' categories")
		}
	}

	p.SetRates(nil)
	for range 3 {
		for _, c := range clients {
			c.sync(ctx)
		}
	}
	got := requireConverged(t, ctx, e.URL, clients...)
	for k, c := range clients {
		parked, err := c.Parked(ctx)
		require.NoError(t, err)
		assert.Empty(t, parked, "device %d parked ops", k)
		conflicts, err := c.Conflicts(ctx)
		require.NoError(t, err)
		assert.Empty(t, conflicts, "device %d deferred conflicts", k)
		for id, v := range last[k] {
			rec, ok := got[id]
			if assert.True(t, ok, "shared record %s lost", id) {
				assert.Equal(t, float64(v), decode(t, rec.Data)[fmt.Sprint("c", k)], "device %d's last write to %s", k, id)
			}
		}
	}
}

// writeField sets field c<k> of the device's local copy of id (creating it when absent). It
// runs on the devices' goroutines, so it reports errors instead of failing the test.
func writeField(ctx context.Context, c *client, id string, k, v int) error {
	m := map[string]any{"id": id}
	rec, ok, err := c.Get(ctx, kind, id)
	if err != nil {
		return err
	}
	if ok {
		if err := json.Unmarshal(rec.Data, &m); err != nil {
			return err
		}
	}
	m[fmt.Sprint("c", k)] = v
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = c.Put(ctx, kind, b, core.PutOptions{})
	return err
}
