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

// TestEveryStrategyEndToEnd: device A and device B share n1. A changes the title and syncs;
// B, from the old version, changes the mood and syncs: a 409 that B's strategy resolves. Then
// both sync and must hold exactly what the server holds.
func TestEveryStrategyEndToEnd(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(*core.Config)
		// bFirst makes B's edit older than A's (device time), for lastWriteWins.
		bFirst bool
		// gap separates the two edits in time. lastWriteWins needs more than a second: it
		// estimates the server clock from the HTTP Date header, which has 1 s resolution.
		gap  time.Duration
		want map[string]any // fields of the final record besides id/updatedAt
	}{
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
			c.MergeFunc = func(_ context.Context, cf core.Conflict) (json.RawMessage, error) {
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
				return core.Resolution{Action: core.Merged, Data: json.RawMessage(`{"id":"n1","title":"manual","mood":9,"tags":[]}`)}, nil
			}
		}, want: map[string]any{"title": "manual", "mood": 9.0, "tags": []any{}}},
		{name: "per-kind override", cfg: func(c *core.Config) {
			c.Strategy = core.ClientWins
			c.KindStrategies = map[string]core.Strategy{kind: core.ServerWins}
		}, want: map[string]any{"title": "A", "mood": 1.0, "tags": []any{"x"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := startServer(t)
			ctx := testCtx(t, 60*time.Second)
			a := newClient(t, e.URL, tokA, nil, nil)
			b := newClient(t, e.URL, tokB, tc.cfg, nil)
			evB := subscribe(b)

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
			assert.NotEmpty(t, evB.drain(core.EventConflict))
			a.sync(ctx)
			b.sync(ctx)

			got := serverFields(t, ctx, e.URL, "n1")
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], "field %s", k)
			}
			requireConverged(t, ctx, e.URL, a, b)
		})
	}
}

// TestManualWithoutResolverDefers: the conflict is kept durably and listed, the op stays; a
// later resolution is pushed by the next sync.
func TestManualWithoutResolverDefers(t *testing.T) {
	e := startServer(t)
	ctx := testCtx(t, 60*time.Second)
	a := newClient(t, e.URL, tokA, nil, nil)
	b := newClient(t, e.URL, tokB, func(c *core.Config) { c.Strategy = core.Manual }, nil)
	a.put(ctx, "n1", `"v":0`)
	a.sync(ctx)
	b.sync(ctx)
	a.put(ctx, "n1", `"v":1`)
	a.sync(ctx)
	b.put(ctx, "n1", `"v":2`)
	_, _ = b.Sync(ctx, core.SyncOptions{})

	conflicts, err := b.Conflicts(ctx)
	require.NoError(t, err)
	require.Len(t, conflicts, 1)
	assert.Equal(t, "n1", conflicts[0].EntityID)
	n, err := b.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the op waits")
	assert.Equal(t, 1.0, serverFields(t, ctx, e.URL, "n1")["v"], "nothing pushed over the server")

	require.NoError(t, b.ResolveConflict(ctx, conflicts[0].ID, core.Resolution{Action: core.AcceptClient}))
	b.sync(ctx)
	a.sync(ctx)
	assert.Equal(t, 2.0, serverFields(t, ctx, e.URL, "n1")["v"])
	conflicts, err = b.Conflicts(ctx)
	require.NoError(t, err)
	assert.Empty(t, conflicts)
	requireConverged(t, ctx, e.URL, a, b)
}

// TestDeletesOnEitherSide covers a delete meeting an edit from both directions (autoPreserve:
// the edit survives and the event says the delete lost; serverWins: the server's side
// stands) and a plain delete that reaches the other device.
func TestDeletesOnEitherSide(t *testing.T) {
	tests := []struct {
		name        string
		strategy    core.Strategy
		localDelete bool // B deletes (stale) after A edited; else A deletes and B edits
		survives    bool
		wantV       float64
	}{
		{"autoPreserve: local delete loses to remote edit", core.AutoPreserve, true, true, 1},
		{"autoPreserve: remote delete loses to local edit (revive)", core.AutoPreserve, false, true, 2},
		{"serverWins: local delete loses to remote edit", core.ServerWins, true, true, 1},
		{"serverWins: remote delete wins over local edit", core.ServerWins, false, false, 0},
		{"clientWins: local delete wins over remote edit", core.ClientWins, true, false, 0},
		{"clientWins: local edit revives remote delete", core.ClientWins, false, true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := startServer(t)
			ctx := testCtx(t, 60*time.Second)
			a := newClient(t, e.URL, tokA, nil, nil)
			b := newClient(t, e.URL, tokB, func(c *core.Config) { c.Strategy = tc.strategy }, nil)
			evB := subscribe(b)
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
			got := serverFields(t, ctx, e.URL, "n1")
			if tc.survives {
				require.NotNil(t, got, "the record survives")
				assert.Equal(t, tc.wantV, got["v"])
			} else {
				assert.Nil(t, got, "the record is deleted")
			}
			if tc.strategy == core.AutoPreserve && tc.localDelete {
				resolved := evB.drain(core.EventConflictResolved)
				require.NotEmpty(t, resolved)
				assert.Contains(t, resolved[len(resolved)-1].Discarded, "delete", "the event says the delete lost")
			}
			requireConverged(t, ctx, e.URL, a, b)
		})
	}

	t.Run("plain delete reaches the other device", func(t *testing.T) {
		e := startServer(t)
		ctx := testCtx(t, 30*time.Second)
		a := newClient(t, e.URL, tokA, nil, nil)
		b := newClient(t, e.URL, tokB, nil, nil)
		a.put(ctx, "n1", `"v":0`)
		a.put(ctx, "n2", `"v":0`)
		a.sync(ctx)
		b.sync(ctx)
		require.NoError(t, b.Delete(ctx, kind, "n2"))
		st := b.sync(ctx)
		assert.Zero(t, st.Conflicts)
		a.sync(ctx)
		assert.Nil(t, a.fields(ctx, "n2"))
		assert.NotNil(t, a.fields(ctx, "n1"))
		requireConverged(t, ctx, e.URL, a, b)
	})
}
