package core_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/core/simserver"
)

// blockPushes makes the server hold every push until release is closed (or ctx ends) and
// signals each arrival on started.
func blockPushes(srv *simserver.Server) (started chan []core.Op, release chan struct{}) {
	started, release = make(chan []core.Op, 16), make(chan struct{})
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, ops []core.Op) error {
		if method != simserver.MethodPush {
			return nil
		}
		started <- ops
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return core.Wrap(core.CodeCancelled, "push", ctx.Err())
		}
	}})
	return started, release
}

func waitPush(t *testing.T, started chan []core.Op) []core.Op {
	t.Helper()
	select {
	case ops := <-started:
		return ops
	case <-time.After(5 * time.Second):
		require.Fail(t, "no push arrived")
		return nil
	}
}

func TestEditWhilePushInFlightNeverSelfConflicts(t *testing.T) {
	for _, s := range []core.Strategy{core.AutoPreserve, core.ServerWins, core.Manual} {
		t.Run(string(s), func(t *testing.T) {
			srv := newServer()
			c := newClient(t, srv, func(cfg *core.Config) { cfg.Strategy = s })
			c.put("note", `{"id":"n1","v":1}`)
			c.sync()
			c.put("note", `{"id":"n1","v":2}`)
			started, release := blockPushes(srv)
			done := make(chan core.Stats, 1)
			go func() {
				st, err := c.eng.Sync(ctx(t), core.SyncOptions{})
				assert.NoError(t, err)
				done <- st
			}()
			waitPush(t, started)
			c.put("note", `{"id":"n1","v":3}`)
			assert.Equal(t, 2, c.pending(), "the edit did not coalesce into the in-flight op")
			close(release)
			st := <-done
			assert.Zero(t, st.Conflicts)
			assert.Equal(t, 2, st.Pushed)
			got, _ := serverFields(t, srv, "note", "n1")
			assert.EqualValues(t, 3, got["v"])
			assert.EqualValues(t, 3, c.fields("note", "n1")["v"])
			assert.Empty(t, c.events.of(core.EventConflict))
		})
	}
}

func TestLostResponseRetriesIdempotently(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1","v":1}`)
	var lost atomic.Bool
	srv.SetHooks(simserver.Hooks{Op: func(op core.Op) simserver.Fault {
		if lost.CompareAndSwap(false, true) {
			return simserver.LoseResponse
		}
		return simserver.Pass
	}})
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrNetwork)
	ops, err := c.eng.Outbox(ctx(t))
	require.NoError(t, err)
	require.Len(t, ops, 1, "the op stays until acknowledged")
	assert.True(t, ops[0].InFlight)
	assert.Equal(t, 1, srv.Applied(ops[0].OpID), "the server applied it once")

	st := c.sync()
	assert.Equal(t, 1, st.Pushed)
	assert.Zero(t, st.Conflicts, "the replayed answer is the first one, not a conflict")
	assert.Equal(t, 1, srv.Applied(ops[0].OpID), "still applied once")
	assert.Zero(t, c.pending())
}

func TestRetryHonoursRetryAfterAndBacksOff(t *testing.T) {
	srv := simserver.New(simserver.Options{RetryAfter: 7 * time.Second})
	c := newClient(t, srv, func(cfg *core.Config) {
		cfg.BackoffMin, cfg.BackoffMax = new(time.Second), new(10*time.Second)
	})
	c.put("note", `{"id":"n1"}`)
	c.put("note", `{"id":"n2"}`)
	var n atomic.Int32
	srv.SetHooks(simserver.Hooks{Op: func(op core.Op) simserver.Fault {
		switch n.Add(1) {
		case 1:
			return simserver.TooMany // n1: 429, Retry-After 7s
		case 3:
			return simserver.Unavailable // n1 again: 503
		}
		return simserver.Pass
	}})
	st := c.sync()
	assert.Equal(t, 2, st.Pushed)
	// Retry 0 honours Retry-After; retry 1 is jittered (0.5) in [1s, 4s].
	assert.Equal(t, []time.Duration{7 * time.Second, 2500 * time.Millisecond}, c.slept())

	srv.FailNext(simserver.MethodPull, simserver.RateLimited(30*time.Second))
	c.sync()
	assert.Equal(t, 10*time.Second, c.slept()[2], "Retry-After is capped at BackoffMax")
}

