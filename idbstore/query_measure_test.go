//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// rawIndexRead times, in the page, n rounds of one readonly transaction that reads an index
// range with getAll (or count) and hands each record's data string over as the store's reads
// do; it returns the median in ms. lo and hi are the index keys of the range (inclusive).
var rawIndexRead = `return (async () => {
	const times = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		const out = await new Promise((res, rej) => {
			const tx = db.transaction('records', 'readonly');
			const ix = tx.objectStore('records').index(name);
			const r = count ? ix.count(IDBKeyRange.bound(lo, hi)) : ix.getAll(IDBKeyRange.bound(lo, hi));
			r.onsuccess = () => res(count ? r.result : r.result.map((v) => v.data).join('\x1e'));
			r.onerror = () => rej(r.error);
		});
		times.push(performance.now() - t0);
		if (out === undefined) throw new Error('nothing read');
	}
	times.sort((a, b) => a - b);
	return times[Math.floor(times.length / 2)];
})()`

// TestMeasureQueries compares the store's indexed queries with the raw IndexedDB read of the
// same rows over 100,000 records (issue 14's targets: ≤ 1.3× for the reads and counts, an
// unindexed query ≤ 1 s). It reports; speed verdicts live in bench/.
func TestMeasureQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	const n, rounds = 100_000, 15
	ctx := testCtx(t)
	s := openFreshWith(t, Options{Indexes: map[string][]core.IndexSpec{"note": {{"mood"}, {"date"}}}})
	for from := 0; from < n; from += 1000 {
		recs := make([]core.Record, 1000)
		for i := range recs {
			k := from + i
			id := fmt.Sprintf("r%06d", k)
			data := fmt.Sprintf(`{"id":%q,"title":"Record %d","mood":%d,"date":"2026-%02d-%02dT%05d","notes":%q}`,
				id, k, k%1000, 1+k%12, 1+k%28, k, strings.Repeat("x", 60))
			recs[i] = core.Record{Kind: "note", ID: id, Data: json.RawMessage(data), UpdatedAt: fmt.Sprintf("u%06d", k)}
		}
		_, err := s.ApplyPage(ctx, "note", recs, core.Cursor{UpdatedAt: recs[999].UpdatedAt, ID: recs[999].ID})
		require.NoError(t, err)
	}
	db := s.conn.Get("db")
	median := func(f func()) float64 {
		var ds []float64
		for range rounds {
			start := time.Now()
			f()
			ds = append(ds, float64(time.Since(start).Microseconds())/1000)
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	raw := func(index string, lo, hi any, count bool) float64 {
		f := jsFunc("db, name, lo, hi, count, n", rawIndexRead)
		return jsAwait(t, f.Invoke(db, s.indexesOf("note")[indexPos(s, index)].name, lo, hi, count, rounds)).Float()
	}
	query := func(text string, want int) func() {
		q, err := core.ParseQuery([]byte(text))
		require.NoError(t, err)
		return func() {
			recs, err := s.Query(ctx, "note", q)
			require.NoError(t, err)
			require.Len(t, recs, want)
		}
	}
	countOf := func(text string, want int) func() {
		q, err := core.ParseQuery([]byte(text))
		require.NoError(t, err)
		return func() {
			got, err := s.Count(ctx, "note", q)
			require.NoError(t, err)
			require.Equal(t, want, got)
		}
	}
	report := func(name string, ours, base float64) {
		t.Logf("%-44s %8.2f ms  raw %8.2f ms  ratio %.2f", name, ours, base, ours/base)
	}

	eq := median(query(`{"where":{"mood":7}}`, 100))
	report("100 of 100k by indexed equality", eq, raw("mood", []any{3, 7}, []any{3, 7, []any{}}, false))

	// A page of 50 by an indexed range, ordered desc: the raw read is those 50 rows exactly.
	page := `{"where":{"date":{"gte":"2026-03","lt":"2026-09"}},"orderBy":[["date","desc"]],"limit":50}`
	q, _ := core.ParseQuery([]byte(page))
	rows, err := s.Query(ctx, "note", q)
	require.NoError(t, err)
	require.Len(t, rows, 50)
	first := core.FieldValue(rows[0].Data, []string{"date"}).Str
	last := core.FieldValue(rows[49].Data, []string{"date"}).Str
	desc := median(query(page, 50))
	report("page of 50 by indexed range, desc", desc, raw("date", []any{4, last}, []any{4, first}, false))

	c := median(countOf(`{"where":{"mood":7}}`, 100))
	report("count by indexed equality (100)", c, raw("mood", []any{3, 7}, []any{3, 7, []any{}}, true))
	c = median(countOf(`{"where":{"date":{"gte":"2026-03","lt":"2026-09"}}}`, 50_000))
	report("count by indexed range (50,000)", c, raw("date", []any{4, "2026-03"}, []any{4, "2026-09"}, true))

	start := time.Now()
	all, err := s.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, all, n)
	t.Logf("%-44s %8.2f ms", "list of 100k", float64(time.Since(start).Microseconds())/1000)
	start = time.Now()
	query(`{"where":{"title":{"startsWith":"Record 5"}},"orderBy":"title","limit":20}`, 20)()
	t.Logf("%-44s %8.2f ms", "unindexed query over 100k (startsWith)", float64(time.Since(start).Microseconds())/1000)
}

func indexPos(s *Store, field string) int {
	for i, x := range s.indexesOf("note") {
		if len(x.fields) == 1 && x.fields[0] == field {
			return i
		}
	}
	return -1
}
