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
)

// blind answers pushes as a seed-style backend does: acknowledged, without the record.
type blind struct{ *simserver.Server }

func (b blind) Push(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	res, err := b.Server.Push(ctx, ops)
	for i := range res {
		if res[i].Status == core.PushOK {
			res[i].Record = nil
		}
	}
	return res, err
}

func blindClient(t *testing.T, srv *simserver.Server, mod func(*core.Config)) *client {
	return newClient(t, srv, func(c *core.Config) {
		c.Transport = blind{srv}
		if mod != nil {
			mod(c)
		}
	})
}

func (c *client) record(kind, id string) core.Record {
	c.t.Helper()
	r, ok, err := c.eng.Get(context.Background(), kind, id)
	require.NoError(c.t, err)
	require.True(c.t, ok, "no local %s/%s", kind, id)
	return r
}

// TestAckWithoutRecordLearnsTheVersion: the version of an acknowledged write comes from a
// fetch, so the next edit and the delete after it meet no conflict with the device's own write.
func TestAckWithoutRecordLearnsTheVersion(t *testing.T) {
	srv := newServer()
	c := blindClient(t, srv, nil)
	c.put("note", `{"id":"n1","v":1}`)
	st := c.sync()
	assert.Equal(t, 1, st.Pushed)
	assert.Zero(t, c.pending())
	want, _ := srv.Record("note", "n1")
	assert.Equal(t, want.UpdatedAt, c.record("note", "n1").UpdatedAt, "the fetched version is written back")

	c.put("note", `{"id":"n1","v":2}`)
	st = c.sync()
	assert.Zero(t, st.Conflicts, "no conflict with the device's own write")
	got, _ := serverFields(t, srv, "note", "n1")
	assert.EqualValues(t, 2, got["v"])

	require.NoError(t, c.eng.Delete(context.Background(), "note", "n1"))
	st = c.sync()
	assert.Zero(t, st.Conflicts)
	_, deleted := serverFields(t, srv, "note", "n1")
	assert.True(t, deleted)
	assert.Nil(t, c.fields("note", "n1"), "deleted locally")
	assert.Empty(t, c.events.of(core.EventConflict))
}

// thinStart is a store whose sync start reads the outbox without payloads, as idbstore's does
// (core.StartReads.Thin).
type thinStart struct{ core.Store }

func (s thinStart) ReadStart(ctx context.Context, kinds []string, metaKey string) (core.StartReads, error) {
	r, err := s.Store.(core.StartReader).ReadStart(ctx, kinds, metaKey)
	for i := range r.Outbox {
		r.Outbox[i].Payload = nil
	}
	r.Thin = true
	return r, err
}

// TestLearnFetchFailsThenNextEditDoesNotConflict: the fetch after the acknowledgement fails;
// the write stays acknowledged (nothing is pushed again), and the next edit is rebased onto
// the version fetched before it is pushed, its payload kept when the start read the outbox thin.
func TestLearnFetchFailsThenNextEditDoesNotConflict(t *testing.T) {
	for _, thin := range []bool{false, true} {
		t.Run(map[bool]string{false: "whole", true: "thin"}[thin], func(t *testing.T) { learnFetchFailsThenNextEdit(t, thin) })
	}
}

func learnFetchFailsThenNextEdit(t *testing.T, thin bool) {
	srv := newServer()
	c := blindClient(t, srv, func(cfg *core.Config) {
		cfg.MaxRetries = new(0)
		if thin {
			cfg.Store = thinStart{cfg.Store}
		}
	})
	c.put("note", `{"id":"n1","v":1}`)
	c.sync()
	var failing atomic.Bool
	failing.Store(true)
	srv.SetHooks(simserver.Hooks{BeforeCall: func(_ context.Context, method string, _ []core.Op) error {
		if method == simserver.MethodFetch && failing.Load() {
			return simserver.NetworkError(method)
		}
		return nil
	}})
	c.put("note", `{"id":"n1","v":2}`)
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.Error(t, err, "the refetch after the push fails too")
	assert.Zero(t, c.pending(), "the acknowledged write left the outbox")
	got, _ := serverFields(t, srv, "note", "n1")
	assert.EqualValues(t, 2, got["v"])
	pushes := srv.Calls(simserver.MethodPush)

	c.put("note", `{"id":"n1","v":3}`)
	_, err = c.eng.Sync(ctx(t), core.SyncOptions{})
	require.Error(t, err, "still offline for fetches: the edit waits")
	assert.Equal(t, 1, c.pending())
	assert.Equal(t, pushes, srv.Calls(simserver.MethodPush), "not pushed before its base is known")

	failing.Store(false)
	st := c.sync()
	assert.Zero(t, st.Conflicts, "rebased onto the fetched version")
	assert.Equal(t, 1, st.Pushed)
	got, _ = serverFields(t, srv, "note", "n1")
	assert.EqualValues(t, 3, got["v"])
	want, _ := srv.Record("note", "n1")
	assert.Equal(t, want.UpdatedAt, c.record("note", "n1").UpdatedAt)
	assert.Empty(t, c.events.of(core.EventConflict))
}

