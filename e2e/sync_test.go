package e2e

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/internal/faultproxy"
	"github.com/offsync/offsync/server/storage"
)

// TestPaginationAcrossManyPages: 1,234 records written by A in one PutMany (pushed in batches)
// reach B in pages of 7, and a bulk import of 2,345 rows sharing one updatedAt reaches a fresh
// device in pages of 100 — each exactly once.
func TestPaginationAcrossManyPages(t *testing.T) {
	e := startServer(t)
	ctx := testCtx(t, 120*time.Second)
	a := newClient(t, e.URL, tokA, nil, nil)
	recs := make([][]byte, 1234)
	for i := range recs {
		recs[i] = recordJSON(fmt.Sprintf("p%04d", i), fmt.Sprintf(`"i":%d`, i))
	}
	_, err := a.PutMany(ctx, kind, toRaw(recs))
	require.NoError(t, err)
	st := a.sync(ctx)
	assert.Equal(t, 1234, st.Pushed)

	b := newClient(t, e.URL, tokB, func(c *core.Config) { c.PageSize = 7 }, nil)
	st = b.sync(ctx)
	assert.Equal(t, 1234, st.Pulled)
	requireConverged(t, ctx, e.URL, a, b)

	const same = "2030-01-01T00:00:00.000000Z"
	rows := make([]storage.Row, 2345)
	for i := range rows {
		id := fmt.Sprintf("bulk-%05d", i)
		rows[i] = storage.Row{Kind: kind, ID: id, UpdatedAt: same, Doc: []byte(fmt.Sprintf(`{"id":%q,"updatedAt":%q}`, id, same))}
	}
	e.bulkImport(t, ctx, rows)
	c := newClient(t, e.URL, tokB, func(c *core.Config) { c.PageSize = 100 }, nil)
	st = c.sync(ctx)
	assert.Equal(t, 1234+2345, st.Pulled, "every row exactly once")
	st = b.sync(ctx)
	assert.Equal(t, 2345, st.Pulled, "B continues from its cursor")
	a.sync(ctx)
	requireConverged(t, ctx, e.URL, a, b, c)
}

func toRaw(b [][]byte) []core.RawJSON {
	out := make([]core.RawJSON, len(b))
	for i := range b {
		out[i] = b[i]
	}
	return out
}

// TestIdempotentReplayWhenTheAckIsLost: the server applies A's push but the answer never
// arrives. The sync fails with a network error and keeps the op; the next sync sends the same
// key and is answered from the server's replay cache: no conflict with itself, one version.
func TestIdempotentReplayWhenTheAckIsLost(t *testing.T) {
	for _, batch := range []bool{true, false} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			e := startServer(t)
			ctx := testCtx(t, 60*time.Second)
			p, err := faultproxy.Start(faultproxy.Config{Target: e.URL})
			require.NoError(t, err)
			t.Cleanup(func() { _ = p.Close() })
			a := newClient(t, p.URL(), tokA, func(c *core.Config) { c.MaxRetries = new(0) },
				func(c *rest.Config) { c.DisableBatch = !batch })
			a.put(ctx, "n1", `"v":1`)

			p.Next(faultproxy.DropResponse)
			_, err = a.Sync(ctx, core.SyncOptions{})
			require.Error(t, err)
			assert.True(t, errors.Is(err, core.ErrNetwork), "%v", err)
			n, err := a.PendingCount(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "nothing dropped")

			st := a.sync(ctx)
			assert.Zero(t, st.Conflicts, "a replayed create is not a conflict with itself")
			items := pullAll(t, ctx, transport(t, e.URL, tokenOf(tokA), nil), kind, 10, false)
			require.Len(t, items, 1)
			assert.Equal(t, []faultproxy.Fault{faultproxy.DropResponse, faultproxy.Pass, faultproxy.Pass}, faults(p)[:3],
				"the lost push, its replay, the pull")
			requireConverged(t, ctx, e.URL, a)
		})
	}
}

// TestUnauthorizedDropsNothing: a sync with a refused token fails with an auth error and keeps
// the outbox; with a good token the next sync pushes everything.
func TestUnauthorizedDropsNothing(t *testing.T) {
	e := startServer(t)
	ctx := testCtx(t, 30*time.Second)
	a := newClient(t, e.URL, "expired", nil, nil)
	for i := range 3 {
		a.put(ctx, fmt.Sprint("n", i), `"v":1`)
	}
	_, err := a.Sync(ctx, core.SyncOptions{})
	require.True(t, errors.Is(err, core.ErrAuth), "%v", err)
	assert.False(t, core.IsRetryable(err))
	n, err := a.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	parked, err := a.Parked(ctx)
	require.NoError(t, err)
	assert.Empty(t, parked)

	a.token.Store(tokA)
	st := a.sync(ctx)
	assert.Equal(t, 3, st.Pushed)
	requireConverged(t, ctx, e.URL, a)
}

// TestPushBacklogOf10000Ops: 10,000 offline writes are pushed by one sync and pulled by a
// fresh device; the test logs both rates (records/s through Engine + memstore + REST + SQLite).
func TestPushBacklogOf10000Ops(t *testing.T) {
	const n = 10000
	e := startServer(t)
	ctx := testCtx(t, 300*time.Second)
	a := newClient(t, e.URL, tokA, nil, nil)
	recs := make([][]byte, n)
	for i := range recs {
		recs[i] = recordJSON(fmt.Sprintf("b%05d", i), fmt.Sprintf(`"i":%d,"title":"record number %d","tags":["a","b"]`, i, i))
	}
	start := time.Now()
	_, err := a.PutMany(ctx, kind, toRaw(recs))
	require.NoError(t, err)
	local := time.Since(start)
	pending, err := a.PendingCount(ctx)
	require.NoError(t, err)
	require.Equal(t, n, pending)

	start = time.Now()
	st := a.sync(ctx)
	push := time.Since(start)
	assert.Equal(t, n, st.Pushed)

	b := newClient(t, e.URL, tokB, func(c *core.Config) { c.PageSize = 1000 }, nil)
	start = time.Now()
	st = b.sync(ctx)
	pull := time.Since(start)
	assert.Equal(t, n, st.Pulled)
	t.Logf("10,000 records: local PutMany %v; push %v (%.0f records/s); pull %v (%.0f records/s)",
		local, push, n/push.Seconds(), pull, n/pull.Seconds())
	requireConverged(t, ctx, e.URL, a, b)
}

func faults(p *faultproxy.Proxy) []faultproxy.Fault {
	var fs []faultproxy.Fault
	for _, e := range p.Log() {
		fs = append(fs, e.Fault)
	}
	return fs
}
