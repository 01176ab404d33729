package core_test

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/core/wire"
)

// The seed's knobs and events (JS-API.md "Seed parity additions"): per-op events, the error
// event's phase and status, conflictUnresolved, dataMerged, per-kind merge functions and
// resolvers, the default merge, pushKinds/pullKinds.

func opIDs(evs []core.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.OpID
	}
	sort.Strings(out)
	return out
}

func outboxIDs(t *testing.T, c *client) []string {
	t.Helper()
	ops, err := c.eng.Outbox(ctx(t))
	require.NoError(t, err)
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.OpID
	}
	sort.Strings(out)
	return out
}

func TestOperationPushedPerAcknowledgedOp(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	c.put("task", `{"id":"t1"}`)
	want := outboxIDs(t, c)
	c.sync()
	pushed := c.events.waitFor(t, core.EventOperationPushed, 2)
	assert.Equal(t, want, opIDs(pushed))
	for _, ev := range pushed {
		assert.Equal(t, 201, ev.StatusCode, "created")
		assert.Contains(t, []string{"note/n1", "task/t1"}, ev.Kind+"/"+ev.ID)
		assert.NoError(t, ev.Err)
	}

	c.put("note", `{"id":"n1","v":2}`)
	require.NoError(t, c.eng.Delete(ctx(t), "task", "t1"))
	c.sync()
	pushed = c.events.waitFor(t, core.EventOperationPushed, 4)[2:]
	assert.Equal(t, []int{200, 200}, []int{pushed[0].StatusCode, pushed[1].StatusCode})
	assert.Empty(t, c.events.of(core.EventOperationFailed))
}

func TestOperationFailedPerAttempt(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.MaxRetries = new(1) })
	c.put("note", `{"id":"bad"}`)
	c.put("note", `{"id":"busy"}`)
	busyTries := 0
	srv.SetHooks(simserver.Hooks{Op: func(op core.Op) simserver.Fault {
		switch op.EntityID {
		case "bad":
			return simserver.Reject
		case "busy":
			if busyTries++; busyTries == 1 {
				return simserver.Unavailable
			}
		}
		return simserver.Pass
	}})
	st := c.sync()
	assert.Equal(t, 1, st.Pushed, "busy went through on its retry")

	c.events.waitFor(t, core.EventCompleted, 1)
	failed := c.events.of(core.EventOperationFailed)
	require.Len(t, failed, 2)
	byID := map[string]core.Event{}
	for _, ev := range failed {
		byID[ev.ID] = ev
	}
	assert.Equal(t, 400, byID["bad"].StatusCode)
	assert.ErrorIs(t, byID["bad"].Err, core.ErrInvalid, "refused for good: parked")
	assert.False(t, core.IsRetryable(byID["bad"].Err))
	assert.Equal(t, 503, byID["busy"].StatusCode)
	assert.ErrorIs(t, byID["busy"].Err, core.ErrServer)
	assert.Len(t, c.events.of(core.EventOpParked), 1)
	pushed := c.events.waitFor(t, core.EventOperationPushed, 1)
	assert.Equal(t, "busy", pushed[0].ID)
}

func TestFailedPushRequestEvents(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.MaxRetries = new(0) })
	c.put("note", `{"id":"n1"}`)
	c.put("note", `{"id":"n2"}`)
	want := outboxIDs(t, c)

	for i, tc := range []struct {
		name   string
		err    error
		status int
		code   error
	}{
		{"no answer", simserver.NetworkError(simserver.MethodPush), 0, core.ErrNetwork},
		{"401", simserver.Unauthorized(), 401, core.ErrAuth},
		{"503 after the retries", simserver.ServerError(503), 503, core.ErrServer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(c.events.of(core.EventOperationFailed))
			errsBefore := len(c.events.of(core.EventError))
			srv.FailNext(simserver.MethodPush, tc.err)
			_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
			require.ErrorIs(t, err, tc.code)
			c.events.waitFor(t, core.EventCompleted, i+1) // events arrive in order: all of this run's are in
			failed := c.events.of(core.EventOperationFailed)[before:]
			assert.Equal(t, want, opIDs(failed), "one event per op of the request")
			for _, ev := range failed {
				assert.Equal(t, tc.status, ev.StatusCode)
				assert.ErrorIs(t, ev.Err, tc.code)
			}
			errs := c.events.of(core.EventError)[errsBefore:]
			require.Len(t, errs, 1)
			assert.Equal(t, "push", errs[0].Phase)
			assert.Equal(t, tc.status, errs[0].StatusCode)
		})
	}
	assert.Equal(t, 2, c.pending(), "nothing was lost")
}

