package core_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// The conflict scenarios: what the local op does and what the other side did meanwhile.
const (
	bothEdit     = "both edit"
	localDelete  = "local delete vs server edit"
	serverDelete = "server delete vs local edit"
)

// conflictCase runs one scenario on note n1. The server starts with
// {mood:3, energy:7, notes:"Old"}, the client pulls it; then the client sets mood and notes
// (changedFields given) or deletes, and the server gets energy 8 and a new field, or a delete.
type conflictCase struct {
	name      string
	scenario  string
	strategy  core.Strategy
	mod       func(*core.Config)
	serverNow bool // the server's edit is made after the local one (lastWriteWins)

	want          map[string]any // server's final fields (subset); nil = deleted
	wantAction    core.Action
	wantDiscarded []string
}

func TestConflictStrategies(t *testing.T) {
	merged := func(cfg *core.Config) {
		cfg.MergeFunc = func(ctx context.Context, c core.Conflict) (core.RawJSON, error) {
			return core.RawJSON(`{"id":"n1","mood":4,"merged":true}`), nil
		}
	}
	resolver := func(r core.Resolution) func(*core.Config) {
		return func(cfg *core.Config) {
			cfg.Resolver = func(ctx context.Context, c core.Conflict) (core.Resolution, error) { return r, nil }
		}
	}
	localWins := map[string]any{"mood": 5.0, "energy": 7.0, "notes": "My notes", "extra": nil}
	serverKept := map[string]any{"mood": 3.0, "energy": 8.0, "notes": "Old", "extra": "x"}
	cases := []conflictCase{
		{name: "autoPreserve keeps both sides", scenario: bothEdit, strategy: core.AutoPreserve,
			want: map[string]any{"mood": 5.0, "energy": 8.0, "notes": "My notes", "extra": "x"}, wantAction: core.Merged},
		{name: "serverWins drops the local changes", scenario: bothEdit, strategy: core.ServerWins,
			want: serverKept, wantAction: core.AcceptServer, wantDiscarded: []string{"mood", "notes"}},
		{name: "clientWins overwrites the server", scenario: bothEdit, strategy: core.ClientWins,
			want: localWins, wantAction: core.AcceptClient, wantDiscarded: []string{"energy", "extra", "mood", "notes"}},
		{name: "lastWriteWins, local later", scenario: bothEdit, strategy: core.LastWriteWins,
			want: localWins, wantAction: core.AcceptClient, wantDiscarded: []string{"energy", "extra", "mood", "notes"}},
		{name: "lastWriteWins, server later", scenario: bothEdit, strategy: core.LastWriteWins, serverNow: true,
			want: serverKept, wantAction: core.AcceptServer, wantDiscarded: []string{"mood", "notes"}},
		{name: "merge uses MergeFunc", scenario: bothEdit, strategy: core.Merge, mod: merged,
			want: map[string]any{"mood": 4.0, "merged": true, "energy": nil}, wantAction: core.Merged},
		{name: "manual acceptServer", scenario: bothEdit, strategy: core.Manual, mod: resolver(core.Resolution{Action: core.AcceptServer}),
			want: serverKept, wantAction: core.AcceptServer, wantDiscarded: []string{"mood", "notes"}},
		{name: "manual discard", scenario: bothEdit, strategy: core.Manual, mod: resolver(core.Resolution{Action: core.Discard}),
			want: serverKept, wantAction: core.Discard, wantDiscarded: []string{"mood", "notes"}},
		{name: "manual acceptClient", scenario: bothEdit, strategy: core.Manual, mod: resolver(core.Resolution{Action: core.AcceptClient}),
			want: localWins, wantAction: core.AcceptClient, wantDiscarded: []string{"energy", "extra", "mood", "notes"}},
		{name: "manual merged", scenario: bothEdit, strategy: core.Manual,
			mod:  resolver(core.Resolution{Action: core.Merged, Data: core.RawJSON(`{"id":"n1","mood":1}`)}),
			want: map[string]any{"mood": 1.0, "notes": nil}, wantAction: core.Merged},

		{name: "autoPreserve: the edit beats a local delete", scenario: localDelete, strategy: core.AutoPreserve,
			want: map[string]any{"energy": 8.0}, wantAction: core.AcceptServer, wantDiscarded: []string{"delete"}},
		{name: "serverWins: the edit beats a local delete", scenario: localDelete, strategy: core.ServerWins,
			want: map[string]any{"energy": 8.0}, wantAction: core.AcceptServer, wantDiscarded: []string{"delete"}},
		{name: "clientWins: the local delete wins", scenario: localDelete, strategy: core.ClientWins,
			want: nil, wantAction: core.AcceptClient, wantDiscarded: []string{"record"}},
		{name: "merge: the edit beats a local delete", scenario: localDelete, strategy: core.Merge, mod: merged,
			want: map[string]any{"energy": 8.0}, wantAction: core.AcceptServer, wantDiscarded: []string{"delete"}},
		{name: "autoPreserve: a local edit revives a server delete", scenario: serverDelete, strategy: core.AutoPreserve,
			want: map[string]any{"mood": 5.0, "notes": "My notes"}, wantAction: core.AcceptClient, wantDiscarded: []string{"delete"}},
		{name: "serverWins: the server delete wins", scenario: serverDelete, strategy: core.ServerWins,
			want: nil, wantAction: core.AcceptServer, wantDiscarded: []string{"record"}},
		{name: "clientWins: a local edit revives a server delete", scenario: serverDelete, strategy: core.ClientWins,
			want: map[string]any{"mood": 5.0}, wantAction: core.AcceptClient, wantDiscarded: []string{"delete"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runConflict(t, tc) })
	}
}

