//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/memstore"
)

// TestDirectPlans: which queries JS may run by itself, and that it reads what Query reads
// (TestQueriesMatchMemstore runs every random query through Direct as well).
func TestDirectPlans(t *testing.T) {
	s := openFreshWith(t, Options{Indexes: map[string][]core.IndexSpec{"note": {{"mood"}, {"mood", "date"}, {"date"}}}})
	mem := memstore.New()
	moodRecords(t, 300, s, mem)
	h := js.Global().Get("Function").New(helperSource).Invoke()
	for _, tc := range []struct {
		query         string
		direct, count bool
	}{
		{`{"where":{"mood":3}}`, true, true},
		{`{"where":{"mood":3},"orderBy":[["date","desc"]],"limit":7,"offset":2}`, true, true},
		{`{"where":{"date":{"gte":"2026-03","lt":"2026-05"}},"orderBy":[["date","desc"]]}`, true, true},
		{`{"where":{"mood":{"gt":2},"date":{"startsWith":"2026-1"}}}`, true, false},
		{`{"where":{"date":{"startsWith":"2026-1"},"mood":{"gt":2}},"orderBy":[["date","desc"]],"limit":3}`, false, false},
		{`{"where":{"other":1}}`, false, false},
		{`{"where":{"mood":{"gt":3,"lt":3}}}`, false, false},
	} {
		q, err := core.ParseQuery([]byte(tc.query))
		require.NoError(t, err)
		want, err := mem.Query(testCtx(t), "note", q)
		require.NoError(t, err)
		wantN, err := mem.Count(testCtx(t), "note", q)
		require.NoError(t, err)
		query, count := checkDirect(t, s, h, "note", q, want, wantN, tc.query)
		assert.Equal(t, tc.direct, query, "direct query: %s", tc.query)
		assert.Equal(t, tc.count, count, "direct count: %s", tc.query)
	}
	q, err := core.ParseQuery([]byte(`{"where":{"mood":3}}`))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.True(t, s.Direct("note", q, false).IsNull(), "a closed store plans nothing")
}

// directRunner runs Direct's plans as offsync.js does (helpers.js ixQuery / ixCount over
// H.ro); h is a helpers instance (with or without getAll's direction, as the store's).
func directRunner(h js.Value) js.Value {
	return jsFunc("H, plan, count", `const p = plan[1];
	return new Promise((resolve, reject) => {
		const cb = (_, ok, v) => (ok ? resolve(count ? v : JSON.stringify(v)) : reject(v));
		H.ro(plan[0], { index: p.index, helper: count ? H.ixCount : H.ixQuery, args: p }, cb);
	});`)
}

// checkDirect runs q (and its count) through Direct when it plans a direct read and requires
// the rows and count that want and wantN are (Query's and Count's). It reports which ran.
func checkDirect(t *testing.T, s *Store, h js.Value, kind string, q core.Query, want []core.Record, wantN int, msg string) (query, count bool) {
	t.Helper()
	run := directRunner(h)
	if plan := s.Direct(kind, q, false); !plan.IsNull() {
		got := jsAwait(t, run.Invoke(h, plan, false)).String()
		data := make([]core.RawJSON, len(want))
		for i, r := range want {
			data[i] = r.Data
		}
		wantText, err := json.Marshal(data)
		require.NoError(t, err)
		require.JSONEq(t, string(wantText), got, "direct: %s", msg)
		query = true
	}
	cq := q
	cq.OrderBy, cq.Offset, cq.Limit = nil, 0, -1
	if plan := s.Direct(kind, cq, true); !plan.IsNull() {
		require.Equal(t, wantN, jsAwait(t, run.Invoke(h, plan, true)).Int(), "direct count: %s", msg)
		count = true
	}
	return query, count
}
