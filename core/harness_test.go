package core_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/memstore"
)

// testKinds are the kinds every test client syncs.
var testKinds = []string{"note", "task"}

// client is one device in a test: an engine on a memstore against a shared simserver, with
// instant, recorded backoff sleeps and a recorder of every event.
type client struct {
	t      *testing.T
	eng    *core.Engine
	store  *memstore.Store
	srv    *simserver.Server
	events *recorder

	mu     sync.Mutex
	sleeps []time.Duration
}

// newClient builds a client; mod adjusts the config before New.
func newClient(t *testing.T, srv *simserver.Server, mod func(*core.Config)) *client {
	t.Helper()
	c := &client{t: t, store: memstore.New(), srv: srv}
	cfg := core.Config{
		Store: c.store, Transport: srv, Kinds: testKinds,
		Jitter: func() float64 { return 0.5 },
		Sleep: func(ctx context.Context, d time.Duration) error {
			c.mu.Lock()
			c.sleeps = append(c.sleeps, d)
			c.mu.Unlock()
			return ctx.Err()
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	eng, err := core.New(cfg)
	require.NoError(t, err)
	c.eng = eng
	c.events = record(eng)
	t.Cleanup(func() {
		_ = eng.Close()
		_ = c.store.Close()
	})
	return c
}

func newServer() *simserver.Server { return simserver.New(simserver.Options{}) }

func (c *client) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// put writes a record given as JSON text.
func (c *client) put(kind, data string, changed ...string) core.Record {
	c.t.Helper()
	opts := core.PutOptions{}
	if changed != nil {
		opts = core.PutOptions{ChangedFields: changed, ChangedGiven: true}
	}
	rec, err := c.eng.Put(context.Background(), kind, core.RawJSON(data), opts)
	require.NoError(c.t, err)
	return rec
}

func (c *client) sync() core.Stats {
	c.t.Helper()
	st, err := c.eng.Sync(ctx(c.t), core.SyncOptions{})
	require.NoError(c.t, err)
	return st
}

// fields returns a live local record's fields; nil when absent or deleted.
func (c *client) fields(kind, id string) map[string]any {
	c.t.Helper()
	rec, ok, err := c.eng.Get(context.Background(), kind, id)
	require.NoError(c.t, err)
	if !ok {
		return nil
	}
	return decode(c.t, rec.Data)
}

func (c *client) pending() int {
	c.t.Helper()
	n, err := c.eng.PendingCount(context.Background())
	require.NoError(c.t, err)
	return n
}

// serverFields returns the server record's fields and whether it is deleted.
func serverFields(t *testing.T, srv *simserver.Server, kind, id string) (map[string]any, bool) {
	t.Helper()
	rec, ok := srv.Record(kind, id)
	require.True(t, ok, "server has no %s/%s", kind, id)
	return decode(t, rec.Data), rec.Deleted
}

func decode(t *testing.T, data core.RawJSON) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

// ctx bounds every test's waits.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// recorder keeps every event of one subscription.
type recorder struct {
	mu   sync.Mutex
	all  []core.Event
	done chan struct{}
}

func record(eng *core.Engine) *recorder {
	ch, _ := eng.Subscribe()
	r := &recorder{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for ev := range ch {
			r.mu.Lock()
			r.all = append(r.all, ev)
			r.mu.Unlock()
		}
	}()
	return r
}

// of returns the events of type typ received so far.
func (r *recorder) of(typ core.EventType) []core.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []core.Event
	for _, ev := range r.all {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// waitFor waits (bounded) until n events of typ arrived and returns them.
func (r *recorder) waitFor(t *testing.T, typ core.EventType, n int) []core.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		evs := r.of(typ)
		if len(evs) >= n {
			return evs
		}
		if time.Now().After(deadline) {
			require.Failf(t, "events missing", "%d %s events, want %d", len(evs), typ, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// closed closes the engine and returns every event it emitted, in order.
func (c *client) closed() []core.Event {
	c.t.Helper()
	require.NoError(c.t, c.eng.Close())
	select {
	case <-c.events.done:
	case <-time.After(5 * time.Second):
		require.Fail(c.t, "the event channel was not closed")
	}
	c.events.mu.Lock()
	defer c.events.mu.Unlock()
	return append([]core.Event(nil), c.events.all...)
}

// dropRefused puts data on c while the server refuses every op, syncs (the op is parked), and
// drops the parked op: the entity is left for the next sync to refetch.
func dropRefused(t *testing.T, srv *simserver.Server, c *client, kind, data string) {
	t.Helper()
	dropRefusedWrite(t, srv, c, func() { c.put(kind, data) })
}

// dropRefusedWrite is dropRefused for any one local write.
func dropRefusedWrite(t *testing.T, srv *simserver.Server, c *client, write func()) {
	t.Helper()
	srv.SetHooks(simserver.Hooks{Op: func(core.Op) simserver.Fault { return simserver.Reject }})
	write()
	c.sync()
	parked, err := c.eng.Parked(ctx(t))
	require.NoError(t, err)
	require.Len(t, parked, 1)
	srv.SetHooks(simserver.Hooks{})
	require.NoError(t, c.eng.DropParked(ctx(t), []string{parked[0].Op.OpID}))
}