func runConflict(t *testing.T, tc conflictCase) {
	srv := newServer()
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","mood":3,"energy":7,"notes":"Old"}`))
	require.NoError(t, err)
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Strategy = tc.strategy
		// A device clock an hour fast: lastWriteWins must compare in server time.
		cfg.Now = func() time.Time { return time.Now().Add(time.Hour) }
		if tc.mod != nil {
			tc.mod(cfg)
		}
	})
	c.sync()

	serverEdit := func() {
		time.Sleep(3 * time.Millisecond)
		if tc.scenario == serverDelete {
			_, ok := srv.Delete("note", "n1")
			require.True(t, ok)
			return
		}
		_, err := srv.Put("note", core.RawJSON(`{"id":"n1","mood":3,"energy":8,"notes":"Old","extra":"x"}`))
		require.NoError(t, err)
	}
	if !tc.serverNow {
		serverEdit()
	}
	time.Sleep(3 * time.Millisecond)
	if tc.scenario == localDelete {
		require.NoError(t, c.eng.Delete(ctx(t), "note", "n1"))
	} else {
		c.put("note", `{"id":"n1","mood":5,"energy":7,"notes":"My notes"}`, "mood", "notes")
	}
	if tc.serverNow {
		serverEdit()
	}

	st := c.sync()
	assert.Equal(t, 1, st.Conflicts)
	assert.Equal(t, 1, st.ConflictsResolved)
	assert.Zero(t, c.pending(), "nothing left in the outbox")

	got, deleted := serverFields(t, srv, "note", "n1")
	if tc.want == nil {
		assert.True(t, deleted, "the server's record is deleted")
		assert.Nil(t, c.fields("note", "n1"), "and so is the local one")
	} else {
		assert.False(t, deleted, "the server's record is live")
		for k, v := range tc.want {
			assert.Equal(t, v, got[k], "server field %s", k)
		}
		assert.Equal(t, got, c.fields("note", "n1"), "local equals server")
	}

	conflicts := c.events.waitFor(t, core.EventConflict, 1)
	assert.Equal(t, "n1", conflicts[0].Conflict.EntityID)
	assert.Equal(t, tc.scenario == localDelete, conflicts[0].Conflict.LocalDeleted)
	assert.Equal(t, tc.scenario == serverDelete, conflicts[0].Conflict.ServerDeleted)
	resolved := c.events.waitFor(t, core.EventConflictResolved, 1)
	require.Len(t, resolved, 1)
	assert.Equal(t, tc.wantAction, resolved[0].Resolution.Action)
	assert.Equal(t, tc.wantDiscarded, resolved[0].Discarded)
}

func TestTwoClientsEditOneRecord(t *testing.T) {
	srv := newServer()
	a, b := newClient(t, srv, nil), newClient(t, srv, nil)
	a.put("note", `{"id":"n1","title":"t","body":"b","tags":["x"]}`)
	a.sync()
	b.sync()

	a.put("note", `{"id":"n1","title":"A's title","body":"b","tags":["x","a"]}`)
	b.put("note", `{"id":"n1","title":"t","body":"B's body","tags":["x","b"]}`)
	a.sync()
	st := b.sync()
	assert.Equal(t, 1, st.Conflicts)
	a.sync()

	want := map[string]any{"title": "A's title", "body": "B's body", "tags": []any{"x", "a", "b"}}
	got, _ := serverFields(t, srv, "note", "n1")
	for k, v := range want {
		assert.Equal(t, v, got[k], k)
	}
	assert.Equal(t, got, a.fields("note", "n1"))
	assert.Equal(t, got, b.fields("note", "n1"))
}

