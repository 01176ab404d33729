package e2e

import (
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
	tests := append(strategyCases(), strategyCase{name: "per-kind override", cfg: func(c *core.Config) {
		c.Strategy = core.ClientWins
		c.KindStrategies = map[string]core.Strategy{kind: core.ServerWins}
	}, want: map[string]any{"title": "A", "mood": 1.0, "tags": []any{"x"}}})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := startServer(t)
			playStrategyConflict(t, e.URL, tc, func(b *client) func() {
				evB := subscribe(b)
				return func() { assert.NotEmpty(t, evB.drain(core.EventConflict)) }
			})
		})
	}
}

// TestManualWithoutResolverDefers: the conflict is kept durably and listed, the op stays; a
// later resolution is pushed by the next sync.
func TestManualWithoutResolverDefers(t *testing.T) {
	e := startServer(t)
	ctx := testCtx(t, 60*time.Second)
	a, b, c := deferConflict(t, ctx, e.URL)
	assert.Equal(t, "n1", c.EntityID)
	n, err := b.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the op waits")
	assert.Equal(t, 1.0, serverFields(t, ctx, e.URL, "n1")["v"], "nothing pushed over the server")

	require.NoError(t, b.ResolveConflict(ctx, c.ID, core.Resolution{Action: core.AcceptClient}))
	b.sync(ctx)
	a.sync(ctx)
	assert.Equal(t, 2.0, serverFields(t, ctx, e.URL, "n1")["v"])
	conflicts, err := b.Conflicts(ctx)
	require.NoError(t, err)
	assert.Empty(t, conflicts)
	requireConverged(t, ctx, e.URL, a, b)
}

// TestDeletesOnEitherSide covers a delete meeting an edit from both directions (autoPreserve:
// the edit survives and the event says the delete lost; serverWins: the server's side
// stands) and a plain delete that reaches the other device.
func TestDeletesOnEitherSide(t *testing.T) {
	for _, tc := range deleteCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := startServer(t)
			playDeleteConflict(t, e.URL, tc, func(b *client) func() {
				evB := subscribe(b)
				return func() {
					if tc.strategy == core.AutoPreserve && tc.localDelete {
						resolved := evB.drain(core.EventConflictResolved)
						require.NotEmpty(t, resolved)
						assert.Contains(t, resolved[len(resolved)-1].Discarded, "delete", "the event says the delete lost")
					}
				}
			})
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
