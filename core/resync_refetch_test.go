package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// A full resync leaves the device equal to the server, the entities waiting for a refetch
// included (found by the simulation, seed 312 with -sim.steps=1500: "after a full resync c1
// holds task/c1-n1068, which the server never had"): a dropped parked create is refetched by
// the next sync, but a full resync without clearData skipped the refetch and pulled only what
// the server has, so the refused record stayed live.
func TestFullResyncRefetches(t *testing.T) {
	srv := newServer()
	srv.SetHooks(simserver.Hooks{Op: func(core.Op) simserver.Fault { return simserver.Reject }})
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1","a":"refused"}`)
	c.sync()
	parked, err := c.eng.Parked(ctx(t))
	require.NoError(t, err)
	require.Len(t, parked, 1)
	srv.SetHooks(simserver.Hooks{})
	require.NoError(t, c.eng.DropParked(ctx(t), []string{parked[0].Op.OpID}))

	_, err = c.eng.FullResync(ctx(t), false)
	require.NoError(t, err)
	require.Nil(t, c.fields("note", "n1"), "the dropped create is still live after a full resync")
}
