package core_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

func TestCancelMidSyncLosesNothing(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1","v":1}`)
	started, release := blockPushes(srv)
	defer close(release)
	cctx, cancel := context.WithCancel(ctx(t))
	errc := make(chan error, 1)
	go func() {
		_, err := c.eng.Sync(cctx, core.SyncOptions{})
		errc <- err
	}()
	waitPush(t, started)
	cancel()
	err := <-errc
	require.ErrorIs(t, err, core.ErrCancelled)
	assert.Equal(t, 1, c.pending(), "the op stays")
	assert.EqualValues(t, 1, c.fields("note", "n1")["v"])
	_, ok := srv.Record("note", "n1")
	assert.False(t, ok)

	srv.SetHooks(simserver.Hooks{})
	assert.Equal(t, 1, c.sync().Pushed, "the next sync succeeds")
}

func TestConcurrentSyncJoinsTheRunningOne(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	started, release := blockPushes(srv)
	type result struct {
		st  core.Stats
		err error
	}
	results := make(chan result, 3)
	sync := func() {
		st, err := c.eng.Sync(ctx(t), core.SyncOptions{})
		results <- result{st, err}
	}
	go sync()
	waitPush(t, started)
	go sync()
	go sync()
	time.Sleep(200 * time.Millisecond) // time for both to join the blocked run
	close(release)
	for range 3 {
		r := <-results
		require.NoError(t, r.err)
		assert.Equal(t, 1, r.st.Pushed, "every caller gets the one run's stats")
	}
	assert.Equal(t, 1, srv.Calls("push"))
	assert.Equal(t, 2, srv.Calls("pull"), "one pull per kind: one run")
}

// A Sync joins a running one only when that one pushes and pulls at least its kinds; otherwise
// it runs after it. Before, sync({kinds: ['note']}) meeting a running sync of task (or the
// push-only sync a write's debounce starts) returned that run's result, the note op unsent.
func TestSyncOfOtherKindsRunsAfterTheRunningOne(t *testing.T) {
	for name, tt := range map[string]struct {
		running core.SyncOptions
		pulls   int // both runs' pulls: the running one's, and note's own
	}{
		"a sync of another kind": {core.SyncOptions{Kinds: []string{"task"}}, 2},
		"a push-only sync":       {core.SyncOptions{PullKinds: []string{}}, 1},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newServer()
			c := newClient(t, srv, nil)
			c.put("task", `{"id":"t1"}`)
			started, release := blockPushes(srv)
			errc := make(chan error, 1)
			go func() {
				_, err := c.eng.Sync(ctx(t), tt.running)
				errc <- err
			}()
			waitPush(t, started)
			c.put("note", `{"id":"n1"}`)
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, err := c.eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
				assert.NoError(t, err)
			}()
			time.Sleep(100 * time.Millisecond) // time to wait for the blocked run
			close(release)
			require.NoError(t, <-errc)
			<-done
			assert.Equal(t, tt.pulls, srv.Calls("pull"), "the note sync ran on its own, and pulled note")
			assert.Zero(t, c.pending())
			_, ok := srv.Record("note", "n1")
			assert.True(t, ok)
		})
	}
}

// A Sync that waited for a run cancelled by that run's own caller runs itself instead of
// taking the cancelled result: another caller's AbortSignal does not cancel it.
func TestSyncJoiningARunCancelledByItsCallerRunsItself(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	started, release := blockPushes(srv)
	cctx, cancel := context.WithCancel(ctx(t))
	errc := make(chan error, 2)
	go func() {
		_, err := c.eng.Sync(cctx, core.SyncOptions{})
		errc <- err
	}()
	waitPush(t, started)
	go func() {
		_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond) // time for the second to wait for the first
	cancel()
	require.ErrorIs(t, <-errc, core.ErrCancelled, "the first, cancelled by its caller")
	srv.SetHooks(simserver.Hooks{})
	close(release)
	require.NoError(t, <-errc, "the second ran on its own")
	assert.Zero(t, c.pending())
}