func TestErrorEventOfAPullCarriesPhaseAndStatus(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.MaxRetries = new(0) })
	srv.FailNext(simserver.MethodPull, simserver.ServerError(502))
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrServer)
	errs := c.events.waitFor(t, core.EventError, 1)
	assert.Equal(t, "pull", errs[0].Phase)
	assert.Equal(t, 502, errs[0].StatusCode)

	js := wire.AppendEvent(nil, errs[0])
	assert.Contains(t, string(js), `"phase":"pull"`)
	assert.Contains(t, string(js), `"statusCode":502`)
}

// conflictOn makes note n1 conflict on c's next sync: c edits mood and notes (changedFields
// given) while the server got energy 8 and a new field.
func conflictOn(t *testing.T, mod func(*core.Config)) (*client, *simserver.Server) {
	t.Helper()
	srv := newServer()
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","mood":3,"energy":7,"notes":"Old","tags":["a"]}`))
	require.NoError(t, err)
	_, err = srv.Put("task", core.RawJSON(`{"id":"t1","mood":3,"energy":7,"notes":"Old"}`))
	require.NoError(t, err)
	c := newClient(t, srv, mod)
	c.sync()
	_, err = srv.Put("note", core.RawJSON(`{"id":"n1","mood":3,"energy":8,"notes":"Old","tags":["a","s"],"extra":"x"}`))
	require.NoError(t, err)
	_, err = srv.Put("task", core.RawJSON(`{"id":"t1","mood":3,"energy":8,"notes":"Old"}`))
	require.NoError(t, err)
	c.put("note", `{"id":"n1","mood":5,"energy":7,"notes":"My notes","tags":["a","l"]}`, "mood", "notes", "tags")
	c.put("task", `{"id":"t1","mood":5,"energy":7,"notes":"Mine"}`, "mood", "notes")
	return c, srv
}

func TestDataMergedSaysWhereFieldsCameFrom(t *testing.T) {
	c, srv := conflictOn(t, nil)
	c.sync()
	merged := c.events.waitFor(t, core.EventDataMerged, 2)
	byKind := map[string]core.Event{}
	for _, ev := range merged {
		byKind[ev.Kind] = ev
	}
	n := byKind["note"]
	assert.Equal(t, "n1", n.ID)
	assert.Equal(t, []string{"mood", "notes", "tags"}, n.LocalFields)
	assert.Equal(t, []string{"energy", "extra", "tags"}, n.ServerFields, "tags: a union of both")
	got, _ := serverFields(t, srv, "note", "n1")
	assert.Equal(t, []any{"a", "s", "l"}, got["tags"])
	assert.Equal(t, []string{"energy"}, byKind["task"].ServerFields)
}

func TestMergeWithoutAFunctionTakesTheDefaultMerge(t *testing.T) {
	c, srv := conflictOn(t, func(cfg *core.Config) { cfg.Strategy = core.Merge })
	st := c.sync()
	assert.Equal(t, 2, st.ConflictsResolved)
	c.events.waitFor(t, core.EventCompleted, 2)
	got, _ := serverFields(t, srv, "task", "t1")
	// DefaultMerge: the server's record with every non-null local field over it.
	assert.Equal(t, map[string]any{"id": "t1", "mood": 5.0, "energy": 7.0, "notes": "Mine"}, withoutVersion(got))
	assert.Empty(t, c.events.of(core.EventDataMerged), "dataMerged is autoPreserve's")
}

func withoutVersion(m map[string]any) map[string]any {
	delete(m, "updatedAt")
	return m
}

