package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
)

// TestFiftyConcurrentClientsOnSQLite: 50 clients, each creating, updating, batch-pushing and
// pulling its own records for a bounded time; every request must succeed and every client's
// last write must be what the server holds. Latency percentiles are logged.
func TestFiftyConcurrentClientsOnSQLite(t *testing.T) {
	const clients = 50
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "load.db")})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	final := make([]map[string]string, clients) // per client: id → version it last wrote
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := map[string]string{}
			var local []time.Duration
			bad := 0
			for n := 0; ctx.Err() == nil; n++ {
				id := fmt.Sprintf("c%d-%d", c, n%5)
				var r callResult
				start := time.Now()
				switch n % 4 {
				case 0, 1:
					body := map[string]any{"id": id, "n": n}
					if v, ok := mine[id]; ok {
						body["_baseUpdatedAt"] = v
					}
					r = tryCall(context.Background(), http.MethodPut, base+"/load/"+id, body, nil)
					if r.status == http.StatusOK || r.status == http.StatusCreated {
						mine[id] = r.version
					} else {
						bad++
					}
				case 2:
					ops := []any{}
					for k := range 10 {
						bid := fmt.Sprintf("c%d-b%d-%d", c, n, k)
						ops = append(ops, map[string]any{"opId": bid, "kind": "load", "id": bid, "type": "upsert", "payload": map[string]any{"id": bid}})
					}
					r = tryCall(context.Background(), http.MethodPost, base+"/batch", map[string]any{"ops": ops}, nil)
					if r.status != http.StatusOK {
						bad++
					}
				default:
					q := url.Values{"updatedSince": {"1970-01-01T00:00:00Z"}, "limit": {"100"}}
					r = tryCall(context.Background(), http.MethodGet, base+"/load?"+q.Encode(), nil, nil)
					if r.status != http.StatusOK {
						bad++
					}
				}
				local = append(local, time.Since(start))
			}
			final[c] = mine
			mu.Lock()
			lat = append(lat, local...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.NotEmpty(t, lat)
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
	t.Logf("50 clients on SQLite: %d requests in 4 s (%.0f req/s), errors %d, p50 %v, p99 %v, max %v",
		len(lat), float64(len(lat))/4, errs, p(0.50), p(0.99), lat[len(lat)-1])
	assert.Zero(t, errs, "every request succeeded")
	assert.Less(t, p(0.99), 20*time.Second, "p99 stays bounded (loose: shared CI cores, race detector)")
	for c, mine := range final {
		for id, v := range mine {
			got := call(t, http.MethodGet, base+"/load/"+id, "tok-a", nil, nil)
			require.Equal(t, http.StatusOK, got.status)
			assert.Equal(t, v, got.obj(t)["updatedAt"], "client %d's last write of %s is stored", c, id)
		}
	}
}