func TestRetriesEndAfterMaxRetries(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.MaxRetries = new(2) })
	c.put("note", `{"id":"n1"}`)
	srv.SetHooks(simserver.Hooks{Op: func(core.Op) simserver.Fault { return simserver.Unavailable }})
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrServer)
	assert.True(t, core.IsRetryable(err))
	assert.Equal(t, 3, srv.Calls("push"), "one try and two retries")
	assert.Len(t, c.slept(), 2)
	assert.Equal(t, 1, c.pending(), "the op stays")
	completed := c.events.waitFor(t, core.EventCompleted, 1)
	assert.Equal(t, 1, completed[0].Stats.Errors)
	assert.ErrorIs(t, completed[0].Err, core.ErrServer)
}

func TestOfflineFailsFast(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.PushBatchSize = 2 })
	for i := range 10 {
		c.put("note", `{"id":"n`+string(rune('0'+i))+`"}`)
	}
	srv.SetOffline(true)
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrNetwork)
	assert.Equal(t, 1, srv.Calls("push"), "the first network error ends the push phase")
	assert.Zero(t, srv.Calls("pull"), "and the sync")
	assert.Empty(t, c.slept(), "no retry ladder")
	assert.Equal(t, 10, c.pending())
	st, err := c.eng.Status(ctx(t))
	require.NoError(t, err)
	assert.False(t, st.Online)

	srv.SetOffline(false)
	assert.Equal(t, 10, c.sync().Pushed)
	st, err = c.eng.Status(ctx(t))
	require.NoError(t, err)
	assert.True(t, st.Online)
}

func TestRefusedOpsAreParked(t *testing.T) {
	cases := []struct {
		name       string
		opts       simserver.Options
		fault      simserver.Fault
		wantStatus int
	}{
		{name: "404 on PUT", opts: simserver.Options{NoUpsert: true}, wantStatus: 404},
		{name: "400", fault: simserver.Reject, wantStatus: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := simserver.New(tc.opts)
			_, err := srv.Put("note", core.RawJSON(`{"id":"ok"}`))
			require.NoError(t, err)
			c := newClient(t, srv, nil)
			c.sync()
			c.put("note", `{"id":"bad","v":1}`)
			c.put("note", `{"id":"ok","v":2}`)
			srv.SetHooks(simserver.Hooks{Op: func(op core.Op) simserver.Fault {
				if op.EntityID == "bad" {
					return tc.fault
				}
				return simserver.Pass
			}})
			st := c.sync()
			assert.Equal(t, 1, st.Pushed, "the other op went on")
			assert.Equal(t, 1, st.Errors)
			assert.Zero(t, c.pending())
			parked, err := c.eng.Parked(ctx(t))
			require.NoError(t, err)
			require.Len(t, parked, 1)
			assert.Equal(t, "bad", parked[0].Op.EntityID)
			assert.Equal(t, tc.wantStatus, parked[0].Status)
			ev := c.events.waitFor(t, core.EventOpParked, 1)
			assert.Equal(t, "bad", ev[0].Parked.Op.EntityID)
			assert.EqualValues(t, 1, c.fields("note", "bad")["v"], "the edit is kept locally")

			srv.SetHooks(simserver.Hooks{})
			require.NoError(t, c.eng.RetryParked(ctx(t), []string{parked[0].Op.OpID}))
			assert.Equal(t, 1, c.pending())
		})
	}
}

func TestDroppedParkedOpRevertsToTheServer(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Strategy = core.Manual })
	c.put("note", `{"id":"n1","v":1}`)
	c.sync()
	c.put("note", `{"id":"n1","v":2}`)
	_, err := srv.Put("note", core.RawJSON(`{"id":"n1","v":5}`))
	require.NoError(t, err)
	c.sync() // deferred; the pull holds v5 and passes it
	srv.SetHooks(simserver.Hooks{Op: func(core.Op) simserver.Fault { return simserver.Reject }})
	c.sync()
	parked, err := c.eng.Parked(ctx(t))
	require.NoError(t, err)
	require.Len(t, parked, 1)
	assert.EqualValues(t, 2, c.fields("note", "n1")["v"], "the refused edit is still shown")

	srv.SetHooks(simserver.Hooks{})
	require.NoError(t, c.eng.DropParked(ctx(t), []string{parked[0].Op.OpID}))
	c.sync()
	assert.EqualValues(t, 5, c.fields("note", "n1")["v"], "back to the server's record")
	parked, err = c.eng.Parked(ctx(t))
	require.NoError(t, err)
	assert.Empty(t, parked)
}

func TestDeleteOfUnknownRecordIsDone(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	c.sync()
	require.NoError(t, c.eng.Delete(ctx(t), "note", "n1"))
	srv.SetHooks(simserver.Hooks{Op: func(core.Op) simserver.Fault { return simserver.Missing }})
	st := c.sync()
	assert.Equal(t, 1, st.Pushed)
	assert.Zero(t, c.pending())
	assert.Nil(t, c.fields("note", "n1"))
}

