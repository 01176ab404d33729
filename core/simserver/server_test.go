package simserver_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

func put(id, payload, base string) core.Op {
	return core.Op{OpID: "op-" + id + base + payload, Kind: "note", EntityID: id, Type: core.OpUpsert,
		Payload: core.RawJSON(payload), BaseUpdatedAt: base}
}

func del(id, base string) core.Op {
	return core.Op{OpID: "del-" + id + base, Kind: "note", EntityID: id, Type: core.OpDelete, BaseUpdatedAt: base}
}

func push1(t *testing.T, s *simserver.Server, op core.Op) core.PushResult {
	t.Helper()
	rs, err := s.Push(context.Background(), []core.Op{op})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, op.OpID, rs[0].OpID)
	return rs[0]
}

func TestPushSemantics(t *testing.T) {
	s := simserver.New(simserver.Options{})
	created := push1(t, s, put("a", `{"id":"a","v":1}`, ""))
	require.Equal(t, core.PushOK, created.Status)
	assert.Equal(t, 201, created.HTTPStatus)
	v1 := created.Record.UpdatedAt

	again := push1(t, s, put("a", `{"id":"a","v":1,"x":1}`, ""))
	assert.Equal(t, core.PushConflict, again.Status, "no base for an existing record: both created it")
	assert.Equal(t, v1, again.Record.UpdatedAt, "409 carries the current record")

	updated := push1(t, s, put("a", `{"id":"a","v":2}`, v1))
	require.Equal(t, core.PushOK, updated.Status)
	assert.Equal(t, 200, updated.HTTPStatus)
	v2 := updated.Record.UpdatedAt
	assert.Greater(t, v2, v1)

	stale := push1(t, s, put("a", `{"id":"a","v":3}`, v1))
	assert.Equal(t, core.PushConflict, stale.Status)
	forced := put("a", `{"id":"a","v":3}`, v1)
	forced.OpID, forced.Force = "forced", true
	assert.Equal(t, core.PushOK, push1(t, s, forced).Status)
	rec, _ := s.Record("note", "a")
	v3 := rec.UpdatedAt

	assert.Equal(t, core.PushConflict, push1(t, s, del("a", v2)).Status, "stale delete")
	tomb := push1(t, s, del("a", v3))
	require.Equal(t, core.PushOK, tomb.Status)
	assert.True(t, tomb.Record.Deleted)
	assert.Contains(t, string(tomb.Record.Data), `"deletedAt"`)

	staleRevive := push1(t, s, put("a", `{"id":"a","v":4}`, v3))
	assert.Equal(t, core.PushConflict, staleRevive.Status, "a stale base on a tombstone is a conflict")
	assert.True(t, staleRevive.Record.Deleted)
	revived := push1(t, s, put("a", `{"id":"a","v":4}`, tomb.Record.UpdatedAt))
	require.Equal(t, core.PushOK, revived.Status, "the tombstone's version as base revives")
	assert.False(t, revived.Record.Deleted)
	assert.NotContains(t, string(revived.Record.Data), "deletedAt")

	assert.Equal(t, core.PushNotFound, push1(t, s, del("nobody", "")).Status)
	assert.Equal(t, core.PushRejected, push1(t, s, put("b", `{"id":"c"}`, "")).Status, "id differs from the path")
	assert.Equal(t, core.PushRejected, push1(t, s, put("b", `[1]`, "")).Status)
}

func TestIdempotencyReplaysTheFirstAnswer(t *testing.T) {
	s := simserver.New(simserver.Options{})
	op := put("a", `{"id":"a","v":1}`, "")
	first := push1(t, s, op)
	replay := push1(t, s, op)
	assert.Equal(t, first, replay)
	assert.Equal(t, 1, s.Applied(op.OpID))

	other := put("a", `{"id":"a","v":9}`, "")
	conflict := push1(t, s, other)
	require.Equal(t, core.PushConflict, conflict.Status)
	assert.Equal(t, core.PushConflict, push1(t, s, other).Status, "the 409 replays for the same key")
	other.Attempt, other.BaseUpdatedAt = 1, conflict.Record.UpdatedAt
	assert.Equal(t, core.PushOK, push1(t, s, other).Status, "the next attempt has its own key")
	assert.Equal(t, map[string]int{op.OpID: 1, other.OpID + ":r1": 1}, s.AppliedKeys())
}

func TestNoUpsertAnswers404(t *testing.T) {
	s := simserver.New(simserver.Options{NoUpsert: true})
	assert.Equal(t, core.PushNotFound, push1(t, s, put("a", `{"id":"a"}`, "")).Status)
}

func TestVersionsStrictlyIncreaseWhenTheClockStepsBack(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := simserver.New(simserver.Options{Now: func() time.Time { return now }})
	var last string
	for i := range 5 {
		if i == 3 {
			now = now.Add(-time.Hour)
		}
		r, err := s.Put("note", core.RawJSON(fmt.Sprintf(`{"id":"r%d"}`, i)))
		require.NoError(t, err)
		assert.Greater(t, r.UpdatedAt, last)
		last = r.UpdatedAt
	}
}