func TestPerKindMergeFunctionsAndResolvers(t *testing.T) {
	var globalCalls, noteCalls, resolverCalls []string
	c, srv := conflictOn(t, func(cfg *core.Config) {
		cfg.Strategy = core.Merge
		cfg.KindStrategies = map[string]core.Strategy{"task": core.Manual}
		cfg.MergeFunc = func(_ context.Context, c core.Conflict) (core.RawJSON, error) {
			globalCalls = append(globalCalls, c.Kind)
			return core.RawJSON(`{"id":"` + c.EntityID + `","by":"global"}`), nil
		}
		cfg.KindMergeFuncs = map[string]core.MergeFunc{"note": func(_ context.Context, c core.Conflict) (core.RawJSON, error) {
			noteCalls = append(noteCalls, c.Kind)
			return core.RawJSON(`{"id":"n1","by":"note"}`), nil
		}}
		cfg.Resolver = func(context.Context, core.Conflict) (core.Resolution, error) {
			t.Error("the global resolver must not run: task has its own")
			return core.Resolution{Action: core.Defer}, nil
		}
		cfg.KindResolvers = map[string]core.Resolver{"task": func(_ context.Context, c core.Conflict) (core.Resolution, error) {
			resolverCalls = append(resolverCalls, c.Kind)
			return core.Resolution{Action: core.Merged, Data: core.RawJSON(`{"id":"t1","by":"task resolver"}`)}, nil
		}}
	})
	st := c.sync()
	assert.Equal(t, 2, st.ConflictsResolved)
	assert.Equal(t, []string{"note"}, noteCalls)
	assert.Empty(t, globalCalls)
	assert.Equal(t, []string{"task"}, resolverCalls)
	n, _ := serverFields(t, srv, "note", "n1")
	assert.Equal(t, "note", n["by"])
	tk, _ := serverFields(t, srv, "task", "t1")
	assert.Equal(t, "task resolver", tk["by"])
}

func TestConflictUnresolvedWhenDeferred(t *testing.T) {
	c, _ := conflictOn(t, func(cfg *core.Config) { cfg.Strategy = core.Manual })
	st := c.sync()
	assert.Equal(t, 2, st.Conflicts)
	assert.Zero(t, st.ConflictsResolved)
	un := c.events.waitFor(t, core.EventConflictUnresolved, 2)
	ids := []string{un[0].Conflict.EntityID, un[1].Conflict.EntityID}
	sort.Strings(ids)
	assert.Equal(t, []string{"n1", "t1"}, ids)
	c.events.waitFor(t, core.EventCompleted, 2)
	stored, err := c.eng.Conflicts(ctx(t))
	require.NoError(t, err)
	assert.Len(t, stored, 2, "durable")
	assert.Empty(t, c.events.of(core.EventConflictResolved))
}

func TestPushKindsAndPullKinds(t *testing.T) {
	srv := newServer()
	_, err := srv.Put("note", core.RawJSON(`{"id":"remote-n"}`))
	require.NoError(t, err)
	_, err = srv.Put("task", core.RawJSON(`{"id":"remote-t"}`))
	require.NoError(t, err)
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	c.put("task", `{"id":"t1"}`)

	st, err := c.eng.Sync(ctx(t), core.SyncOptions{PushKinds: []string{"note"}, PullKinds: []string{}})
	require.NoError(t, err)
	assert.Equal(t, core.Stats{Pushed: 1, DurationMs: st.DurationMs}, st, "push-only: nothing pulled")
	_, ok := srv.Record("task", "t1")
	assert.False(t, ok, "task ops were not pushed")
	assert.Nil(t, c.fields("note", "remote-n"))
	assert.Equal(t, 1, c.pending())

	st, err = c.eng.Sync(ctx(t), core.SyncOptions{PushKinds: []string{}, PullKinds: []string{"task"}})
	require.NoError(t, err)
	assert.Zero(t, st.Pushed)
	assert.Equal(t, 1, st.Pulled, "remote-t (t1 is held: its op is pending)")
	assert.NotNil(t, c.fields("task", "remote-t"))
	assert.Nil(t, c.fields("note", "remote-n"), "note was not pulled")

	st, err = c.eng.Sync(ctx(t), core.SyncOptions{PullKinds: []string{"note"}})
	require.NoError(t, err)
	assert.Equal(t, 1, st.Pushed, "pushKinds unset: every kind is pushed")
	assert.Zero(t, c.pending())
	assert.NotNil(t, c.fields("note", "remote-n"))

	started := c.events.waitFor(t, core.EventSyncStarted, 3)
	assert.Equal(t, []string{"note"}, started[0].Kinds)
	assert.Equal(t, []string{"task"}, started[1].Kinds)
	assert.Equal(t, testKinds, started[2].Kinds)

	for name, opts := range map[string]core.SyncOptions{
		"kinds with pushKinds":  {Kinds: []string{"note"}, PushKinds: []string{"note"}},
		"kinds with pullKinds":  {Kinds: []string{"note"}, PullKinds: []string{}},
		"unknown push kind":     {PushKinds: []string{"other"}},
		"unknown pull kind":     {PullKinds: []string{"other"}},
		"empty kind in pull":    {PullKinds: []string{""}},
		"unknown kind in kinds": {Kinds: []string{"other"}},
	} {
		_, err := c.eng.Sync(ctx(t), opts)
		assert.ErrorIs(t, err, core.ErrInvalid, name)
	}
}
