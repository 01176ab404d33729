package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
	"github.com/offsync/offsync/server/storage"
)

// workload is the concurrency proof's traffic: writers PUT, DELETE, revive and batch against
// several servers on one database while pullers walk cursors (never restarting from zero).
type workload struct {
	urls     []string // servers sharing one database
	writers  int
	idsEach  int
	duration time.Duration
	pullers  int
	kinds    []string // nil: proofKinds
}

var proofKinds = []string{"alpha", "beta"}

func (w workload) kindList() []string {
	if w.kinds == nil {
		return proofKinds
	}
	return w.kinds
}

// versions is an (kind/id → updatedAt) map.
type versions map[string]string

// run drives the workload and returns each puller's final map.
func (w workload) run(t *testing.T) []versions {
	ctx, cancel := context.WithTimeout(context.Background(), w.duration)
	defer cancel()
	var writeErrs atomic.Int64
	var writes atomic.Int64
	var wg sync.WaitGroup
	for i := range w.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.writer(ctx, t, i, &writes, &writeErrs)
		}()
	}
	writersDone := make(chan struct{})
	results := make([]versions, w.pullers)
	var pwg sync.WaitGroup
	for i := range w.pullers {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			results[i] = w.puller(ctx, t, i, writersDone)
		}()
	}
	wg.Wait()
	close(writersDone)
	pwg.Wait()
	require.Zero(t, writeErrs.Load(), "writers saw unexpected answers")
	t.Logf("%d write requests by %d writers on %d servers", writes.Load(), w.writers, len(w.urls))
	return results
}

// writer owns ids w<i>-<n> in every proof kind, so it never conflicts with other writers and
// always knows its records' versions. It stops starting requests when ctx ends, but lets the
// one under way finish: a request cancelled by the client may still commit on the server, after
// the pullers' final catch-up, and would look like a lost update.
func (w workload) writer(ctx context.Context, t *testing.T, i int, writes, errs *atomic.Int64) {
	stop := ctx
	ctx = context.WithoutCancel(ctx)
	rng := rand.New(rand.NewPCG(uint64(i), 42))
	base := map[string]string{} // kind/id → version
	deleted := map[string]bool{}
	for n := 0; stop.Err() == nil; n++ {
		srv := w.urls[rng.IntN(len(w.urls))]
		kind := w.kindList()[rng.IntN(len(w.kindList()))]
		id := fmt.Sprintf("w%d-%d", i, rng.IntN(w.idsEach))
		key := kind + "/" + id
		writes.Add(1)
		switch op := rng.IntN(10); {
		case op < 5: // single PUT (a revive when the record is a tombstone)
			body := map[string]any{"id": id, "n": n}
			if v, ok := base[key]; ok {
				body["_baseUpdatedAt"] = v
			}
			r := tryCall(ctx, http.MethodPut, srv+"/"+kind+"/"+id, body, nil)
			if r.status == 0 {
				return
			}
			if r.status != http.StatusOK && r.status != http.StatusCreated {
				errs.Add(1)
				t.Errorf("PUT %s: %d %s", key, r.status, r.body)
				return
			}
			base[key], deleted[key] = r.version, false
		case op < 6: // DELETE with base
			v, ok := base[key]
			if !ok || deleted[key] {
				continue
			}
			r := tryCall(ctx, http.MethodDelete, srv+"/"+kind+"/"+id+"?_baseUpdatedAt="+url.QueryEscape(v), nil, nil)
			if r.status == 0 {
				return
			}
			if r.status != http.StatusOK {
				errs.Add(1)
				t.Errorf("DELETE %s: %d %s", key, r.status, r.body)
				return
			}
			base[key], deleted[key] = r.version, true
		default: // a batch across both kinds, one op per entity
			var ops []any
			var keys []string
			seen := map[string]bool{}
			for range 2 + rng.IntN(15) {
				k := w.kindList()[rng.IntN(len(w.kindList()))]
				bid := fmt.Sprintf("w%d-%d", i, rng.IntN(w.idsEach))
				if seen[k+"/"+bid] {
					continue
				}
				seen[k+"/"+bid] = true
				op := map[string]any{"opId": fmt.Sprintf("w%d-%d-%s", i, n, k+bid), "kind": k, "id": bid, "type": "upsert",
					"payload": map[string]any{"id": bid, "n": n}}
				if v, ok := base[k+"/"+bid]; ok {
					op["baseUpdatedAt"] = v
				}
				ops = append(ops, op)
				keys = append(keys, k+"/"+bid)
			}
			var out struct {
				Results []struct {
					StatusCode int `json:"statusCode"`
					Data       struct {
						UpdatedAt string `json:"updatedAt"`
					} `json:"data"`
				} `json:"results"`
			}
			r := tryCall(ctx, http.MethodPost, srv+"/batch", map[string]any{"ops": ops}, &out)
			if r.status == 0 {
				return
			}
			if r.status != http.StatusOK || len(out.Results) != len(ops) {
				errs.Add(1)
				t.Errorf("batch: %d %s", r.status, r.body)
				return
			}
			for j, res := range out.Results {
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
					errs.Add(1)
					t.Errorf("batch op %s: %d", keys[j], res.StatusCode)
					return
				}
				base[keys[j]], deleted[keys[j]] = res.Data.UpdatedAt, false
			}
		}
	}
}

