package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// strategyCase is one conflict strategy of B and the record it must leave on the server.
type strategyCase struct {
	name string
	cfg  func(*core.Config)
	// bFirst makes B's edit older than A's (device time), for lastWriteWins.
	bFirst bool
	// gap separates the two edits in time. lastWriteWins needs more than a second: it
	// estimates the server clock from the HTTP Date header, which has 1 s resolution.
	gap  time.Duration
	want map[string]any // fields of the final record besides id/updatedAt
}

// strategyCases are the strategies every backend (ours, the seed-style one) must resolve alike.
func strategyCases() []strategyCase {
	return []strategyCase{
		{name: "autoPreserve", cfg: func(c *core.Config) { c.Strategy = core.AutoPreserve },
			want: map[string]any{"title": "A", "mood": 5.0, "tags": []any{"x", "b"}}},
		{name: "serverWins", cfg: func(c *core.Config) { c.Strategy = core.ServerWins },
			want: map[string]any{"title": "A", "mood": 1.0, "tags": []any{"x"}}},
		{name: "clientWins", cfg: func(c *core.Config) { c.Strategy = core.ClientWins },
			want: map[string]any{"title": "t0", "mood": 5.0, "tags": []any{"x", "b"}}},
		{name: "lastWriteWins local later", cfg: func(c *core.Config) { c.Strategy = core.LastWriteWins }, gap: 1100 * time.Millisecond,
			want: map[string]any{"title": "t0", "mood": 5.0, "tags": []any{"x", "b"}}},
		{name: "lastWriteWins server later", cfg: func(c *core.Config) { c.Strategy = core.LastWriteWins }, bFirst: true, gap: 1100 * time.Millisecond,
			want: map[string]any{"title": "A", "mood": 1.0, "tags": []any{"x"}}},
		{name: "merge", cfg: func(c *core.Config) {
			c.Strategy = core.Merge
			c.MergeFunc = func(_ context.Context, cf core.Conflict) (core.RawJSON, error) {
				var l, s map[string]any
				if err := json.Unmarshal(cf.Local, &l); err != nil {
					return nil, err
				}
				if err := json.Unmarshal(cf.Server, &s); err != nil {
					return nil, err
				}
				s["mood"], s["merged"] = l["mood"], true
				return json.Marshal(s)
			}
		}, want: map[string]any{"title": "A", "mood": 5.0, "tags": []any{"x"}, "merged": true}},
		{name: "manual resolver", cfg: func(c *core.Config) {
			c.Strategy = core.Manual
			c.Resolver = func(_ context.Context, cf core.Conflict) (core.Resolution, error) {
				return core.Resolution{Action: core.Merged, Data: core.RawJSON(`{"id":"n1","title":"manual","mood":9,"tags":[]}`)}, nil
			}
		}, want: map[string]any{"title": "manual", "mood": 9.0, "tags": []any{}}},
	}
}

// playStrategyConflict: devices A and B share n1 on the server at base. A changes the title and
// syncs; B, from the old version, changes the mood and syncs: one conflict that B's strategy
// resolves. Then both sync and must hold exactly what the server holds, which is tc.want.
// watch(b) runs before anything syncs; the check it returns runs after B's conflicting sync.
func playStrategyConflict(t *testing.T, base string, tc strategyCase, watch func(b *client) (check func())) {
	t.Helper()
	ctx := testCtx(t, 60*time.Second)
	a := newClient(t, base, tokA, nil, nil)
	b := newClient(t, base, tokB, tc.cfg, nil)
	check := watch(b)

	a.put(ctx, "n1", `"title":"t0","mood":1,"tags":["x"]`)
	a.sync(ctx)
	b.sync(ctx)
	require.Equal(t, "t0", b.fields(ctx, "n1")["title"])

	if tc.bFirst {
		b.put(ctx, "n1", `"title":"t0","mood":5,"tags":["x","b"]`)
		time.Sleep(tc.gap)
	}
	a.put(ctx, "n1", `"title":"A","mood":1,"tags":["x"]`)
	a.sync(ctx)
	if !tc.bFirst {
		time.Sleep(tc.gap)
		b.put(ctx, "n1", `"title":"t0","mood":5,"tags":["x","b"]`)
	}
	st := b.sync(ctx)
	assert.Equal(t, 1, st.Conflicts, "B met one conflict")
	check()
	a.sync(ctx)
	b.sync(ctx)

	got := serverFields(t, ctx, base, "n1")
	for k, v := range tc.want {
		assert.Equal(t, v, got[k], "field %s", k)
	}
	requireConverged(t, ctx, base, a, b)
}

