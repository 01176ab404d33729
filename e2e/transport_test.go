package e2e

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/internal/faultproxy"
	"github.com/offsync/offsync/server/storage"
)

// TestPullPaginatesBulkImportExactlyOnce: 2,345 rows sharing one updatedAt (a bulk import
// straight into the database) between rows with other versions are visited exactly once, in
// pages of 100, whether the walk follows the (updatedAt, id) cursor or the page tokens.
func TestPullPaginatesBulkImportExactlyOnce(t *testing.T) {
	e := startServer(t)
	c := testCtx(t, 60*time.Second)
	const same = "2026-01-01T00:00:00.000000Z"
	var want []string
	var rows []storage.Row
	put := func(id, v string) {
		want = append(want, id)
		doc := fmt.Sprintf(`{"id":%q,"updatedAt":%q,"n":1}`, id, v)
		rows = append(rows, storage.Row{Kind: kind, ID: id, UpdatedAt: v, Doc: []byte(doc)})
	}
	put("before", "2025-12-31T00:00:00.000000Z")
	for i := range 2345 {
		put(fmt.Sprintf("bulk-%05d", i), same)
	}
	put("after", "2026-01-02T00:00:00.000000Z")
	e.bulkImport(t, c, rows)
	tr := transport(t, e.URL, tokenOf(tokA), nil)
	for _, tokens := range []bool{false, true} {
		got := pullAll(t, c, tr, kind, 100, tokens)
		ids := make([]string, len(got))
		for i, r := range got {
			ids[i] = r.ID
			assert.Equal(t, kind, r.Kind)
		}
		require.Len(t, ids, len(want), "tokens=%v", tokens)
		assert.Equal(t, "before", ids[0])
		assert.Equal(t, "after", ids[len(ids)-1])
		sorted := append([]string(nil), want...)
		sort.Strings(sorted)
		sortedGot := append([]string(nil), ids...)
		sort.Strings(sortedGot)
		assert.Equal(t, sorted, sortedGot, "each exactly once")
	}
	other := pullAll(t, c, transport(t, e.URL, tokenOf(tokOther), nil), kind, 1000, false)
	assert.Empty(t, other, "another tenant sees nothing")
}

// TestLostAckIsReplayedNotReapplied: the server applies a push but the answer is lost on the
// way back; the client sees a network error, sends the same request again (same key) and gets
// the first answer — not a 409 for its own create, not a second version.
func TestLostAckIsReplayedNotReapplied(t *testing.T) {
	for _, batch := range []bool{true, false} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			e := startServer(t)
			c := testCtx(t, 30*time.Second)
			p, err := faultproxy.Start(faultproxy.Config{Target: e.URL, Script: []faultproxy.Fault{faultproxy.DropResponse}})
			require.NoError(t, err)
			t.Cleanup(func() { _ = p.Close() })
			tr := transport(t, p.URL(), tokenOf(tokA), func(cfg *rest.Config) { cfg.DisableBatch = !batch })

			op := core.Op{OpID: "op-1", Kind: kind, EntityID: "n1", Type: core.OpUpsert, Payload: recordJSON("n1", `"t":"hello"`)}
			_, err = tr.Push(c, []core.Op{op})
			require.True(t, errors.Is(err, core.ErrNetwork), "the lost answer is a network error: %v", err)

			res, err := tr.Push(c, []core.Op{op})
			require.NoError(t, err)
			require.Equal(t, core.PushOK, res[0].Status, res[0].Message)
			assert.Equal(t, 201, res[0].HTTPStatus, "the first answer, replayed")

			items := pullAll(t, c, tr, kind, 10, false)
			require.Len(t, items, 1)
			assert.Equal(t, res[0].Record.UpdatedAt, items[0].UpdatedAt, "applied once")
			assert.Equal(t, 2, len(p.Log())-1, "two pushes and a pull reached the proxy")
		})
	}
}

// TestTransportAgainstServer walks the client table of CONTRACT.md against the real server:
// create, stale update → 409 with current, forced update, delete, delete of unknown id,
// rejected body, fetch of a tombstone, wrong token.
func TestTransportAgainstServer(t *testing.T) {
	e := startServer(t)
	c := testCtx(t, 30*time.Second)
	for _, batch := range []bool{true, false} {
		tr := transport(t, e.URL, tokenOf(tokA), func(cfg *rest.Config) { cfg.DisableBatch = !batch })
		id := fmt.Sprint("r-batch-", batch)
		up := func(key, base string, force bool, fields string) core.PushResult {
			res, err := tr.Push(c, []core.Op{{OpID: key, Kind: kind, EntityID: id, Type: core.OpUpsert,
				Payload: recordJSON(id, fields), BaseUpdatedAt: base, Force: force}})
			require.NoError(t, err)
			return res[0]
		}
		created := up(id+"-1", "", false, `"v":1`)
		require.Equal(t, core.PushOK, created.Status, created.Message)
		assert.False(t, created.ServerTime.IsZero(), "Date header read")

		updated := up(id+"-2", created.Record.UpdatedAt, false, `"v":2`)
		require.Equal(t, core.PushOK, updated.Status)

		stale := up(id+"-3", created.Record.UpdatedAt, false, `"v":3`)
		require.Equal(t, core.PushConflict, stale.Status)
		require.NotNil(t, stale.Record)
		assert.Equal(t, updated.Record.UpdatedAt, stale.Record.UpdatedAt)
		assert.JSONEq(t, string(updated.Record.Data), string(stale.Record.Data))

		forced := up(id+"-4", created.Record.UpdatedAt, true, `"v":4`)
		require.Equal(t, core.PushOK, forced.Status)

		bad := up(id+"-5", forced.Record.UpdatedAt, false, `"v":`)
		assert.Equal(t, core.PushRejected, bad.Status, "malformed payload is refused, not a whole-call error")

		res, err := tr.Push(c, []core.Op{
			{OpID: id + "-6", Kind: kind, EntityID: id, Type: core.OpDelete, BaseUpdatedAt: forced.Record.UpdatedAt},
			{OpID: id + "-7", Kind: kind, EntityID: "never-" + id, Type: core.OpDelete},
		})
		require.NoError(t, err)
		require.Equal(t, core.PushOK, res[0].Status, res[0].Message)
		assert.True(t, res[0].Record.Deleted)
		assert.Equal(t, core.PushNotFound, res[1].Status)

		rec, ok, err := tr.Fetch(c, kind, id)
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, rec.Deleted)
		_, ok, err = tr.Fetch(c, kind, "never-"+id)
		require.NoError(t, err)
		assert.False(t, ok)
	}

	bad := transport(t, e.URL, tokenOf("wrong"), nil)
	_, err := bad.Pull(c, kind, core.PullRequest{})
	assert.True(t, errors.Is(err, core.ErrAuth), "%v", err)
	_, err = bad.Push(c, []core.Op{{OpID: "x", Kind: kind, EntityID: "x", Type: core.OpUpsert, Payload: recordJSON("x", "")}})
	assert.True(t, errors.Is(err, core.ErrAuth), "%v", err)
	require.NoError(t, bad.Health(c), "health needs no token")
}