// puller walks every proof kind from its cursor until ctx ends, then, once every writer's
// last request has settled, catches up.
func (w workload) puller(ctx context.Context, t *testing.T, i int, writersDone <-chan struct{}) versions {
	got := versions{}
	cursors := map[string][2]string{}
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	step := func(kind string) int {
		c := cursors[kind]
		q := url.Values{"updatedSince": {"1970-01-01T00:00:00Z"}, "limit": {"37"}}
		if c[0] != "" {
			q = url.Values{"updatedSince": {c[0]}, "afterId": {c[1]}, "limit": {"37"}}
		}
		var page struct {
			Items []struct {
				ID        string `json:"id"`
				UpdatedAt string `json:"updatedAt"`
			} `json:"items"`
		}
		r := tryCall(context.Background(), http.MethodGet, w.urls[rng.IntN(len(w.urls))]+"/"+kind+"?"+q.Encode(), nil, &page)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		for _, it := range page.Items {
			got[kind+"/"+it.ID] = it.UpdatedAt
			cursors[kind] = [2]string{it.UpdatedAt, it.ID}
		}
		return len(page.Items)
	}
	for ctx.Err() == nil {
		if step(w.kindList()[rng.IntN(len(w.kindList()))]) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	<-writersDone
	for _, k := range w.kindList() {
		for step(k) > 0 {
		}
	}
	return got
}

type callResult struct {
	status  int
	body    []byte
	version string
}

// tryCall is call for worker goroutines: no test assertions, status 0 when ctx ended.
func tryCall(ctx context.Context, method, u string, body any, into any) callResult {
	req, err := newJSONRequest(ctx, method, u, body)
	if err != nil {
		return callResult{}
	}
	req.Header.Set("Authorization", "Bearer tok-a")
	if method != http.MethodGet {
		req.Header.Set("X-Idempotency-Key", fmt.Sprintf("%x", rand.Uint64()))
	}
	res, err := testClient.Do(req)
	if err != nil {
		return callResult{}
	}
	defer res.Body.Close()
	return decodeResult(res, into)
}

// truth reads the database's (kind/id → updatedAt) map of tenant-a with plain SQL.
func truth(t *testing.T, backend, db string) versions {
	if backend == "sqlite" {
		return sqliteTruth(t, db)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, db)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT kind, id, updated_at FROM records WHERE tenant = 'tenant-a'`)
	require.NoError(t, err)
	out := versions{}
	var k, id, v string
	_, err = pgx.ForEachRow(rows, []any{&k, &id, &v}, func() error {
		out[k+"/"+id] = v
		return nil
	})
	require.NoError(t, err)
	return out
}

// lost counts the entries where a puller's map differs from the database.
func lost(want, got versions) int {
	n := 0
	for k, v := range want {
		if got[k] != v {
			n++
		}
	}
	return n + max(0, len(got)-len(want))
}

// TestConcurrentWritersAndPullersLoseNothing is the proof that commit order equals cursor
// order: two servers on one database (PostgreSQL, and SQLite for good measure).
func TestConcurrentWritersAndPullersLoseNothing(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.db(t)
			_, url1 := newServer(t, server.Config{DB: db})
			_, url2 := newServer(t, server.Config{DB: db})
			w := workload{urls: []string{url1, url2}, writers: 10, idsEach: 15, duration: 5 * time.Second, pullers: 4}
			results := w.run(t)
			want := truth(t, b.name, db)
			require.NotEmpty(t, want)
			for i, got := range results {
				assert.Zero(t, lost(want, got), "puller %d missed updates (%d records in the database)", i, len(want))
			}
			t.Logf("%d records, every puller ends with every update", len(want))
		})
	}
}

// TestManyKindBatchesKeepCommitOrder is the same proof with batches of up to 16 of 12 kinds:
// on PostgreSQL a batch of more than 8 kinds locks its tenant instead of each kind, and single
// writes lock the tenant shared plus their kind; the two must still exclude each other.
func TestManyKindBatchesKeepCommitOrder(t *testing.T) {
	db := pgDB(t)
	_, url1 := newServer(t, server.Config{DB: db})
	_, url2 := newServer(t, server.Config{DB: db})
	kinds := make([]string, 12)
	for i := range kinds {
		kinds[i] = fmt.Sprint("k", i)
	}
	w := workload{urls: []string{url1, url2}, writers: 10, idsEach: 15, duration: 4 * time.Second, pullers: 4, kinds: kinds}
	results := w.run(t)
	want := truth(t, "postgres", db)
	require.NotEmpty(t, want)
	for i, got := range results {
		assert.Zero(t, lost(want, got), "puller %d missed updates (%d records in the database)", i, len(want))
	}
}

// TestTenantLockExcludesKindLocks checks the PostgreSQL lock schemes directly: while one
// transaction holds its locks, another either waits (it times out) or goes ahead.
func TestTenantLockExcludesKindLocks(t *testing.T) {
	st := openStorage(t, "postgres", pgDB(t))
	t.Cleanup(func() { st.Close() })
	many := []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"} // 9 kinds: the tenant's lock
	cases := []struct {
		name           string
		first, second  []string
		secondTenant   string
		secondMustWait bool
	}{
		{"many kinds, then one of them", many, []string{"k3"}, "t", true},
		{"one kind, then many including it", []string{"k3"}, many, "t", true},
		{"many kinds, then a kind they do not name", many, []string{"other"}, "t", true},
		{"a kind, then many kinds without it", []string{"other"}, many, "t", true},
		{"many kinds twice", many, many[:len(many)-1], "t", true},
		{"two kinds, then one of them", []string{"k1", "k2"}, []string{"k2"}, "t", true},
		{"two kinds, then others", []string{"k1", "k2"}, []string{"k3", "k4"}, "t", false},
		{"many kinds, then another tenant's", many, many, "u", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			held, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				done <- st.Write(ctx, func(tx storage.Tx) error {
					if err := tx.LockKinds(ctx, "t", c.first); err != nil {
						return err
					}
					close(held)
					<-release
					return nil
				})
			}()
			select {
			case <-held:
			case err := <-done:
				t.Fatalf("first transaction: %v", err)
			}
			wait := 5 * time.Second
			if c.secondMustWait {
				wait = 300 * time.Millisecond
			}
			second, stop := context.WithTimeout(ctx, wait)
			err := st.Write(second, func(tx storage.Tx) error { return tx.LockKinds(second, c.secondTenant, c.second) })
			stop()
			close(release)
			require.NoError(t, <-done)
			if c.secondMustWait {
				assert.Error(t, err, "the second transaction took its locks while the first held its own")
				require.NoError(t, st.Write(ctx, func(tx storage.Tx) error { return tx.LockKinds(ctx, c.secondTenant, c.second) }),
					"once the first has ended")
			} else {
				assert.NoError(t, err, "the second transaction waited for the first")
			}
		})
	}
}

// PostgreSQL: a batch of up to 500 distinct kinds took one advisory lock per kind, holding the
// locks of the kinds sorted before the one it waited on. Concurrent valid batches filled
// PostgreSQL's shared lock table: they (and every other tenant's writes, and anything else on
// that cluster) failed with "out of shared memory", answered 500.
func TestManyKindBatchesDoNotExhaustPostgresLocks(t *testing.T) {
	var logs syncBuffer
	const clients = 72
	_, base := newServer(t, server.Config{DB: pgDB(t) + "&pool_max_conns=" + fmt.Sprint(clients),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// 499 kinds of its own, then one kind every client writes (sorted last).
			ops := make([]any, 0, 500)
			for k := range 499 {
				kind := fmt.Sprintf("k%d_%d", c, k)
				ops = append(ops, map[string]any{"opId": kind, "kind": kind, "id": "a", "type": "upsert", "payload": map[string]any{"id": "a"}})
			}
			ops = append(ops, map[string]any{"opId": fmt.Sprint("z", c), "kind": "zz_shared", "id": fmt.Sprint("a", c), "type": "upsert", "payload": map[string]any{}})
			req, err := newJSONRequest(ctx, http.MethodPost, base+"/batch", map[string]any{"ops": ops})
			if err != nil {
				return
			}
			req.Header.Set("Authorization", "Bearer tok-a")
			res, err := testClient.Do(req)
			if err != nil {
				return // still waiting when the test's time ran out
			}
			st := decodeResult(res, nil).status
			res.Body.Close()
			mu.Lock()
			statuses[st]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	logs.mu.Lock()
	oom := bytes.Count(logs.b.Bytes(), []byte("out of shared memory"))
	logs.mu.Unlock()
	assert.Zero(t, statuses[http.StatusInternalServerError],
		"valid batches answered 500 (answers by status: %v; %d logged \"out of shared memory\")", statuses, oom)
	assert.Positive(t, statuses[http.StatusOK], "some batches were answered in time")
	t.Logf("answers by status: %v (the rest still waited on the tenant's lock)", statuses)
}

// unlocked is the PostgreSQL backend with the per-(tenant, kind) lock removed and a pause
// between a write and its commit: the naive now() server the contract warns about.
type unlocked struct{ storage.Storage }

type unlockedTx struct{ storage.Tx }

func (u unlocked) Write(ctx context.Context, fn func(storage.Tx) error) error {
	return u.Storage.Write(ctx, func(tx storage.Tx) error { return fn(unlockedTx{tx}) })
}

func (unlockedTx) LockKinds(context.Context, string, []string) error { return nil }

func (u unlockedTx) Flush(ctx context.Context, tenant string, rows []storage.Row, entries []storage.Entry, at time.Time) error {
	if err := u.Tx.Flush(ctx, tenant, rows, entries, at); err != nil {
		return err
	}
	time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
	return nil
}

// TestTheProofDetectsLostUpdates runs the same workload without the lock, to show the
// checker above is able to fail.
func TestTheProofDetectsLostUpdates(t *testing.T) {
	db := pgDB(t)
	_, url1 := newServer(t, server.Config{Storage: unlocked{openStorage(t, "postgres", db)}})
	_, url2 := newServer(t, server.Config{Storage: unlocked{openStorage(t, "postgres", db)}})
	w := workload{urls: []string{url1, url2}, writers: 10, idsEach: 15, duration: 3 * time.Second, pullers: 4}
	results := w.run(t)
	want := truth(t, "postgres", db)
	missed := 0
	for _, got := range results {
		missed += lost(want, got)
	}
	assert.Positive(t, missed, "without the lock, pullers should miss updates")
	t.Logf("without the lock the pullers missed %d updates in total", missed)
}

func sqliteTruth(t *testing.T, path string) versions {
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT kind, id, updated_at FROM records WHERE tenant = 'tenant-a'`)
	require.NoError(t, err)
	defer rows.Close()
	out := versions{}
	for rows.Next() {
		var k, id, v string
		require.NoError(t, rows.Scan(&k, &id, &v))
		out[k+"/"+id] = v
	}
	require.NoError(t, rows.Err())
	return out
}
