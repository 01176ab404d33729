package core_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/memstore"
)

// ackHook is a memstore that runs after (once armed) right after a successful Ack, and
// afterMark right after a successful MarkInFlight.
type ackHook struct {
	*memstore.Store
	after     atomic.Pointer[func()]
	afterMark atomic.Pointer[func()]
}

func (s *ackHook) MarkInFlight(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	got, err := s.Store.MarkInFlight(ctx, ops)
	if f := s.afterMark.Swap(nil); f != nil && err == nil {
		(*f)()
	}
	return got, err
}

func (s *ackHook) Ack(ctx context.Context, acks []core.Ack) error {
	err := s.Store.Ack(ctx, acks)
	if f := s.after.Swap(nil); f != nil && err == nil {
		(*f)()
	}
	return err
}

// laterEditOverConflict sets up serverWins meeting a later edit: the device synced n1, another
// device changed b, this device edits a (op A, which will conflict) and, while A is in flight,
// adds c (op B, appended behind it). The next sync resolves A for the server.
func laterEditOverConflict(t *testing.T) (*client, *simserver.Server, *ackHook) {
	srv := newServer()
	store := &ackHook{Store: memstore.New()}
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Store = store
		cfg.Strategy = core.ServerWins
	})
	c.put("note", `{"id":"n1","a":"x","b":"x"}`)
	c.sync()
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","a":"x","b":"server"}`))
	require.NoError(t, err)
	c.put("note", `{"id":"n1","a":"local","b":"x"}`)
	var once atomic.Bool
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, ops []core.Op) error {
		if method == simserver.MethodPush && once.CompareAndSwap(false, true) {
			c.put("note", `{"id":"n1","a":"local","b":"x","c":"later"}`)
		}
		return nil
	}})
	return c, srv, store
}

// TestServerWinsCancelledAfterItsAckKeepsTheLaterEditRebuilt: serverWins' Ack rebuilds the
// entity's later edit on the server's record in its own transaction (Ack.Rebuild). It was a
// second store call: a sync cancelled (or a tab closed) between the two left the later op built
// on the pre-conflict local record but rebased onto the server's version, and the next sync
// pushed it without conflict over the other device's change.
func TestServerWinsCancelledAfterItsAckKeepsTheLaterEditRebuilt(t *testing.T) {
	c, srv, store := laterEditOverConflict(t)
	runCtx, cancel := context.WithCancel(ctx(t))
	defer cancel()
	f := func() { cancel() } // the user cancels the sync right after serverWins' Ack committed
	store.after.Store(&f)
	_, err := c.eng.Sync(runCtx, core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrCancelled)

	c.sync()
	got, _ := serverFields(t, srv, "note", "n1")
	assert.Equal(t, "later", got["c"], "the later edit reached the server")
	assert.Equal(t, "server", got["b"], "the other device's change to b was overwritten by a stale field of the later op")
	assert.Equal(t, "x", got["a"], "serverWins discarded a, but the later op brought it back")
}

// TestEditDuringServerWinsResolutionIsRebuiltToo: a local write made right after serverWins'
// Ack is built on the record the Ack rebuilt. When the rebuild was separate store calls (the
// later ops read, marked in flight, then replaced one by one), a write landing between them was
// appended with a payload built on the record before the resolution, and pushed over the
// server's record: the other device's change reverted, the discarded one back.
func TestEditDuringServerWinsResolutionIsRebuiltToo(t *testing.T) {
	c, srv, store := laterEditOverConflict(t)
	// The app edits field d (on the record it reads) at the next mark after serverWins' Ack:
	// an ordinary concurrent Put.
	edit := func() {
		rec, ok, err := c.eng.Get(context.Background(), "note", "n1")
		require.NoError(t, err)
		require.True(t, ok)
		m := decode(t, rec.Data)
		m["d"] = "more"
		b, _ := json.Marshal(m)
		c.put("note", string(b))
	}
	arm := func() { store.afterMark.Store(&edit) }
	store.after.Store(&arm) // serverWins' Ack is this sync's first Ack
	c.sync()
	c.sync()
	require.Zero(t, c.pending())
	got, _ := serverFields(t, srv, "note", "n1")
	assert.Equal(t, "more", got["d"], "the concurrent edit reached the server")
	assert.Equal(t, "later", got["c"])
	assert.Equal(t, "server", got["b"], "the other device's change to b was overwritten")
	assert.Equal(t, "x", got["a"], "serverWins discarded a, but it came back")
}