func TestEventsInOrderForASlowSubscriber(t *testing.T) {
	srv := newServer()
	_, err := srv.Put("task", core.RawJSON(`{"id":"t1"}`))
	require.NoError(t, err)
	c := newClient(t, srv, nil)
	slow, _ := c.eng.Subscribe() // not read until the engine is closed
	c.put("note", `{"id":"n1"}`)
	c.sync()
	all := c.closed()

	var types []core.EventType
	for ev := range slow {
		types = append(types, ev.Type)
	}
	want := []core.EventType{
		core.EventChange, core.EventStatus, // the put: pending 1
		core.EventStatus, core.EventSyncStarted, // syncing
		core.EventStatus,                     // online (the first answer)
		core.EventProgress, core.EventChange, // push of n1 acknowledged
		core.EventStatus,                     // pending 0
		core.EventOperationPushed,            // n1, after its acknowledgement was stored
		core.EventChange, core.EventProgress, // pull of note: n1, the server's copy
		core.EventChange, core.EventProgress, // pull of task: t1
		core.EventCompleted, core.EventStatus, // not syncing
	}
	assert.Equal(t, want, types)
	assert.Equal(t, types, typesOf(all), "the slow subscriber got everything, in the same order")
	completed := all[len(all)-2]
	assert.Equal(t, 1, completed.Stats.Pushed)
	assert.Equal(t, 2, completed.Stats.Pulled)
	last := all[len(all)-1].Status
	assert.Equal(t, core.Status{Online: true, LastSyncedAt: last.LastSyncedAt}, *last)
	assert.NotZero(t, last.LastSyncedAt)
}

func typesOf(evs []core.Event) []core.EventType {
	out := make([]core.EventType, len(evs))
	for i, ev := range evs {
		out[i] = ev.Type
	}
	return out
}

func TestUnsubscribeAndCloseEndSubscriptions(t *testing.T) {
	c := newClient(t, newServer(), nil)
	ch, stop := c.eng.Subscribe()
	stop()
	c.put("note", `{"id":"n1"}`)
	_, open := <-ch
	assert.False(t, open, "an ended subscription's channel closes")
	stop()

	all := c.closed()
	assert.NotEmpty(t, all)
	late, _ := c.eng.Subscribe()
	_, open = <-late
	assert.False(t, open)
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	assert.ErrorIs(t, err, core.ErrClosed)
	_, err = c.eng.Put(ctx(t), "note", core.RawJSON(`{"id":"x"}`), core.PutOptions{})
	assert.ErrorIs(t, err, core.ErrClosed)
	assert.NoError(t, c.eng.Close())
}

func TestCloseCancelsARunningSync(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	started, _ := blockPushes(srv)
	errc := make(chan error, 1)
	go func() {
		_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
		errc <- err
	}()
	waitPush(t, started)
	require.NoError(t, c.eng.Close())
	assert.ErrorIs(t, <-errc, core.ErrClosed)
	n, err := c.store.PendingCount(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestFullResyncClearDataKeepsPendingEntities(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1","v":1}`)
	c.put("note", `{"id":"n2","v":1}`)
	c.sync()
	// n2 changes on the server; "ghost" is a local copy the server purged for good, which
	// only a full resync with clearData notices.
	_, err := srv.Put("note", core.RawJSON(`{"id":"n2","v":5}`))
	require.NoError(t, err)
	cur, err := c.store.Cursor(ctx(t), "note")
	require.NoError(t, err)
	ghost := core.Record{Kind: "note", ID: "ghost", Data: core.RawJSON(`{"id":"ghost"}`), UpdatedAt: cur.UpdatedAt}
	_, err = c.store.ApplyPage(ctx(t), "note", []core.Record{ghost}, cur)
	require.NoError(t, err)
	c.put("note", `{"id":"n1","v":2}`)

	st, err := c.eng.FullResync(ctx(t), true)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Pushed)
	assert.EqualValues(t, 2, c.fields("note", "n1")["v"])
	assert.EqualValues(t, 5, c.fields("note", "n2")["v"])
	assert.Nil(t, c.fields("note", "ghost"), "cleared")
	ev := c.events.waitFor(t, core.EventFullResync, 1)
	assert.Equal(t, core.ReasonManual, ev[0].Reason)
	assert.True(t, ev[0].ClearData)
}

func TestFullResyncPullsOnlyAfterASuccessfulPush(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	c.sync()
	c.put("note", `{"id":"n2"}`)
	srv.SetOffline(true)
	_, err := c.eng.FullResync(ctx(t), true)
	require.ErrorIs(t, err, core.ErrNetwork)
	assert.NotNil(t, c.fields("note", "n1"), "nothing cleared when the push failed")
	cur, err := c.eng.Cursors(ctx(t))
	require.NoError(t, err)
	assert.False(t, cur["note"].IsZero(), "cursor kept")
}

func TestFullResyncWhenDue(t *testing.T) {
	srv := newServer()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Now = clock; cfg.FullResyncInterval = new(time.Hour) })
	c.sync()
	assert.Empty(t, c.events.of(core.EventFullResync), "a first sync starts the clock")
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	c.sync()
	ev := c.events.waitFor(t, core.EventFullResync, 1) // a sync of every kind runs the due full resync
	assert.Equal(t, core.ReasonInterval, ev[0].Reason)
}

