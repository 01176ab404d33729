package core_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/core/storekit"
)

// A pull that holds an entity (it has a pending op) and moves the cursor past the server's
// version must list the entity for refetch (DESIGN.md "Engine details", Refetch), also when
// the sync is cancelled while the next page is in flight (a pipelined page is committed before
// it is finished, core/pull.go finishPage). Before, the cancel dropped the listing: a create
// cancelled by a delete then never got the server's record back.
func TestCancelledPullStillListsHeldEntities(t *testing.T) {
	srv := newServer()
	for _, id := range []string{"x", "y", "z"} {
		_, err := srv.Put("note", core.RawJSON(`{"id":"`+id+`","v":"server"}`))
		require.NoError(t, err)
	}
	c := newClient(t, srv, func(cfg *core.Config) { cfg.PageSize = 2 })
	c.put("note", `{"id":"x","v":"mine"}`) // a pending create of an id the server has

	var pulls atomic.Int32
	srv.SetHooks(simserver.Hooks{BeforeCall: func(ctx context.Context, method string, _ []core.Op) error {
		if method == simserver.MethodPull && pulls.Add(1) == 2 {
			<-ctx.Done() // the second page is in flight until the sync is cancelled
			return ctx.Err()
		}
		return nil
	}})
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.eng.Sync(runCtx, core.SyncOptions{PushKinds: []string{}, PullKinds: []string{"note"}})
		done <- err
	}()
	for i := 0; ; i++ { // until the first page (holding x) is committed
		cur, err := c.store.Cursor(context.Background(), "note")
		require.NoError(t, err)
		if cur.ID != "" {
			break
		}
		require.Less(t, i, 5000, "the first page was never applied")
		time.Sleep(time.Millisecond)
	}
	cancel()
	require.ErrorIs(t, <-done, core.ErrCancelled)
	srv.SetHooks(simserver.Hooks{})

	cur, err := c.store.Cursor(context.Background(), "note")
	require.NoError(t, err)
	require.Equal(t, "y", cur.ID, "the first page, x included, is committed")
	list, _, err := c.store.Meta(context.Background(), "refetch")
	require.NoError(t, err)

	// The create is cancelled by a delete before it was ever sent: only the refetch can bring
	// the server's x back.
	require.NoError(t, c.eng.Delete(context.Background(), "note", "x"))
	require.Equal(t, 0, c.pending())
	c.sync()
	_, live, err := c.eng.Get(context.Background(), "note", "x")
	require.NoError(t, err)
	require.True(t, live, "the server's live x never comes back (refetch list after the cancelled pull: %q)", list)
}

// pageBackend is a storekit.Backend for pull-only syncs (the flows it leaves out panic: the
// embedded nil Backend), without storekit.PageStarter, as a new backend starts. Its ApplyPage
// fails, applying nothing, for the page whose first item is failAt.
type pageBackend struct {
	storekit.Backend
	mu      sync.Mutex
	failAt  string
	records map[string]core.Record
	cursors map[string]core.Cursor
	meta    map[string]string
}

func (b *pageBackend) Get(_ context.Context, kind, id string) (core.Record, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.records[kind+"/"+id]
	return r, ok, nil
}

func (b *pageBackend) Claim(context.Context, storekit.Claim) ([]core.Op, int, error) {
	return nil, 0, nil
}

func (b *pageBackend) Parked(context.Context) ([]core.ParkedOp, error) { return nil, nil }

func (b *pageBackend) Conflicts(context.Context) ([]core.Conflict, error) { return nil, nil }

func (b *pageBackend) Cursors(_ context.Context, kinds []string) ([]core.Cursor, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]core.Cursor, len(kinds))
	for i, k := range kinds {
		out[i] = b.cursors[k]
	}
	return out, nil
}

func (b *pageBackend) ApplyPage(_ context.Context, kind string, items []core.Record, next core.Cursor, plan storekit.PagePlan) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(items) > 0 && items[0].ID == b.failAt {
		return core.Errorf(core.CodeStorage, "apply page", "disk full")
	}
	stored := func(id string) *core.Record {
		if r, ok := b.records[kind+"/"+id]; ok {
			return &r
		}
		return nil
	}
	for _, r := range plan(func(string) bool { return false }, stored) {
		b.records[kind+"/"+r.ID] = core.CloneRecord(r)
	}
	b.cursors[kind] = next
	return nil
}

func (b *pageBackend) Meta(_ context.Context, key string) (string, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.meta[key]
	return v, ok, nil
}

func (b *pageBackend) SetMeta(_ context.Context, key, value string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.meta[key] = value
	return nil
}

func (b *pageBackend) Close() error { return nil }

// core.PageStarter: "one started before the previous page's wait returned applies only if that
// page did". storekit.Store's StartPage over a Backend without storekit.PageStarter applies the
// page at once; it kept the failure for wait, and the engine, which starts page N+1 before it
// waits for page N, applied the next page past the failed one's items, which no later sync
// pulled again. The failure is now StartPage's own.
func TestPageAfterAFailedPageIsNotAppliedOverAPlainBackend(t *testing.T) {
	srv := newServer()
	for i := range 6 {
		_, err := srv.Put("note", core.RawJSON(fmt.Sprintf(`{"id":"n%d"}`, i)))
		require.NoError(t, err)
	}
	b := &pageBackend{failAt: "n2", records: map[string]core.Record{}, cursors: map[string]core.Cursor{}, meta: map[string]string{}}
	st := new(storekit.Store)
	st.Init(b)
	c := newClient(t, srv, func(cfg *core.Config) { cfg.Store, cfg.PageSize = st, 2 })
	_, err := c.eng.Sync(context.Background(), core.SyncOptions{Kinds: []string{"note"}})
	require.ErrorIs(t, err, core.ErrStorage)
	cur, err := st.Cursor(context.Background(), "note")
	require.NoError(t, err)
	assert.Equal(t, "n1", cur.ID, "the cursor stays at the last page before the failed one")

	b.mu.Lock()
	b.failAt = ""
	b.mu.Unlock()
	c.sync()
	for i := range 6 {
		_, ok, err := st.Get(context.Background(), "note", fmt.Sprintf("n%d", i))
		require.NoError(t, err)
		require.True(t, ok, "n%d is never pulled", i)
	}
}