func TestPullVisitsEachRecordOnceAcrossSharedVersions(t *testing.T) {
	s := simserver.New(simserver.Options{})
	var bulk []core.RawJSON
	for i := range 10 {
		bulk = append(bulk, core.RawJSON(fmt.Sprintf(`{"id":"b%02d"}`, 9-i)))
	}
	imported, err := s.Import("note", bulk)
	require.NoError(t, err)
	assert.Equal(t, imported[0].UpdatedAt, imported[9].UpdatedAt, "one version for the import")
	for _, id := range []string{"z", "a"} {
		_, err := s.Put("note", core.RawJSON(`{"id":"`+id+`"}`))
		require.NoError(t, err)
	}
	ctx := context.Background()

	walk := func(useToken bool) []string {
		var ids []string
		req := core.PullRequest{Limit: 4}
		for range 10 {
			page, err := s.Pull(ctx, "note", req)
			require.NoError(t, err)
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			if page.NextPageToken == "" {
				return ids
			}
			last := page.Items[len(page.Items)-1]
			if useToken {
				req.PageToken = page.NextPageToken
			} else {
				req.After = core.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
			}
		}
		require.Fail(t, "the walk did not end")
		return nil
	}
	want := []string{"b00", "b01", "b02", "b03", "b04", "b05", "b06", "b07", "b08", "b09", "z", "a"}
	assert.Equal(t, want, walk(true))
	assert.Equal(t, want, walk(false))

	page, err := s.Pull(ctx, "note", core.PullRequest{After: core.Cursor{UpdatedAt: imported[0].UpdatedAt}, Limit: 100})
	require.NoError(t, err)
	assert.Len(t, page.Items, 12, "without an id the version itself is included")
	_, err = s.Pull(ctx, "note", core.PullRequest{Limit: 0})
	assert.ErrorIs(t, err, core.ErrProtocol)
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	s := simserver.New(simserver.Options{RetryAfter: 3 * time.Second})
	faults := map[string]simserver.Fault{}
	s.SetHooks(simserver.Hooks{Op: func(op core.Op) simserver.Fault { return faults[op.EntityID] }})
	ops := []core.Op{put("a", `{"id":"a"}`, ""), put("b", `{"id":"b"}`, ""), put("c", `{"id":"c"}`, "")}

	faults["b"] = simserver.LoseRequest
	_, err := s.Push(ctx, ops)
	require.ErrorIs(t, err, core.ErrNetwork)
	assert.Equal(t, 1, s.Applied(ops[0].OpID), "ops before the lost request were applied")
	assert.Zero(t, s.Applied(ops[1].OpID))

	faults["b"] = simserver.LoseResponse
	_, err = s.Push(ctx, ops)
	require.ErrorIs(t, err, core.ErrNetwork)
	assert.Equal(t, 1, s.Applied(ops[1].OpID), "applied, answer lost")
	assert.Zero(t, s.Applied(ops[2].OpID))

	faults["a"], faults["b"], faults["c"] = simserver.TooMany, simserver.Unavailable, simserver.Reject
	rs, err := s.Push(ctx, ops)
	require.NoError(t, err)
	assert.Equal(t, core.PushRetry, rs[0].Status)
	ra, ok := core.RetryAfter(rs[0].Err)
	assert.True(t, ok)
	assert.Equal(t, 3*time.Second, ra)
	assert.Equal(t, 503, rs[1].HTTPStatus)
	assert.Equal(t, core.PushRejected, rs[2].Status)
	assert.Zero(t, s.Applied(ops[2].OpID), "faults are not remembered under the key")

	s.SetHooks(simserver.Hooks{})
	s.FailNext(simserver.MethodPull, simserver.Unauthorized(), simserver.ServerError(502))
	_, err = s.Pull(ctx, "note", core.PullRequest{Limit: 1})
	assert.ErrorIs(t, err, core.ErrAuth)
	_, err = s.Pull(ctx, "note", core.PullRequest{Limit: 1})
	assert.ErrorIs(t, err, core.ErrServer)
	_, err = s.Pull(ctx, "note", core.PullRequest{Limit: 1})
	assert.NoError(t, err)

	s.SetOffline(true)
	assert.ErrorIs(t, s.Health(ctx), core.ErrNetwork)
	_, _, err = s.Fetch(ctx, "note", "a")
	assert.ErrorIs(t, err, core.ErrNetwork)
	s.SetOffline(false)
	rec, ok, err := s.Fetch(ctx, "note", "a")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "a", rec.ID)
	assert.Equal(t, 3, s.Calls(simserver.MethodPull))

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Push(cctx, ops)
	assert.ErrorIs(t, err, core.ErrCancelled)
}