func TestInvalidInput(t *testing.T) {
	c := newClient(t, newServer(), nil)
	bad := []struct {
		name string
		call func() error
	}{
		{"unknown kind", func() error {
			_, err := c.eng.Put(ctx(t), "other", core.RawJSON(`{"id":"1"}`), core.PutOptions{})
			return err
		}},
		{"no id", func() error {
			_, err := c.eng.Put(ctx(t), "note", core.RawJSON(`{"v":1}`), core.PutOptions{})
			return err
		}},
		{"id not a string", func() error {
			_, err := c.eng.Put(ctx(t), "note", core.RawJSON(`{"id":1}`), core.PutOptions{})
			return err
		}},
		{"not an object", func() error {
			_, err := c.eng.Put(ctx(t), "note", core.RawJSON(`[1]`), core.PutOptions{})
			return err
		}},
		{"not JSON", func() error {
			_, err := c.eng.Put(ctx(t), "note", core.RawJSON(`{`), core.PutOptions{})
			return err
		}},
		{"one bad record of many", func() error {
			_, err := c.eng.PutMany(ctx(t), "note", []core.RawJSON{core.RawJSON(`{"id":"a"}`), core.RawJSON(`{}`)})
			return err
		}},
		{"given records, one not JSON", func() error {
			_, err := core.CutRecords([]byte(`[{"id":"a"},{"id":"b",}]`))
			return err
		}},
		{"given records, not an array", func() error {
			_, err := core.CutRecords([]byte(`{"id":"a"}`))
			return err
		}},
		{"given records, one without id", func() error { return putGiven(t, c.eng, `[{"id":"a"},{"v":1}]`) }},
		{"given records, one not an object", func() error { return putGiven(t, c.eng, `[{"id":"a"},[1]]`) }},
		{"given records, an id the cut leaves to the engine is not a string", func() error {
			return putGiven(t, c.eng, `[{"id":"a"},{"id":7}]`)
		}},
		{"delete without id", func() error { return c.eng.Delete(ctx(t), "note", "") }},
		{"sync of an unknown kind", func() error {
			_, err := c.eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"other"}})
			return err
		}},
		{"enqueue of a bad type", func() error {
			_, err := c.eng.Enqueue(ctx(t), core.Op{Kind: "note", EntityID: "a", Type: "patch"})
			return err
		}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) { assert.ErrorIs(t, tc.call(), core.ErrInvalid) })
	}
	assert.Zero(t, c.pending(), "nothing was written")

	_, err := core.New(core.Config{Store: c.store, Transport: c.srv, Kinds: []string{"note"}, Strategy: core.Merge})
	assert.NoError(t, err, "merge without a MergeFunc takes the default merge")
	_, err = core.New(core.Config{Store: c.store, Transport: c.srv, Kinds: []string{"note"},
		KindMergeFuncs: map[string]core.MergeFunc{"other": nil}})
	assert.ErrorIs(t, err, core.ErrInvalid, "a merge function for an unknown kind")
	_, err = core.New(core.Config{Store: c.store, Transport: c.srv, Kinds: []string{"note"},
		KindResolvers: map[string]core.Resolver{"note": nil}})
	assert.ErrorIs(t, err, core.ErrInvalid, "a nil resolver")
	_, err = core.New(core.Config{Store: c.store, Transport: c.srv})
	assert.ErrorIs(t, err, core.ErrInvalid, "kinds are required")
}