func TestDeferredConflictIsDurableAndResolvable(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Strategy = core.Manual })
	c.put("note", `{"id":"n1","v":1}`)
	c.put("note", `{"id":"n2","v":1}`)
	c.sync()
	c.put("note", `{"id":"n1","v":2}`)
	c.put("note", `{"id":"n2","v":2}`)
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","v":10}`))
	require.NoError(t, err)

	st := c.sync()
	assert.Equal(t, 1, st.Conflicts)
	assert.Zero(t, st.ConflictsResolved)
	assert.Equal(t, 1, st.Pushed, "n2 went on")
	assert.Equal(t, 1, c.pending(), "the deferred op stays")
	assert.EqualValues(t, 2, c.fields("note", "n1")["v"], "the pull held the entity with a pending op")
	c.events.waitFor(t, core.EventCompleted, 2)
	assert.Empty(t, c.events.of(core.EventConflictResolved), "deferring resolves nothing")
	pushes := srv.Calls("push")
	c.sync()
	assert.Equal(t, pushes+1, srv.Calls("push"), "a later sync asks again, once")

	cs, err := c.eng.Conflicts(ctx(t))
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, "n1", cs[0].EntityID)
	assert.JSONEq(t, `{"id":"n1","v":2}`, string(cs[0].Local))

	require.NoError(t, c.eng.ResolveConflict(ctx(t), cs[0].ID, core.Resolution{Action: core.AcceptClient}))
	cs, err = c.eng.Conflicts(ctx(t))
	require.NoError(t, err)
	assert.Empty(t, cs)
	c.sync()
	got, _ := serverFields(t, srv, "note", "n1")
	assert.EqualValues(t, 2, got["v"])
	assert.Zero(t, c.pending())

	err = c.eng.ResolveConflict(ctx(t), "nope", core.Resolution{Action: core.AcceptClient})
	assert.ErrorIs(t, err, core.ErrInvalid)
}

func TestRepeatedConflictParksAfterMaxRetries(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Strategy = core.ClientWins; cfg.MaxConflictRetries = new(2) })
	c.put("note", `{"id":"n1","v":1}`)
	c.sync()
	c.put("note", `{"id":"n1","v":2}`)
	pushes := srv.Calls("push")
	// Another writer gets in before every push of this client.
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, ops []core.Op) error {
		if method == simserver.MethodPush {
			_, err := srv.Put("note", core.RawJSON(`{"id":"n1","v":99}`))
			return err
		}
		return nil
	}})
	st := c.sync()
	assert.Equal(t, 3, st.Conflicts, "the first conflict and two re-pushes")
	assert.Equal(t, 2, st.ConflictsResolved)
	assert.Equal(t, pushes+3, srv.Calls("push"), "bounded: no loop within the run")
	parked, err := c.eng.Parked(ctx(t))
	require.NoError(t, err)
	require.Len(t, parked, 1)
	assert.Equal(t, 409, parked[0].Status)
	assert.Len(t, c.events.waitFor(t, core.EventOpParked, 1), 1)
	assert.Zero(t, c.pending())
}

func TestFailingResolverDefers(t *testing.T) {
	cases := []struct {
		name string
		res  core.Resolution
		err  error
	}{
		{name: "resolver error", err: assert.AnError},
		{name: "unknown action", res: core.Resolution{Action: "maybe"}},
		{name: "merged data of another record", res: core.Resolution{Action: core.Merged, Data: core.RawJSON(`{"id":"other"}`)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer()
			c := newClient(t, srv, func(cfg *core.Config) {
				cfg.Strategy = core.Manual
				cfg.Resolver = func(ctx context.Context, c core.Conflict) (core.Resolution, error) { return tc.res, tc.err }
			})
			c.put("note", `{"id":"n1","v":1}`)
			c.sync()
			c.put("note", `{"id":"n1","v":2}`)
			_, err := srv.Put("note", core.RawJSON(`{"id":"n1","v":3}`))
			require.NoError(t, err)
			st := c.sync()
			assert.Equal(t, 1, st.Errors)
			assert.Equal(t, 1, c.pending(), "the op waits")
			cs, err := c.eng.Conflicts(ctx(t))
			require.NoError(t, err)
			assert.Len(t, cs, 1)
			errs := c.events.waitFor(t, core.EventError, 1)
			assert.ErrorIs(t, errs[0].Err, core.ErrConflict)
			assert.EqualValues(t, 2, c.fields("note", "n1")["v"], "the local edit is kept")
		})
	}
}

