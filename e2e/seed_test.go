package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/internal/seedserver"
)

// seedEnv is internal/seedserver (a backend that answers as the seed library's guide and
// example backend do) on 127.0.0.1:0, counting the answers it gave.
type seedEnv struct {
	URL string
	mu  sync.Mutex
	got map[string]int // "METHOD /path-head STATUS" → count
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(s int) {
	r.status = s
	r.ResponseWriter.WriteHeader(s)
}

func startSeed(t testing.TB, answer seedserver.PutAnswer) *seedEnv {
	t.Helper()
	e := &seedEnv{got: map[string]int{}}
	h := seedserver.New(seedserver.Options{PutAnswer: answer})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		h.ServeHTTP(rec, r)
		e.mu.Lock()
		e.got[fmt.Sprintf("%s %d", r.Method, rec.status)]++
		if r.URL.Path == "/batch" {
			e.got["batch"]++
		}
		e.mu.Unlock()
	}))
	t.Cleanup(hs.Close)
	e.URL = hs.URL
	return e
}

func (e *seedEnv) count(key string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.got[key]
}

var seedAnswers = []seedserver.PutAnswer{seedserver.PutRecord, seedserver.PutEmpty, seedserver.PutOther, seedserver.PutEcho}

// TestSeedBackendEditsAndDeletesWithoutSelfConflict: against a seed-style backend whose PUT
// answers the record, 204, a body that is not the record or the request's own body (with the
// old version the client put in it), and whose DELETE answers 204,
// every acknowledged write is kept, and the device's next edit and delete of the record meet
// no 409 (the server answered none), however many ops the sync pushes (no /batch: one request
// per op after one 404).
func TestSeedBackendEditsAndDeletesWithoutSelfConflict(t *testing.T) {
	for _, answer := range seedAnswers {
		t.Run(string(answer), func(t *testing.T) {
			e := startSeed(t, answer)
			ctx := testCtx(t, 60*time.Second)
			a := newClient(t, e.URL, tokA, nil, nil)
			b := newClient(t, e.URL, tokB, nil, nil)
			for i := range 30 {
				a.put(ctx, fmt.Sprintf("r%02d", i), fmt.Sprintf(`"v":%d`, i))
			}
			st := a.sync(ctx)
			assert.Equal(t, 30, st.Pushed)
			assert.Equal(t, 1, e.count("batch"), "one POST /batch, answered 404, then op by op")
			for i := range 30 {
				// As apps do: the record read back (with the server's updated_at in it), changed.
				m := a.fields(ctx, fmt.Sprintf("r%02d", i))
				require.Contains(t, m, "updated_at")
				m["edited"] = true
				b, err := json.Marshal(m)
				require.NoError(t, err)
				_, err = a.Put(ctx, kind, b, core.PutOptions{})
				require.NoError(t, err)
			}
			st = a.sync(ctx)
			assert.Zero(t, st.Conflicts)
			for i := range 10 {
				require.NoError(t, a.Delete(ctx, kind, fmt.Sprintf("r%02d", i)))
			}
			st = a.sync(ctx)
			assert.Zero(t, st.Conflicts)
			assert.Zero(t, e.count("PUT 409")+e.count("DELETE 409"), "the server never answered 409")
			assert.Equal(t, 1, e.count("batch"), "the transport remembers the server has no /batch")
			assert.Equal(t, true, serverFields(t, ctx, e.URL, "r15")["edited"])
			assert.Nil(t, serverFields(t, ctx, e.URL, "r05"), "deleted (the server answers 404)")

			b.sync(ctx)
			got := requireConverged(t, ctx, e.URL, a, b)
			assert.Len(t, got, 20)
			for _, r := range got {
				var m map[string]any
				require.NoError(t, json.Unmarshal(r.Data, &m))
				assert.Equal(t, true, m["edited"], r.ID)
				assert.Contains(t, m, "updated_at", "the seed's snake_case record is kept as the server sent it")
			}
		})
	}
}