func TestAuthErrorStopsTheSync(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	c.put("note", `{"id":"n1"}`)
	srv.FailNext(simserver.MethodPush, simserver.Unauthorized())
	_, err := c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrAuth)
	assert.Empty(t, c.slept())
	assert.Zero(t, srv.Calls("pull"))
	assert.Equal(t, 1, c.pending())
	errs := c.events.waitFor(t, core.EventError, 1)
	assert.ErrorIs(t, errs[0].Err, core.ErrAuth)
}

func TestConcurrentBatchesPushEverything(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.PushBatchSize = 3; cfg.PushConcurrency = 4 })
	for i := range 20 {
		c.put("note", `{"id":"n`+string(rune('a'+i))+`","v":1}`)
	}
	c.sync()
	for i := range 20 {
		c.put("note", `{"id":"n`+string(rune('a'+i))+`","v":2}`)
	}
	var inFlight, most atomic.Int32
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, ops []core.Op) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		return nil
	}})
	st := c.sync()
	assert.Equal(t, 20, st.Pushed)
	assert.Zero(t, st.Conflicts)
	assert.Greater(t, most.Load(), int32(1), "batches overlapped")
	assert.LessOrEqual(t, most.Load(), int32(4))
}

// Writes made while an earlier batch is on its way must not be lost to a stale copy of a
// later batch's op (coalesced into, or cancelled out, after the outbox was read).
func TestWritesDuringAPushReachTheServer(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, func(cfg *core.Config) { cfg.PushBatchSize = 1 })
	c.put("note", `{"id":"a","v":1}`)
	c.put("note", `{"id":"b","v":1}`)
	c.put("note", `{"id":"gone","v":1}`)
	var once atomic.Bool
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, ops []core.Op) error {
		if method == simserver.MethodPush && once.CompareAndSwap(false, true) {
			c.put("note", `{"id":"b","v":2}`)
			require.NoError(t, c.eng.Delete(ctx, "note", "gone"))
		}
		return nil
	}})
	c.sync()
	c.sync()
	got, _ := serverFields(t, srv, "note", "b")
	assert.EqualValues(t, 2, got["v"])
	assert.EqualValues(t, 2, c.fields("note", "b")["v"])
	if rec, ok := srv.Record("note", "gone"); ok {
		assert.True(t, rec.Deleted, "a record deleted locally is not live on the server")
	}
	assert.Nil(t, c.fields("note", "gone"))
	assert.Zero(t, c.pending())
}

// halfOffline answers PUT /note/n1 and gets no answer at all for anything else (the device
// lost its connection while the single-op requests were out).
type halfOffline struct{ calls atomic.Int32 }

func (d *halfOffline) Do(ctx context.Context, req *rest.Request) (*rest.Response, error) {
	d.calls.Add(1)
	if req.Method == "PUT" && strings.HasSuffix(req.URL, "/note/n1") {
		return &rest.Response{Status: 201, Header: map[string]string{"content-type": "application/json"},
			Body: []byte(`{"id":"n1","updatedAt":"2026-01-01T00:00:00.000000Z"}`)}, nil
	}
	return nil, errors.New("connection reset")
}

// TestPushOpWithoutAnswerFailsFast: a network error (no answer at all) is never retried:
// the push phase ends at once (DESIGN.md "Errors", "Engine details"; retryable() says so for
// whole requests). core/rest's single-op push reports an op whose request got no answer as
// PushRetry with a CodeNetwork Err while other ops of the call were answered; pushBatch
// retries such an op after a backoff like a 429/5xx, without looking at its error's code.
func TestPushOpWithoutAnswerFailsFast(t *testing.T) {
	d := &halfOffline{}
	tr, err := rest.New(rest.Config{BaseURL: "http://127.0.0.1:1/api", Doer: d, DisableBatch: true, PushConcurrency: 4})
	require.NoError(t, err)
	c := newClient(t, newServer(), func(cfg *core.Config) { cfg.Transport = tr })
	c.put("note", `{"id":"n1"}`)
	c.put("note", `{"id":"n2"}`)
	_, err = c.eng.Sync(ctx(t), core.SyncOptions{})
	require.ErrorIs(t, err, core.ErrNetwork)
	assert.Empty(t, c.slept(), "a network error was retried after a backoff (offline must fail fast)")
	assert.Equal(t, int32(2), d.calls.Load(), "the op that got no answer was sent again in the same sync")
}
