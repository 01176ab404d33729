package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// A create that never reaches the server must not leave a live local record, whether a sync or
// a full resync comes next. Both cases were found by the simulation, with the message "after a
// full resync c0 holds …, which the server never had and no op carries":
//   - dropped parked create (seed 81 with -sim.steps=1500; seed 312 through a full resync without
//     clearData): DropParked marks the entity for refetch; the refetch got 404 and applied
//     nothing (and a full resync did not refetch at all), so the local copy stayed live for good
//     and the device no longer converged;
//   - enqueued delete of an unsent create (seeds 7015 and 7134 with -sim.steps=2000): the two
//     cancelled out, and Enqueue leaves records alone, so the put's copy stayed live with no op
//     to push and nothing to pull. Enqueued ops no longer cancel out: the delete is pushed, the
//     server's 404 on it is done, and the ack turns the local copy into a tombstone.
func TestUnsentCreateLeavesNoRecord(t *testing.T) {
	creates := map[string]func(t *testing.T, srv *simserver.Server, c *client){
		"dropped parked create": func(t *testing.T, srv *simserver.Server, c *client) {
			dropRefused(t, srv, c, "note", `{"id":"n1","a":"refused"}`)
		},
		"enqueued delete of an unsent create": func(t *testing.T, _ *simserver.Server, c *client) {
			c.put("note", `{"id":"n1","a":"local only"}`)
			got, err := c.eng.Enqueue(ctx(t), core.Op{Kind: "note", EntityID: "n1", Type: core.OpDelete})
			require.NoError(t, err)
			require.Equal(t, core.OpDelete, got.Type)
			require.Equal(t, 1, c.pending(), "the delete is kept, folded into the create")
		},
	}
	nexts := map[string]func(t *testing.T, c *client){
		"sync": func(_ *testing.T, c *client) { c.sync() },
		"full resync": func(t *testing.T, c *client) {
			_, err := c.eng.FullResync(ctx(t), false)
			require.NoError(t, err)
		},
	}
	for cname, create := range creates {
		for nname, next := range nexts {
			t.Run(cname+", then "+nname, func(t *testing.T) {
				srv := newServer()
				c := newClient(t, srv, nil)
				create(t, srv, c)
				next(t, c)
				_, onServer := srv.Record("note", "n1")
				require.False(t, onServer)
				require.Nil(t, c.fields("note", "n1"), "the create is still live locally")
			})
		}
	}
}

// A dropped parked edit of a synced record gives way to the server's record, even at the
// version the edit was based on. Found by the simulation (seed 1796551838375042560,
// "after a full resync c1 note/e5 data"): a local write keeps its record's version (the op's
// base), so the refused edit's record claimed the server's version; the refetch DropParked asks
// for met that same version and was skipped as "already stored" (storekit's planPageItem), and
// so was every later pull: the refused data stayed, with no op to carry it, for good.
func TestDroppedEditGivesWayToServer(t *testing.T) {
	refused := map[string]func(c *client){
		"edit":   func(c *client) { c.put("note", `{"id":"n1","a":"refused"}`) },
		"delete": func(c *client) { require.NoError(t, c.eng.Delete(ctx(t), "note", "n1")) },
	}
	nexts := map[string]func(t *testing.T, c *client){
		"sync": func(_ *testing.T, c *client) { c.sync() },
		"full resync": func(t *testing.T, c *client) {
			_, err := c.eng.FullResync(ctx(t), false)
			require.NoError(t, err)
		},
	}
	for rname, write := range refused {
		for nname, next := range nexts {
			t.Run(rname+", then "+nname, func(t *testing.T) {
				srv := newServer()
				c := newClient(t, srv, nil)
				c.put("note", `{"id":"n1","a":"synced"}`)
				c.sync()
				synced, _, err := c.eng.Get(ctx(t), "note", "n1")
				require.NoError(t, err)

				dropRefusedWrite(t, srv, c, func() { write(c) })

				next(t, c)
				onServer, ok := srv.Record("note", "n1")
				require.True(t, ok)
				require.Equal(t, synced.UpdatedAt, onServer.UpdatedAt, "the server kept the version the edit was based on")
				local, ok, err := c.store.Get(ctx(t), "note", "n1")
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, onServer, local, "the local copy is the server's record again")
				require.Zero(t, c.pending())
			})
		}
	}
}