// TestSeedBackendEveryStrategy is TestEveryStrategyEndToEnd against the seed-style backend:
// its 409 carries the record under "serverData" and times in Dart's format.
func TestSeedBackendEveryStrategy(t *testing.T) {
	for _, answer := range []seedserver.PutAnswer{seedserver.PutRecord, seedserver.PutEmpty} {
		for _, tc := range strategyCases() {
			t.Run(string(answer)+"/"+tc.name, func(t *testing.T) {
				e := startSeed(t, answer)
				playStrategyConflict(t, e.URL, tc, func(*client) func() {
					return func() { assert.Equal(t, 1, e.count("PUT 409"), "answered by the server's 409") }
				})
			})
		}
	}
}

// TestSeedBackendManualDefers: manual without a resolver keeps the conflict; its later
// resolution goes through against the seed-style backend.
func TestSeedBackendManualDefers(t *testing.T) {
	e := startSeed(t, seedserver.PutEmpty)
	ctx := testCtx(t, 60*time.Second)
	a, b, c := deferConflict(t, ctx, e.URL)
	assert.Equal(t, 1.0, serverFields(t, ctx, e.URL, "n1")["v"], "nothing pushed over the server")
	require.NoError(t, b.ResolveConflict(ctx, c.ID, core.Resolution{Action: core.AcceptClient}))
	b.sync(ctx)
	a.sync(ctx)
	assert.Equal(t, 2.0, serverFields(t, ctx, e.URL, "n1")["v"])
	requireConverged(t, ctx, e.URL, a, b)
}

// TestSeedBackendDeletesBothWays: a delete meeting an edit from either side (the seed-style
// backend checks a delete's base from X-Base-Updated-At and soft-deletes), and plain deletes
// made on either device reaching the other.
func TestSeedBackendDeletesBothWays(t *testing.T) {
	for _, tc := range deleteCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := startSeed(t, seedserver.PutRecord)
			playDeleteConflict(t, e.URL, tc, func(*client) func() { return func() {} })
		})
	}

	t.Run("plain deletes reach the other device, both ways", func(t *testing.T) {
		e := startSeed(t, seedserver.PutEmpty)
		ctx := testCtx(t, 30*time.Second)
		a := newClient(t, e.URL, tokA, nil, nil)
		b := newClient(t, e.URL, tokB, nil, nil)
		for _, id := range []string{"n1", "n2", "n3"} {
			a.put(ctx, id, `"v":0`)
		}
		a.sync(ctx)
		b.sync(ctx)
		require.NoError(t, b.Delete(ctx, kind, "n2"))
		require.NoError(t, a.Delete(ctx, kind, "n3"))
		assert.Zero(t, b.sync(ctx).Conflicts)
		assert.Zero(t, a.sync(ctx).Conflicts)
		b.sync(ctx)
		assert.Nil(t, a.fields(ctx, "n2"))
		assert.Nil(t, b.fields(ctx, "n3"))
		assert.NotNil(t, a.fields(ctx, "n1"))
		requireConverged(t, ctx, e.URL, a, b)
	})
}

// TestSeedBackendRefetch404IsDeleted: a record the seed-style server soft-deleted answers GET
// with 404; the refetch of a deferred conflict's entity takes that for "deleted".
func TestSeedBackendRefetch404IsDeleted(t *testing.T) {
	e := startSeed(t, seedserver.PutRecord)
	ctx := testCtx(t, 60*time.Second)
	a, b, c := deferConflict(t, ctx, e.URL)
	require.NoError(t, a.Delete(ctx, kind, "n1"))
	a.sync(ctx)
	gone := e.count("GET 404")

	// Accepting the stored (stale, live) server record lists n1 for refetch: GET answers 404.
	require.NoError(t, b.ResolveConflict(ctx, c.ID, core.Resolution{Action: core.AcceptServer}))
	b.sync(ctx)
	assert.Greater(t, e.count("GET 404"), gone, "the refetch met the soft-deleted record's 404")
	assert.Nil(t, b.fields(ctx, "n1"), "deleted locally")
	requireConverged(t, ctx, e.URL, a, b)
}

