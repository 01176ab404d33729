package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/core/rest/nethttp"
	"github.com/offsync/offsync/server"
	"github.com/offsync/offsync/server/storage"
	"github.com/offsync/offsync/server/storage/sqlite"
)

// Tokens of the test server: two for one tenant (two devices of one user), one for another.
const (
	tokA     = "token-a"
	tokB     = "token-b"
	tokOther = "token-other"
	kind     = "note"
)

// env is the real server on SQLite in t.TempDir(), listening on 127.0.0.1:0.
type env struct {
	URL   string
	Store storage.Storage
}

func startServer(t testing.TB) *env {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := sqlite.Open(c, filepath.Join(t.TempDir(), "offsync.db"))
	require.NoError(t, err)
	srv, err := server.New(server.Config{
		Storage: st,
		Tokens:  map[string]string{tokA: "tenant-1", tokB: "tenant-1", tokOther: "tenant-2"},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	return &env{URL: hs.URL, Store: st}
}

// bulkImport writes rows of tenant-1 straight into the server's database in one transaction,
// as a backend's bulk import would (the API would give each its own version).
func (e *env) bulkImport(t testing.TB, ctx context.Context, rows []storage.Row) {
	t.Helper()
	require.NoError(t, e.Store.Write(ctx, func(tx storage.Tx) error {
		return tx.Flush(ctx, "tenant-1", rows, nil, time.Now())
	}))
}

// transport returns a REST transport to base whose token can be changed while it runs.
func transport(t testing.TB, base string, token *atomic.Value, mod func(*rest.Config)) *rest.Transport {
	t.Helper()
	cfg := rest.Config{
		BaseURL:   base,
		Doer:      nethttp.New(&http.Client{}),
		UserAgent: "offsync-e2e",
		Token:     func(context.Context) (string, error) { return token.Load().(string), nil },
	}
	if mod != nil {
		mod(&cfg)
	}
	tr, err := rest.New(cfg)
	require.NoError(t, err)
	return tr
}

func tokenOf(s string) *atomic.Value {
	v := &atomic.Value{}
	v.Store(s)
	return v
}

func testCtx(t testing.TB, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return c
}

// pullAll walks kind from the beginning, following the cursor of the last item (as the engine
// persists it) or, with tokens, the server's page tokens; it returns every item in order.
func pullAll(t testing.TB, c context.Context, tr core.Transport, k string, limit int, tokens bool) []core.Record {
	t.Helper()
	var all []core.Record
	req := core.PullRequest{Limit: limit}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100000, "pull does not end")
		page, err := tr.Pull(c, k, req)
		require.NoError(t, err)
		all = append(all, page.Items...)
		if page.NextPageToken == "" {
			return all
		}
		if tokens {
			req.PageToken = page.NextPageToken
		} else {
			require.NotEmpty(t, page.Items)
			last := page.Items[len(page.Items)-1]
			req.After = core.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
		}
	}
}

// live indexes the records that are not deleted by id.
func live(recs []core.Record) map[string]core.Record {
	m := map[string]core.Record{}
	for _, r := range recs {
		if r.Deleted {
			delete(m, r.ID)
		} else {
			m[r.ID] = r
		}
	}
	return m
}

func recordJSON(id string, fields string) []byte {
	if fields == "" {
		return []byte(fmt.Sprintf(`{"id":%q}`, id))
	}
	return []byte(fmt.Sprintf(`{"id":%q,%s}`, id, fields))
}
