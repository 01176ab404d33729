//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
	"github.com/offsync/offsync/memstore"
)

// openFreshWith opens a store with o on a new database, closed at the end of the test.
func openFreshWith(t testing.TB, o Options) *Store {
	t.Helper()
	s, err := OpenWith(testCtx(t), freshName(t), o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestQueryConformance runs the query tests on fresh databases, with and without indexes.
func TestQueryConformance(t *testing.T) {
	storetest.RunQueries(t, func(t *testing.T, indexes map[string][]core.IndexSpec) core.Store {
		return openFreshWith(t, Options{Indexes: indexes})
	})
}

// spyIndexReads wraps the store's ixPage and ixCount helpers to count their calls and the
// records ixPage returned.
func spyIndexReads(s *Store) js.Value {
	spy := jsFunc("page, count", `const s = { pages: 0, rows: 0, counts: 0 };
	s.page = (...a) => {
		s.pages++;
		const cb = a.pop();
		return page(...a, (tag, ok, v) => {
			if (tag === 0 && ok) s.rows += v[1] ? (v[0] === '' ? 0 : v[0].split('\x1e').length) : JSON.parse(v[0]).length;
			cb(tag, ok, v);
		});
	};
	s.count = (...a) => { s.counts++; return count(...a); };
	return s;`).Invoke(s.js.ixPage, s.js.ixCount)
	s.js.ixPage, s.js.ixCount = spy.Get("page"), spy.Get("count")
	return spy
}

func queryIDs(t *testing.T, s core.Store, kind, text string) []string {
	t.Helper()
	q, err := core.ParseQuery([]byte(text))
	require.NoError(t, err)
	recs, err := s.(core.Querier).Query(testCtx(t), kind, q)
	require.NoError(t, err, text)
	out := []string{}
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}

func countOf(t *testing.T, s core.Store, kind, text string) int {
	t.Helper()
	q, err := core.ParseQuery([]byte(text))
	require.NoError(t, err)
	n, err := s.(core.Querier).Count(testCtx(t), kind, q)
	require.NoError(t, err, text)
	return n
}

// moodRecords writes n records {id, mood: i%5, date} locally to each store.
func moodRecords(t *testing.T, n int, stores ...core.Store) {
	t.Helper()
	var ws []core.LocalWrite
	for i := range n {
		id := fmt.Sprintf("e%04d", i)
		ws = append(ws, upsert("note", id, fmt.Sprintf(`{"id":%q,"mood":%d,"date":"2026-%02d-%02d"}`, id, i%5, 1+i%12, 1+i%28), "op-"+id))
	}
	for _, s := range stores {
		_, err := s.WriteLocal(testCtx(t), ws)
		require.NoError(t, err)
	}
}

func TestQueryUsesIndexes(t *testing.T) {
	indexes := map[string][]core.IndexSpec{"note": {{"mood"}, {"mood", "date"}, {"date"}}}
	s := openFreshWith(t, Options{Indexes: indexes})
	mem := memstore.New()
	moodRecords(t, 300, s, mem)
	spy := spyIndexReads(s)
	read := func() (pages, rows, counts int) {
		p, r, c := spy.Get("pages").Int(), spy.Get("rows").Int(), spy.Get("counts").Int()
		spy.Set("pages", 0)
		spy.Set("rows", 0)
		spy.Set("counts", 0)
		return p, r, c
	}

	for _, tc := range []struct {
		query      string
		pages      int
		rowsAtMost int
	}{
		{`{"where":{"mood":3}}`, 1, 60},
		{`{"where":{"mood":3},"orderBy":[["date","desc"]],"limit":7}`, 1, 7 + 1},
		{`{"where":{"mood":3},"orderBy":"date","limit":7,"offset":2}`, 1, 9},
		{`{"orderBy":[["date","desc"]],"limit":5}`, 1, 5 + 25},
		{`{"where":{"date":{"gte":"2026-03","lt":"2026-05"}},"orderBy":"date"}`, 1, 50},
		{`{"where":{"mood":{"gt":2},"date":{"startsWith":"2026-1"}}}`, 1, 120},
		{`{"where":{"date":{"startsWith":"2026-1"},"mood":{"gt":2}},"orderBy":[["date","desc"]],"limit":3}`, 1, 75},
	} {
		want := queryIDs(t, mem, "note", tc.query)
		require.Equal(t, want, queryIDs(t, s, "note", tc.query), tc.query)
		pages, rows, _ := read()
		assert.Equal(t, tc.pages, pages, "index reads of %s", tc.query)
		assert.LessOrEqual(t, rows, tc.rowsAtMost, "records read by %s", tc.query)
		require.Equal(t, countOf(t, mem, "note", tc.query), countOf(t, s, "note", tc.query), tc.query)
		read()
	}
	assert.Equal(t, 60, countOf(t, s, "note", `{"where":{"mood":3}}`))
	_, _, counts := read()
	assert.Equal(t, 1, counts, "an exact range is counted by the index")
	assert.Equal(t, 0, countOf(t, s, "note", `{"where":{"mood":{"gt":3,"lt":3}}}`))
	assert.Equal(t, []string{}, queryIDs(t, s, "note", `{"where":{"mood":{"gt":"a","lt":3}}}`))
	pages, _, counts := read()
	assert.Zero(t, pages+counts, "contradictions read nothing")
}

// TestIndexUpgradeWithData adds indexes to a database holding local, pulled and deleted
// records, while another handle opened with the old options stays open; then removes one.
func TestIndexUpgradeWithData(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	old := openAt(t, name)
	mem := memstore.New()
	moodRecords(t, 120, old, mem)
	for _, s := range []core.Store{old, mem} {
		_, err := s.ApplyPage(ctx, "note", []core.Record{
			{Kind: "note", ID: "p1", Data: core.RawJSON(`{"id":"p1","mood":3,"date":"2027-01-01"}`), UpdatedAt: "u1"},
			{Kind: "note", ID: "p2", Data: core.RawJSON(`{"id":"p2","mood":3}`), UpdatedAt: "u2", Deleted: true},
		}, core.Cursor{UpdatedAt: "u2", ID: "p2"})
		require.NoError(t, err)
		_, err = s.WriteLocal(ctx, []core.LocalWrite{{Kind: "note", ID: "e0003", Delete: true, OpID: "op-del"}})
		require.NoError(t, err)
	}

	indexes := map[string][]core.IndexSpec{"note": {{"mood"}, {"mood", "date"}}}
	s, err := OpenWith(ctx, name, Options{Indexes: indexes})
	require.NoError(t, err)
	defer s.Close()
	require.Len(t, s.indexesOf("note"), 2)
	spy := spyIndexReads(s)
	queries := []string{`{"where":{"mood":3}}`, `{"where":{"mood":3},"orderBy":[["date","desc"]],"limit":4}`, `{"where":{"mood":{"lte":1}}}`}
	for _, q := range queries {
		require.Equal(t, queryIDs(t, mem, "note", q), queryIDs(t, s, "note", q), q)
	}
	assert.Equal(t, len(queries), spy.Get("pages").Int(), "the new indexes answer")

	// The handle opened with the old options reconnects to the upgraded database and keeps the
	// new indexes up to date: it reads which there are from the database.
	for _, st := range []core.Store{old, mem} {
		_, err = st.WriteLocal(ctx, []core.LocalWrite{
			upsert("note", "e0008", `{"id":"e0008","mood":3,"date":"2030-01-01"}`, "op-x1"),
			upsert("note", "n1", `{"id":"n1","mood":3,"date":"2029-01-01"}`, "op-x2"),
			{Kind: "note", ID: "e0013", Delete: true, OpID: "op-x3"},
		})
		require.NoError(t, err)
	}
	for _, q := range queries {
		require.Equal(t, queryIDs(t, mem, "note", q), queryIDs(t, s, "note", q), q)
		require.Equal(t, queryIDs(t, mem, "note", q), queryIDs(t, old, "note", q), q)
	}
	assert.Len(t, old.indexesOf("note"), 2)

	// Opening with fewer indexes drops the others; the rest keep answering.
	require.NoError(t, s.Close())
	require.NoError(t, old.Close())
	s2, err := OpenWith(ctx, name, Options{Indexes: map[string][]core.IndexSpec{"note": {{"mood", "date"}}}})
	require.NoError(t, err)
	defer s2.Close()
	require.Len(t, s2.indexesOf("note"), 1)
	for _, q := range queries {
		require.Equal(t, queryIDs(t, mem, "note", q), queryIDs(t, s2, "note", q), q)
	}
	// Reopening with the same indexes is no upgrade.
	v := s2.conn.Get("db").Get("version").Int()
	require.NoError(t, s2.Close())
	s3, err := OpenWith(ctx, name, Options{Indexes: map[string][]core.IndexSpec{"note": {{"mood", "date"}}}})
	require.NoError(t, err)
	defer s3.Close()
	assert.Equal(t, v, s3.conn.Get("db").Get("version").Int())
	assert.Equal(t, schemaVersion, layoutOf(v))
}

// TestQueriesMatchMemstore is the randomized differential test: random data sets (mixed types,
// missing fields) written locally, deleted and pulled, random queries with every operator,
// compound indexes, orderBy asc and desc, limit and offset; idbstore's results and counts must
// equal memstore's.
func TestQueriesMatchMemstore(t *testing.T) {
	allIndexes := []core.IndexSpec{{"a"}, {"b"}, {"c.d"}, {"a", "b"}, {"b", "c.d"}, {"c"}, {"a", "b", "c.d"}}
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ctx := testCtx(t)
			r := rand.New(rand.NewPCG(seed, 14))
			var ix []core.IndexSpec
			for _, spec := range allIndexes {
				if r.IntN(2) == 0 {
					ix = append(ix, spec)
				}
			}
			o := Options{Indexes: map[string][]core.IndexSpec{"note": ix}}
			if seed%3 == 0 {
				// Walks without getAll's direction: a key cursor finds each batch's end.
				o.Helpers = js.Global().Get("Function").New(helperSource).Invoke()
				o.Helpers.Call("withoutDirGetAll")
			}
			idb := openFreshWith(t, o)
			direct := js.Global().Get("Function").New(helperSource).Invoke()
			if seed%3 == 0 {
				direct.Call("withoutDirGetAll")
			}
			if seed%2 == 0 {
				idb.walkBatch = 1 + r.IntN(4) // walks cross many batch boundaries
			}
			mem := memstore.New()
			ops, plans := 0, map[string]int{}
			for step := range 25 {
				recs := storetest.RandomRecords(r, "note", 4+r.IntN(30))
				if step%4 == 3 {
					// Acks write the server's records; a parked op requeued writes its record again.
					ackAndUnpark(t, r, step, idb, mem)
				} else if r.IntN(3) == 0 {
					for i := range recs {
						recs[i].UpdatedAt = fmt.Sprintf("u%03d-%02d", step, i)
					}
					cur := core.Cursor{UpdatedAt: recs[len(recs)-1].UpdatedAt, ID: recs[len(recs)-1].ID}
					for _, s := range []core.Store{idb, mem} {
						_, err := s.ApplyPage(ctx, "note", recs, cur)
						require.NoError(t, err)
					}
				} else {
					var ws []core.LocalWrite
					for _, rec := range recs {
						ops++
						w := core.LocalWrite{Kind: "note", ID: rec.ID, OpID: fmt.Sprintf("op-%d", ops), LocalTimestamp: 1}
						if rec.Deleted {
							w.Delete = true
						} else {
							w.Data = rec.Data
						}
						ws = append(ws, w)
					}
					for _, s := range []core.Store{idb, mem} {
						_, err := s.WriteLocal(ctx, ws)
						require.NoError(t, err)
					}
				}
				for range 12 {
					text := storetest.RandomQuery(r)
					q, err := core.ParseQuery([]byte(text))
					require.NoError(t, err)
					p, err := idb.plan(ctx, "query", "note", &q)
					require.NoError(t, err)
					switch {
					case p.Index < 0:
						plans["scan"]++
					case p.Exact() && p.Ordered && q.Limit >= 0:
						plans["window pushed down"]++
					case p.Exact():
						plans["exact range"]++
					default:
						plans["range and filter"]++
					}
					want, err := mem.Query(ctx, "note", q)
					require.NoError(t, err)
					got, err := idb.Query(ctx, "note", q)
					require.NoError(t, err)
					require.Equal(t, want, got, "step %d: %s", step, text)
					wantN, err := mem.Count(ctx, "note", q)
					require.NoError(t, err)
					gotN, err := idb.Count(ctx, "note", q)
					require.NoError(t, err)
					require.Equal(t, wantN, gotN, "step %d: count %s", step, text)
					dq, dc := checkDirect(t, idb, direct, "note", q, want, wantN, fmt.Sprintf("step %d: %s", step, text))
					if dq {
						plans["direct query"]++
					}
					if dc {
						plans["direct count"]++
					}
				}
			}
			t.Logf("indexes %v: queries by plan %v (getAll with direction: %v)", ix, plans,
				seed%3 != 0 && js.Global().Get("IDBIndex").Get("prototype").Get("getAllRecords").Type() == js.TypeFunction)
		})
	}
}