// deleteCase is a delete meeting an edit under B's strategy, and what the server must hold after.
type deleteCase struct {
	name        string
	strategy    core.Strategy
	localDelete bool // B deletes (stale) after A edited; else A deletes and B edits
	survives    bool
	wantV       float64
}

// deleteCases are the delete conflicts every backend must resolve alike.
func deleteCases() []deleteCase {
	return []deleteCase{
		{"autoPreserve: local delete loses to remote edit", core.AutoPreserve, true, true, 1},
		{"autoPreserve: remote delete loses to local edit (revive)", core.AutoPreserve, false, true, 2},
		{"serverWins: local delete loses to remote edit", core.ServerWins, true, true, 1},
		{"serverWins: remote delete wins over local edit", core.ServerWins, false, false, 0},
		{"clientWins: local delete wins over remote edit", core.ClientWins, true, false, 0},
		{"clientWins: local edit revives remote delete", core.ClientWins, false, true, 2},
	}
}

// playDeleteConflict: devices A and B share n1 on the server at base; one deletes it while the
// other edits it (tc.localDelete: B's delete is the stale one), and B's sync meets one conflict.
// After both sync, the server holds n1 with tc.wantV or not at all (tc.survives), and both
// devices hold exactly what the server holds. watch(b) runs before anything syncs; the check
// it returns runs after the server's record is checked.
func playDeleteConflict(t *testing.T, base string, tc deleteCase, watch func(b *client) (check func())) {
	t.Helper()
	ctx := testCtx(t, 60*time.Second)
	a := newClient(t, base, tokA, nil, nil)
	b := newClient(t, base, tokB, func(c *core.Config) { c.Strategy = tc.strategy }, nil)
	check := watch(b)
	a.put(ctx, "n1", `"v":0`)
	a.sync(ctx)
	b.sync(ctx)
	if tc.localDelete {
		a.put(ctx, "n1", `"v":1`)
		a.sync(ctx)
		require.NoError(t, b.Delete(ctx, kind, "n1"))
	} else {
		require.NoError(t, a.Delete(ctx, kind, "n1"))
		a.sync(ctx)
		b.put(ctx, "n1", `"v":2`)
	}
	st := b.sync(ctx)
	assert.Equal(t, 1, st.Conflicts)
	a.sync(ctx)
	b.sync(ctx)
	got := serverFields(t, ctx, base, "n1")
	if tc.survives {
		require.NotNil(t, got, "the record survives")
		assert.Equal(t, tc.wantV, got["v"])
	} else {
		assert.Nil(t, got, "the record is deleted")
	}
	check()
	requireConverged(t, ctx, base, a, b)
}

// deferConflict: devices A and B (manual, no resolver) share n1 on the server at base; A's
// edit (v 1) reaches the server first, so B's (v 2) is kept as the one deferred conflict it
// returns.
func deferConflict(t *testing.T, ctx context.Context, base string) (a, b *client, c core.Conflict) {
	t.Helper()
	a = newClient(t, base, tokA, nil, nil)
	b = newClient(t, base, tokB, func(c *core.Config) { c.Strategy = core.Manual }, nil)
	a.put(ctx, "n1", `"v":0`)
	a.sync(ctx)
	b.sync(ctx)
	a.put(ctx, "n1", `"v":1`)
	a.sync(ctx)
	b.put(ctx, "n1", `"v":2`)
	_, _ = b.Sync(ctx, core.SyncOptions{}) // deferred: the conflict keeps the server's v1
	conflicts, err := b.Conflicts(ctx)
	require.NoError(t, err)
	require.Len(t, conflicts, 1)
	return a, b, conflicts[0]
}