// An edit made while the conflicting op was in flight is rebased onto the resolution: the
// fields it did not change do not overwrite the server's or merged values.
func TestLaterEditIsRebasedOntoTheResolution(t *testing.T) {
	cases := []struct {
		strategy core.Strategy
		want     map[string]any
	}{
		{core.AutoPreserve, map[string]any{"a": 2.0, "b": 2.0, "c": 9.0}},
		{core.ServerWins, map[string]any{"a": 1.0, "b": 2.0, "c": 9.0}},
	}
	for _, tc := range cases {
		t.Run(string(tc.strategy), func(t *testing.T) {
			srv := newServer()
			_, err := srv.Put("note", core.RawJSON(`{"id":"n1","a":1,"b":1,"c":1}`))
			require.NoError(t, err)
			c := newClient(t, srv, func(cfg *core.Config) { cfg.Strategy = tc.strategy })
			c.sync()
			c.put("note", `{"id":"n1","a":2,"b":1,"c":1}`)
			srv.SetHooks(simserver.Hooks{Op: func(core.Op) simserver.Fault { return simserver.LoseRequest }})
			_, err = c.eng.Sync(ctx(t), core.SyncOptions{})
			require.ErrorIs(t, err, core.ErrNetwork)
			srv.SetHooks(simserver.Hooks{})
			c.put("note", `{"id":"n1","a":2,"b":2,"c":1}`)
			require.Equal(t, 2, c.pending(), "the edit waits behind the in-flight op")
			_, err = srv.Put("note", core.RawJSON(`{"id":"n1","a":1,"b":1,"c":9}`))
			require.NoError(t, err)

			st := c.sync()
			assert.Equal(t, 1, st.Conflicts)
			got, _ := serverFields(t, srv, "note", "n1")
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], k)
			}
			assert.Equal(t, got, c.fields("note", "n1"))
		})
	}
}

// A deferred conflict resolved with acceptServer uses the server record stored with the
// conflict; if the server moved on before the pull passed it, the next sync fetches it.
func TestAcceptServerOnADeferredConflictCatchesUp(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Strategy = core.Manual })
	c.put("note", `{"id":"n1","v":1}`)
	c.sync()
	c.put("note", `{"id":"n1","v":2}`)
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","v":5}`))
	require.NoError(t, err)
	var once atomic.Bool // kinds are pulled concurrently: the hook runs on several goroutines
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, ops []core.Op) error {
		if method == simserver.MethodPull && once.CompareAndSwap(false, true) {
			// between the 409 and the pull, the server moves on
			_, err := srv.Put("note", core.RawJSON(`{"id":"n1","v":6}`))
			return err
		}
		return nil
	}})
	c.sync()
	cs, err := c.eng.Conflicts(ctx(t))
	require.NoError(t, err)
	require.Len(t, cs, 1)
	require.NoError(t, c.eng.ResolveConflict(ctx(t), cs[0].ID, core.Resolution{Action: core.AcceptServer}))
	assert.EqualValues(t, 5, c.fields("note", "n1")["v"], "the server's record as stored with the conflict")
	assert.Zero(t, c.pending())

	c.sync()
	assert.EqualValues(t, 6, c.fields("note", "n1")["v"], "caught up with the server")
	rec, _ := srv.Record("note", "n1")
	local, _, err := c.eng.Get(ctx(t), "note", "n1")
	require.NoError(t, err)
	assert.Equal(t, rec.UpdatedAt, local.UpdatedAt)
	fetches := srv.Calls(simserver.MethodFetch)
	c.sync()
	assert.Equal(t, fetches, srv.Calls(simserver.MethodFetch), "fetched once")
}

func TestKindStrategiesOverrideTheDefault(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.Strategy = core.ServerWins
		cfg.KindStrategies = map[string]core.Strategy{"task": core.ClientWins}
	})
	c.put("note", `{"id":"x","v":1}`)
	c.put("task", `{"id":"x","v":1}`)
	c.sync()
	c.put("note", `{"id":"x","v":2}`)
	c.put("task", `{"id":"x","v":2}`)
	for _, k := range []string{"note", "task"} {
		_, err := srv.Put(k, core.RawJSON(`{"id":"x","v":9}`))
		require.NoError(t, err)
	}
	assert.Equal(t, 2, c.sync().Conflicts)
	note, _ := serverFields(t, srv, "note", "x")
	task, _ := serverFields(t, srv, "task", "x")
	assert.EqualValues(t, 9, note["v"], "note: serverWins")
	assert.EqualValues(t, 2, task["v"], "task: clientWins")
}
