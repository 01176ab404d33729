//go:build js && wasm

package idbstore

import (
	"fmt"
	"runtime"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// counters counts, in JavaScript, the transactions a store begins and the callbacks into Go
// its helpers make (each is one JS→Go crossing and one await).
type counters struct{ v js.Value }

func (c counters) tx() int { return c.v.Get("tx").Int() }
func (c counters) cb() int { return c.v.Get("cb").Int() }
func (c counters) reset()  { c.v.Set("tx", 0); c.v.Set("cb", 0) }

func instrument(s *Store) counters {
	c := counters{js.Global().Get("Object").New()}
	c.reset()
	wrap := jsFunc("fn, c, isBegin", `return (...args) => {
		if (isBegin) c.tx++;
		const i = args.length - 1;
		if (typeof args[i] === 'function') { const cb = args[i]; args[i] = (...a) => { c.cb++; return cb(...a); }; }
		return fn(...args);
	};`)
	h := s.js
	for _, f := range []*js.Value{&h.gather, &h.page, &h.keys, &h.indexKeys, &h.pendingPage, &h.load} {
		*f = wrap.Invoke(*f, c.v, false)
	}
	h.begin = wrap.Invoke(h.begin, c.v, true)
	return c
}

// page makes n pulled records of about 250 bytes each, ids prefix000000...
func page(kind, prefix string, from, n int) []core.Record {
	out := make([]core.Record, n)
	for i := range out {
		id := fmt.Sprintf("%s%06d", prefix, from+i)
		data := fmt.Sprintf(`{"id":%q,"title":"Record %d","mood":%d,"notes":"%s","tags":["a","b"],"updatedAt":"2026-01-01T00:00:00.%06dZ"}`,
			id, from+i, i%10, strings.Repeat("x", 120), from+i)
		out[i] = core.Record{Kind: kind, ID: id, Data: core.RawJSON(data), UpdatedAt: fmt.Sprintf("2026-01-01T00:00:00.%06dZ", from+i)}
	}
	return out
}

func TestBulkPathsAreBulk(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	c := instrument(s)

	_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "r000007", `{"id":"r000007","mine":true}`, "op-7")})
	require.NoError(t, err)

	c.reset()
	items := page("note", "r", 0, 500)
	held, err := s.ApplyPage(ctx, "note", items, core.Cursor{UpdatedAt: items[499].UpdatedAt, ID: items[499].ID})
	require.NoError(t, err)
	assert.Equal(t, []string{"r000007"}, held)
	assert.Equal(t, 1, c.tx(), "a page is one transaction")
	assert.LessOrEqual(t, c.cb(), 2, "the pending set is read once and the puts are not awaited one by one")

	for p := 1; p < 5; p++ {
		items = page("note", "r", p*500, 500)
		_, err := s.ApplyPage(ctx, "note", items, core.Cursor{UpdatedAt: items[499].UpdatedAt, ID: items[499].ID})
		require.NoError(t, err)
	}
	c.reset()
	list, err := s.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, list, 2500)
	assert.JSONEq(t, `{"id":"r000007","mine":true}`, string(list[7].Data), "the held item did not overwrite the pending edit")
	assert.Equal(t, string(items[499].Data), string(list[2499].Data))
	assert.Equal(t, 1, c.tx())
	assert.Equal(t, 3+1, c.cb(), "three getAll pages of 1000 and the transaction's end")

	c.reset()
	writes := make([]core.LocalWrite, 500)
	for i := range writes {
		id := fmt.Sprintf("w%04d", i)
		writes[i] = upsert("note", id, `{"id":"`+id+`"}`, "op-"+id)
	}
	_, err = s.WriteLocal(ctx, writes)
	require.NoError(t, err)
	assert.Equal(t, 1, c.tx())
	assert.LessOrEqual(t, c.cb(), 2, "records, ops and parked op ids (one batch), end")
}

// rawBaseline is the same workload in plain JavaScript IndexedDB, driven page by page from Go
// so that both sides run interleaved under the same machine load: writePage(p) puts page p's
// records (data as a JSON string, or as a parsed object) and the cursor in one transaction;
// readAll() reads them back with getAll in pages of 1000 in one transaction (objects are
// stringified per page, as they would have to be to reach Go). Data is made before timing.
// Times in ms.
const rawBaseline = `return (async () => {
	const name = 'raw-' + Math.random();
	const db = await new Promise((res, rej) => {
		const r = indexedDB.open(name, 1);
		r.onupgradeneeded = () => {
			r.result.createObjectStore('records', { keyPath: ['kind', 'id'] });
			r.result.createObjectStore('cursors', { keyPath: 'kind' });
		};
		r.onsuccess = () => res(r.result);
		r.onerror = () => rej(r.error);
	});
	const done = (tx) => new Promise((res, rej) => { tx.oncomplete = res; tx.onabort = () => rej(tx.error); });
	const kind = asObject ? 'o' : 's';
	const pages = [];
	for (let p = 0; p < nPages; p++) {
		const page = [];
		for (let i = 0; i < perPage; i++) {
			const n = p * perPage + i, id = 'r' + String(n).padStart(6, '0');
			const upd = '2026-01-01T00:00:00.' + String(n).padStart(6, '0') + 'Z';
			const obj = { id, title: 'Record ' + n, mood: i % 10, notes: 'x'.repeat(120), tags: ['a', 'b'], updatedAt: upd };
			page.push({ kind, id, data: asObject ? obj : JSON.stringify(obj), updatedAt: upd });
		}
		pages.push(page);
	}
	const writePage = async (p) => {
		const t0 = performance.now();
		const tx = db.transaction(['records', 'cursors'], 'readwrite');
		const recs = tx.objectStore('records');
		for (const v of pages[p]) recs.put(v);
		const last = pages[p][pages[p].length - 1];
		tx.objectStore('cursors').put({ kind, updatedAt: last.updatedAt, id: last.id });
		await done(tx);
		return performance.now() - t0;
	};
	const readAll = async () => {
		const t0 = performance.now();
		const tx = db.transaction('records', 'readonly');
		const st = tx.objectStore('records');
		let lo = IDBKeyRange.bound([kind, ''], [kind, []]), total = 0;
		for (;;) {
			const vs = await new Promise((res, rej) => { const r = st.getAll(lo, 1000); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
			total += vs.length;
			if (asObject) JSON.stringify(vs);
			if (vs.length < 1000) break;
			lo = IDBKeyRange.bound([kind, vs[vs.length - 1].id], [kind, []], true, false);
		}
		await done(tx);
		if (total !== nPages * perPage) throw new Error('read ' + total);
		return performance.now() - t0;
	};
	const close = () => { db.close(); indexedDB.deleteDatabase(name); };
	return { writePage, readAll, close };
})();`

