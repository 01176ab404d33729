package core_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// A merged resolution's own values must survive the conflict its re-push meets when the
// server moved on meanwhile (found by the simulation, seed 60 with -sim.steps=1500): the
// re-pushed op kept the original edit's changedFields, so a preserving merge on the next 409
// dropped the fields the user merged in, and no event said so.
func TestMergedResolutionSurvivesTheNextConflict(t *testing.T) {
	srv := newServer()
	var calls atomic.Int32
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Strategy = core.Manual
		cfg.Resolver = func(_ context.Context, cf core.Conflict) (core.Resolution, error) {
			if calls.Add(1) == 1 {
				return core.Resolution{Action: core.Defer}, nil
			}
			data, err := core.PreservingMergeJSON(cf.Local, cf.Server, cf.ChangedFields)
			return core.Resolution{Action: core.Merged, Data: data}, err
		}
	})
	c.put("note", `{"id":"n1","a":"1","b":"1"}`)
	c.sync()
	c.put("note", `{"id":"n1","a":"local","b":"1"}`, "a")
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","a":"1","b":"server"}`))
	require.NoError(t, err)
	c.sync()
	cs, err := c.eng.Conflicts(ctx(t))
	require.NoError(t, err)
	require.Len(t, cs, 1)

	merged := core.RawJSON(`{"id":"n1","a":"local","b":"mine"}`)
	require.NoError(t, c.eng.ResolveConflict(ctx(t), cs[0].ID, core.Resolution{Action: core.Merged, Data: merged}))
	_, err = srv.Put("note", core.RawJSON(`{"id":"n1","a":"1","b":"server","c":"other"}`))
	require.NoError(t, err)
	c.sync()

	got, deleted := serverFields(t, srv, "note", "n1")
	require.False(t, deleted)
	require.Equal(t, "local", got["a"])
	require.Equal(t, "mine", got["b"], "the merged value was dropped by the re-push's conflict")
	require.Equal(t, "other", got["c"])
	require.Equal(t, int32(2), calls.Load())
	require.Zero(t, c.pending())
}
