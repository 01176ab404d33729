package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// Dropping a parked create must not leave a record the server never had, whether a sync or a
// full resync comes next (found by the simulation: seed 81 with -sim.steps=1500, "after a full
// resync c0 holds task/c0-n136, which the server never had and no op carries"; seed 312, the
// same through a full resync without clearData). DropParked marks the entity for refetch; the
// refetch got 404 and applied nothing (and a full resync did not refetch at all), so the local
// copy of the refused create stayed live for good and the device no longer converged.
func TestDroppedParkedCreateLeavesNoRecord(t *testing.T) {
	for name, next := range map[string]func(t *testing.T, c *client){
		"sync": func(_ *testing.T, c *client) { c.sync() },
		"full resync": func(t *testing.T, c *client) {
			_, err := c.eng.FullResync(ctx(t), false)
			require.NoError(t, err)
		},
	} {
		t.Run(name, func(t *testing.T) {
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
			next(t, c)
			_, onServer := srv.Record("note", "n1")
			require.False(t, onServer)
			require.Nil(t, c.fields("note", "n1"), "the dropped create is still live locally")
		})
	}
}