func putGiven(t *testing.T, eng *core.Engine, text string) error {
	g, err := core.CutRecords([]byte(text))
	require.NoError(t, err)
	_, err = eng.PutManyGiven(ctx(t), "note", g)
	return err
}

// PutManyGiven writes what PutMany writes, the ids CutRecords read and those it left to the
// engine (escapes) alike.
func TestPutManyGiven(t *testing.T) {
	c := newClient(t, newServer(), nil)
	g, err := core.CutRecords([]byte(` [{"id":"a","v":1} , {"id":"b\u0062","v":"ü","n":{"id":"x"}}]`))
	require.NoError(t, err)
	assert.Equal(t, []core.RawJSON{core.RawJSON(`{"id":"a","v":1}`), core.RawJSON(`{"id":"b\u0062","v":"ü","n":{"id":"x"}}`)}, g.Items())
	recs, err := c.eng.PutManyGiven(ctx(t), "note", g)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, []string{"a", "bb"}, []string{recs[0].ID, recs[1].ID})
	assert.Equal(t, map[string]any{"id": "bb", "v": "ü", "n": map[string]any{"id": "x"}}, c.fields("note", "bb"))
	assert.Equal(t, 2, c.pending())
}

func TestLocalWritesAndEnqueue(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	recs, err := c.eng.PutMany(ctx(t), "note", []core.RawJSON{core.RawJSON(`{"id":"a"}`), core.RawJSON(`{"id":"b"}`)})
	require.NoError(t, err)
	assert.Len(t, recs, 2)
	require.NoError(t, c.eng.Delete(ctx(t), "note", "missing"), "deleting an absent record is a no-op")
	assert.Equal(t, 2, c.pending())
	list, err := c.eng.List(ctx(t), "note")
	require.NoError(t, err)
	assert.Len(t, list, 2)
	change := c.events.waitFor(t, core.EventChange, 1)
	assert.Equal(t, []string{"a", "b"}, change[0].IDs)
	assert.Equal(t, core.OriginLocal, change[0].Origin)

	op, err := c.eng.Enqueue(ctx(t), core.Op{Kind: "task", EntityID: "t1", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"t1","x":1}`)})
	require.NoError(t, err)
	assert.NotEmpty(t, op.OpID)
	assert.NotZero(t, op.LocalTimestamp)
	st := c.sync()
	assert.Equal(t, 3, st.Pushed)
	got, _ := serverFields(t, srv, "task", "t1")
	assert.EqualValues(t, 1, got["x"])

	require.NoError(t, c.eng.Delete(ctx(t), "note", "a"))
	c.sync()
	_, deleted := serverFields(t, srv, "note", "a")
	assert.True(t, deleted)
	assert.Nil(t, c.fields("note", "a"))
}

func TestSyncOfSomeKinds(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	c.put("task", `{"id":"t1"}`)
	st, err := c.eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"task"}})
	require.NoError(t, err)
	assert.Equal(t, 1, st.Pushed)
	assert.Equal(t, 1, c.pending(), "the note waits")
	assert.Equal(t, 1, srv.Calls("pull"))
}

func TestAPanickingResolverDoesNotWedgeTheEngine(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Strategy = core.Manual
		cfg.Resolver = func(ctx context.Context, c core.Conflict) (core.Resolution, error) { panic("app bug") }
	})
	c.put("note", `{"id":"n1","v":1}`)
	c.sync()
	c.put("note", `{"id":"n1","v":2}`)
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","v":3}`))
	require.NoError(t, err)
	assert.Panics(t, func() { _, _ = c.eng.Sync(ctx(t), core.SyncOptions{}) })
	st, err := c.eng.Status(ctx(t))
	require.NoError(t, err)
	assert.False(t, st.Syncing)
	_, err = c.eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"task"}})
	assert.NoError(t, err, "the next sync runs")
}
