package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// An enqueued delete of a create never sent must not leave the created record live (found by
// the simulation: seed 7015 with -sim.steps=2000, "after a full resync c0 holds note/e1, which
// the server never had and no op carries"). The two cancelled out, and Enqueue leaves records
// alone, so the put's local copy stayed live with no op to push and nothing to pull. Enqueued
// ops no longer cancel out: the delete is pushed, the server's 404 on it is done, and the ack
// turns the local copy into a tombstone.
func TestEnqueuedDeleteOfAnUnsentCreateLeavesNoRecord(t *testing.T) {
	for name, next := range map[string]func(t *testing.T, c *client){
		"sync": func(_ *testing.T, c *client) { c.sync() },
		"full resync": func(t *testing.T, c *client) {
			_, err := c.eng.FullResync(ctx(t), false)
			require.NoError(t, err)
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newServer()
			c := newClient(t, srv, nil)
			c.put("note", `{"id":"n1","a":"local only"}`)
			got, err := c.eng.Enqueue(ctx(t), core.Op{Kind: "note", EntityID: "n1", Type: core.OpDelete})
			require.NoError(t, err)
			require.Equal(t, core.OpDelete, got.Type)
			require.Equal(t, 1, c.pending(), "the delete is kept, folded into the create")

			next(t, c)
			_, onServer := srv.Record("note", "n1")
			require.False(t, onServer)
			require.Nil(t, c.fields("note", "n1"), "the deleted create is still live locally")
		})
	}
}
