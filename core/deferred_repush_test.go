package core_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// A deferred op pushed again by a later sync must meet the server's current record, not the
// replay of its first 409 (found by the simulation, seed 83 with -sim.steps=1500): the
// re-push reused the idempotency key the server had answered 409 under, so the server
// replayed that answer with the record as it was then. A later acceptServer then wrote that
// stale record locally, while the pull had already passed (and held) the newer version: the
// device kept an old record for good.
func TestDeferredRepushMeetsTheCurrentServer(t *testing.T) {
	srv := newServer()
	var (
		mu   sync.Mutex
		seen []string // the server's "b" each time the resolver is asked
	)
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Strategy = core.Manual
		cfg.Resolver = func(_ context.Context, cf core.Conflict) (core.Resolution, error) {
			var server map[string]any
			if err := json.Unmarshal(cf.Server, &server); err != nil {
				return core.Resolution{}, err
			}
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, server["b"].(string))
			if len(seen) < 3 {
				return core.Resolution{Action: core.Defer}, nil
			}
			return core.Resolution{Action: core.AcceptServer}, nil
		}
	})
	c.put("note", `{"id":"n1","a":"1","b":"1"}`)
	c.sync()
	c.put("note", `{"id":"n1","a":"local","b":"1"}`, "a")
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","a":"1","b":"v2"}`))
	require.NoError(t, err)
	c.sync() // 409 on v2: deferred
	_, err = srv.Put("note", core.RawJSON(`{"id":"n1","a":"1","b":"v3"}`))
	require.NoError(t, err)
	c.sync() // 409 again: deferred; the pull holds v3 and passes it
	c.sync() // 409 again: acceptServer

	require.Equal(t, []string{"v2", "v3", "v3"}, seen, "the re-pushes must see the server's current record")
	want, ok := srv.Record("note", "n1")
	require.True(t, ok)
	got, ok, err := c.eng.Get(ctx(t), "note", "n1")
	require.NoError(t, err)
	require.True(t, ok)
	require.JSONEq(t, string(want.Data), string(got.Data))
	require.Equal(t, want.UpdatedAt, got.UpdatedAt)
	require.Zero(t, c.pending())
}
