package core_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// A pulled item held for a pending create must not be lost when that create is cancelled by
// a local delete before it was ever sent (found by the simulation, seed 1 with -sim.steps=1500:
// "after a full resync c0 lacks note/e4"). The pull holds the server's n1 because a create of
// n1 is pending and moves its cursor past it; the delete then removes the create (never sent:
// the two cancel out), so no push meets the server's version as a 409 and no later pull
// brings it back: the device never shows the server's n1 until someone changes it again.
func TestHeldItemOfCancelledCreateComesBack(t *testing.T) {
	srv := newServer()
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","a":"server"}`))
	require.NoError(t, err)
	c := newClient(t, srv, nil)
	var created atomic.Bool // kinds are pulled concurrently: the hook runs in parallel
	srv.SetHooks(simserver.Hooks{BeforeCall: func(_ context.Context, method string, _ []core.Op) error {
		if method == simserver.MethodPull && created.CompareAndSwap(false, true) {
			c.put("note", `{"id":"n1","a":"mine"}`)
		}
		return nil
	}})
	c.sync()
	require.Equal(t, 1, c.pending(), "the create is pending; the pull held the server's n1")
	require.NoError(t, c.eng.Delete(ctx(t), "note", "n1"))
	require.Zero(t, c.pending(), "create and delete cancelled out")
	c.sync()
	got := c.fields("note", "n1")
	require.NotNil(t, got, "the server's n1 never came back")
	require.Equal(t, "server", got["a"])
}