// TestMeasureApplyAndList times 100 pages of 500 records (~250 B) through ApplyPage and the
// read back through List, next to raw JavaScript IndexedDB doing the same in the same page,
// interleaved page by page.
func TestMeasureApplyAndList(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	const nPages, perPage = 100, 500
	s := openFresh(t)
	ctx := measureCtx(t)
	size := 0
	for _, r := range page("note", "r", 0, perPage) {
		size += len(r.Data)
	}
	baseline := jsFunc("nPages, perPage, asObject", rawBaseline)
	rawStr := jsAwait(t, baseline.Invoke(nPages, perPage, false))
	rawObj := jsAwait(t, baseline.Invoke(nPages, perPage, true))
	defer rawStr.Call("close")
	defer rawObj.Call("close")
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

	var write, validate time.Duration
	var strWrite, objWrite float64
	for p := range nPages {
		// Made per page and not kept: the Go heap holds what an app's would, so the garbage
		// collector's work is the store's, not the test's.
		items := page("note", "r", p*perPage, perPage)
		strWrite += jsAwait(t, rawStr.Call("writePage", p)).Float()
		objWrite += jsAwait(t, rawObj.Call("writePage", p)).Float()
		start := time.Now()
		last := items[len(items)-1]
		_, err := s.ApplyPage(ctx, "note", items, core.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID})
		write += time.Since(start)
		require.NoError(t, err)
		// The share of core.ValidatePageItem, which every store runs on every pulled item.
		start = time.Now()
		for _, it := range items {
			require.NoError(t, core.ValidatePageItem("note", it))
		}
		validate += time.Since(start)
	}
	t.Logf("%d pages × %d records (~%d B each), %s", nPages, perPage, size/perPage,
		js.Global().Get("navigator").Get("userAgent").String())
	t.Logf("write: idbstore ApplyPage %6.0f ms | raw JS, data as string %6.0f ms | ratio %.2f", ms(write), strWrite, ms(write)/strWrite)
	t.Logf("       of which core.ValidatePageItem %.0f ms; raw JS, data as parsed objects %.0f ms", ms(validate), objWrite)
	for round := 1; round <= 2; round++ {
		strRead := jsAwait(t, rawStr.Call("readAll")).Float()
		objRead := jsAwait(t, rawObj.Call("readAll")).Float()
		runtime.GC() // the previous round's result is garbage now: not this read's cost
		start := time.Now()
		list, err := s.List(ctx, "note")
		read := time.Since(start)
		require.NoError(t, err)
		require.Len(t, list, nPages*perPage)
		t.Logf("read %d: idbstore List %6.0f ms | raw JS getAll %6.0f ms | ratio %.2f | raw JS objects getAll+stringify %.0f ms",
			round, ms(read), strRead, ms(read)/strRead, objRead)
	}
}

// TestMeasureLocalWrites times the app's own writes with each durability: single puts, and
// one PutMany-sized WriteLocal of 1000 records.
func TestMeasureLocalWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	for _, durability := range []string{"strict", "relaxed"} {
		ctx := testCtx(t)
		s, err := OpenWith(ctx, freshName(t), Options{Durability: durability})
		require.NoError(t, err)
		const singles = 100
		start := time.Now()
		for i := range singles {
			id := fmt.Sprintf("s%03d", i)
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", id, `{"id":"`+id+`","n":1}`, "op-"+id)})
			require.NoError(t, err)
		}
		single := time.Since(start) / singles
		writes := make([]core.LocalWrite, 1000)
		for i, r := range page("note", "m", 0, len(writes)) {
			writes[i] = upsert("note", r.ID, string(r.Data), "op-"+r.ID)
		}
		start = time.Now()
		_, err = s.WriteLocal(ctx, writes)
		many := time.Since(start)
		require.NoError(t, err)
		n, err := s.PendingCount(ctx)
		require.NoError(t, err)
		require.Equal(t, singles+len(writes), n)
		require.NoError(t, s.Close())
		t.Logf("WriteLocal (%s): %.1f ms per single write; %d records in one call %.0f ms", durability,
			float64(single.Microseconds())/1000, len(writes), float64(many.Microseconds())/1000)
	}
}