// TestSeedBackendIgnoringAfterID: a backend that reads updatedSince as >= and ignores afterId
// (the seed guide's simpler pagination) sends the records at the cursor's version again on
// every pull; they are skipped, and syncing goes on and converges.
func TestSeedBackendIgnoringAfterID(t *testing.T) {
	hs := httptest.NewServer(seedserver.New(seedserver.Options{IgnoreAfterID: true}))
	t.Cleanup(hs.Close)
	ctx := testCtx(t, 60*time.Second)
	a := newClient(t, hs.URL, tokA, nil, nil)
	b := newClient(t, hs.URL, tokB, func(c *core.Config) { c.PageSize = 3 }, nil)
	for round := range 4 {
		for i := range 5 {
			a.put(ctx, fmt.Sprintf("r%d", i), fmt.Sprintf(`"round":%d`, round))
		}
		if round == 2 {
			require.NoError(t, b.Delete(ctx, kind, "r1"))
			b.sync(ctx)
		}
		a.sync(ctx)
		b.sync(ctx)
		again := b.sync(ctx)
		// The cursor's record comes again on every pull: it is skipped as already applied
		// (core/pagecheck.go), neither an error nor counted as pulled.
		assert.Zero(t, again.Pulled, "a pull with nothing new applies nothing")
	}
	got := requireConverged(t, ctx, hs.URL, a, b)
	assert.Len(t, got, 5, "r1 was deleted, then written again by a")
}

// doerFunc is a rest.Doer made of a function.
type doerFunc func(ctx context.Context, req *rest.Request) (*rest.Response, error)

func (f doerFunc) Do(ctx context.Context, req *rest.Request) (*rest.Response, error) {
	return f(ctx, req)
}

// TestSeedBackendEchoWhileEditing: the backend echoes each PUT's body, old updated_at
// included, and the app edits the record while that PUT is out. The echo is no record (its
// version is the base the client sent), so the edit is rebased onto the version fetched after
// the acknowledgement, and pushed in the same sync without a 409.
func TestSeedBackendEchoWhileEditing(t *testing.T) {
	for _, answer := range []seedserver.PutAnswer{seedserver.PutEcho, seedserver.PutEmpty, seedserver.PutRecord} {
		t.Run(string(answer), func(t *testing.T) {
			e := startSeed(t, answer)
			ctx := testCtx(t, 30*time.Second)
			var (
				a      *client
				armed  atomic.Bool
				edited atomic.Bool
			)
			a = newClient(t, e.URL, tokA, nil, func(c *rest.Config) {
				inner := c.Doer
				c.Doer = doerFunc(func(ctx context.Context, req *rest.Request) (*rest.Response, error) {
					resp, err := inner.Do(ctx, req)
					if req.Method == http.MethodPut && armed.Load() && edited.CompareAndSwap(false, true) {
						m := a.fields(ctx, "r1")
						m["second"] = true
						b, merr := json.Marshal(m)
						require.NoError(t, merr)
						_, perr := a.Put(ctx, kind, b, core.PutOptions{})
						require.NoError(t, perr)
					}
					return resp, err
				})
			})
			a.put(ctx, "r1", `"v":1`)
			a.sync(ctx)
			m := a.fields(ctx, "r1")
			require.Contains(t, m, "updated_at")
			m["first"] = true
			b, err := json.Marshal(m)
			require.NoError(t, err)
			_, err = a.Put(ctx, kind, b, core.PutOptions{})
			require.NoError(t, err)
			armed.Store(true)
			st := a.sync(ctx)
			require.True(t, edited.Load(), "the app edited while the PUT was out")
			assert.Zero(t, st.Conflicts)
			assert.Zero(t, e.count("PUT 409"), "no 409 against the device's own write")
			got := serverFields(t, ctx, e.URL, "r1")
			assert.Equal(t, true, got["first"])
			assert.Equal(t, true, got["second"])
			requireConverged(t, ctx, e.URL, a)
		})
	}
}