// TestEditWhileBlindAckInFlight: a local edit made while the op is in flight is rebased onto
// the learned version and pushed in the same run without a conflict.
func TestEditWhileBlindAckInFlight(t *testing.T) {
	srv := newServer()
	c := blindClient(t, srv, nil)
	var once atomic.Bool
	srv.SetHooks(simserver.Hooks{BeforeCall: func(_ context.Context, method string, _ []core.Op) error {
		if method == simserver.MethodPush && once.CompareAndSwap(false, true) {
			c.put("note", `{"id":"n1","v":2}`)
		}
		return nil
	}})
	c.put("note", `{"id":"n1","v":1}`)
	st := c.sync()
	assert.Zero(t, st.Conflicts)
	assert.Equal(t, 2, st.Pushed)
	got, _ := serverFields(t, srv, "note", "n1")
	assert.EqualValues(t, 2, got["v"])
	assert.Zero(t, c.pending())
}

// TestChangeBeforeTheFetchIsNotOverwritten: another device writes between the acknowledgement
// and the fetch. The device's pending edit must meet that change as a conflict (here merged
// by autoPreserve), not overwrite it silently; the local copy ends at the server's version.
func TestChangeBeforeTheFetchIsNotOverwritten(t *testing.T) {
	srv := newServer()
	c := blindClient(t, srv, nil)
	c.put("note", `{"id":"n1","a":0,"b":0}`)
	c.sync()
	var pushed, fetched atomic.Bool
	srv.SetHooks(simserver.Hooks{BeforeCall: func(_ context.Context, method string, _ []core.Op) error {
		switch {
		case method == simserver.MethodPush && pushed.CompareAndSwap(false, true):
			c.put("note", `{"id":"n1","a":2,"b":0}`, "a")
		case method == simserver.MethodFetch && fetched.CompareAndSwap(false, true):
			_, err := srv.Put("note", core.RawJSON(`{"id":"n1","a":1,"b":9}`))
			return err
		}
		return nil
	}})
	c.put("note", `{"id":"n1","a":1,"b":0}`, "a")
	st := c.sync()
	assert.Equal(t, 1, st.Conflicts, "the pending edit meets the other device's change")
	got, _ := serverFields(t, srv, "note", "n1")
	assert.EqualValues(t, 2, got["a"], "the device's later edit")
	assert.EqualValues(t, 9, got["b"], "the other device's change survives")
	c.sync()
	want, _ := srv.Record("note", "n1")
	local := c.record("note", "n1")
	assert.Equal(t, want.UpdatedAt, local.UpdatedAt)
	assert.JSONEq(t, string(want.Data), string(local.Data))
}

func TestPlanLearn(t *testing.T) {
	up := core.Op{Kind: "note", EntityID: "n1", Type: core.OpUpsert, BaseUpdatedAt: "v1",
		Payload: core.RawJSON(`{"id":"n1","t":"x","gone":null,"updated_at":"v1"}`)}
	del := core.Op{Kind: "note", EntityID: "n1", Type: core.OpDelete, BaseUpdatedAt: "v1"}
	rec := func(data string, deleted bool) core.Record {
		return core.Record{Kind: "note", ID: "n1", Data: core.RawJSON(data), UpdatedAt: "v2", Deleted: deleted}
	}
	tests := []struct {
		name      string
		op        core.Op
		fetched   core.Record
		found     bool
		confirmed bool
		version   string // of the returned record; "-" for none
		deleted   bool
	}{
		{"upsert found as written, server fields added", up, rec(`{"id":"n1","t":"x","created_at":"c","updated_at":"v2"}`, false), true, true, "v2", false},
		{"upsert overwritten since", up, rec(`{"id":"n1","t":"y"}`, false), true, false, "v1", false},
		{"upsert deleted since", up, rec(`{"id":"n1","t":"x"}`, true), true, false, "v1", true},
		{"upsert soft-deleted: 404", up, core.Record{}, false, false, "v1", true},
		{"upsert, a written null is kept", up, rec(`{"id":"n1","t":"x","gone":null}`, false), true, true, "v2", false},
		{"upsert, a field missing", up, rec(`{"id":"n1"}`, false), true, false, "v1", false},
		{"delete gone: 404", del, core.Record{}, false, true, "-", false},
		{"delete tombstone", del, rec(`{"id":"n1"}`, true), true, true, "v2", true},
		{"delete revived since", del, rec(`{"id":"n1","t":"z"}`, false), true, false, "v1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			server, confirmed := core.PlanLearn(tc.op, tc.fetched, tc.found)
			assert.Equal(t, tc.confirmed, confirmed)
			if tc.version == "-" {
				assert.Nil(t, server)
				return
			}
			require.NotNil(t, server)
			assert.Equal(t, tc.version, server.UpdatedAt)
			assert.Equal(t, tc.deleted, server.Deleted)
			assert.Equal(t, "n1", server.ID)
			assert.True(t, json.Valid(server.Data))
		})
	}
}

// TestBlindAckEmitsOperationPushed: an op a seed-style server acknowledges without its
// record (204 / empty body) is acknowledged (learn.go), so it must get its "operationPushed"
// event as every other acknowledged op does (DESIGN.md "Per-op events", JS-API.md).
func TestBlindAckEmitsOperationPushed(t *testing.T) {
	srv := newServer()
	c := blindClient(t, srv, nil)
	c.put("note", `{"id":"n1","v":1}`)
	st := c.sync()
	require.Equal(t, 1, st.Pushed, "acknowledged")
	require.Zero(t, c.pending())
	c.events.waitFor(t, core.EventCompleted, 1)
	assert.Len(t, c.events.of(core.EventOperationPushed), 1, "no operationPushed for an op acknowledged without its record")
}