// TestIndexesBuiltInALayoutUpgrade opens a version-1 database (data as parsed objects) with
// indexes: the layout migrations and the index build run in one upgrade, the build after the
// data became JSON strings.
func TestIndexesBuiltInALayoutUpgrade(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	jsAwait(t, jsFunc("name", writeV1).Invoke(name))
	s, err := OpenWith(ctx, name, Options{Indexes: map[string][]core.IndexSpec{"note": {{"title"}, {"tags"}}}})
	require.NoError(t, err)
	defer s.Close()
	spy := spyIndexReads(s)
	assert.Equal(t, []string{"a"}, queryIDs(t, s, "note", `{"where":{"title":"first"}}`))
	assert.Equal(t, []string{"b", "a"}, queryIDs(t, s, "note", `{"where":{"title":{"gte":"a"}},"orderBy":[["title","desc"]],"limit":5}`))
	assert.Equal(t, 1, countOf(t, s, "note", `{"where":{"tags":{"ne":null}}}`))
	assert.Equal(t, 2, spy.Get("pages").Int())
	v := s.conn.Get("db").Get("version").Int()
	assert.Equal(t, schemaVersion, layoutOf(v))
}

// ackAndUnpark acknowledges some pending ops of both stores with server records that differ
// from the payloads (one field rewritten, or the server deleted it), parks one op and requeues
// it: the writes of Ack and Unpark must keep the indexes as queries see them.
func ackAndUnpark(t *testing.T, r *rand.Rand, step int, stores ...core.Store) {
	ctx := testCtx(t)
	ops, err := stores[1].Outbox(ctx, 6)
	require.NoError(t, err)
	if len(ops) == 0 {
		return
	}
	var acks []core.Ack
	for i, o := range ops[1:] {
		a := core.Ack{Op: o}
		switch {
		case o.Type == core.OpDelete || r.IntN(4) == 0:
		default:
			var obj map[string]any
			require.NoError(t, json.Unmarshal(o.Payload, &obj))
			obj["a"] = float64(r.IntN(3))
			obj["updatedAt"] = fmt.Sprintf("s%03d-%d", step, i)
			b, _ := json.Marshal(obj)
			a.Server = &core.Record{Kind: o.Kind, ID: o.EntityID, Data: b, UpdatedAt: obj["updatedAt"].(string), Deleted: r.IntN(5) == 0}
		}
		acks = append(acks, a)
	}
	for _, s := range stores {
		mine, err := s.Outbox(ctx, 6)
		require.NoError(t, err)
		marked, err := s.MarkInFlight(ctx, mine)
		require.NoError(t, err)
		require.Len(t, marked, len(ops))
		require.NoError(t, s.Ack(ctx, acks))
		require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: ops[0], Status: 422, Reason: "test"}}))
		require.NoError(t, s.Unpark(ctx, []string{ops[0].OpID}, true))
	}
}
