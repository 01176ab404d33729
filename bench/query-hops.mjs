// Where one indexed query's time goes, per hop, for two builds in ONE page (as ab.mjs): the
// bench's three indexed rows (equality selecting 100 rows, a page of 50 by a range ordered desc,
// a count of a range) on the same data in two databases, interleaved. Each call is split at
// its IndexedDB request (getAll / count on an index, marked by wrapping IDBIndex's methods
// and IDBDatabase's transaction); both builds read the same database:
// "before" is from the call to the request's issue (JS checks, JS→Go, planning, the helper),
// "idb" the request itself, "after" from its success to the caller's resumption (crossings,
// decoding, encoding, JSON.parse); "before" is split at the transaction's creation. "raw" is
// the same request made directly on the same database (the floor). Trimmed means in ms.
//
//   mkdir -p bench/dist/old && cp js/{offsync,query,live,merges,wasm_exec,idb-helpers}.js js/sync.wasm bench/dist/old/  # before a change
//   AB_A_MODULE=/bench/dist/old/offsync.js node bench/query-hops.mjs [records]
// Run it both ways round too (AB_A_MODULE=… AB_B_MODULE=… with the builds swapped): on a loaded
// machine an A/A run (two copies of one build) measured the b side up to 17% slower.
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const records = Number(process.argv[2] ?? 20000);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, records, mods]) => {
    const marks = [];
    let lastTx = 0;
    const origTx = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (...a) { lastTx = performance.now(); return origTx.apply(this, a); };
    for (const m of ['getAll', 'count']) {
      const orig = IDBIndex.prototype[m];
      IDBIndex.prototype[m] = function (...a) {
        const req = orig.apply(this, a), mark = { issued: performance.now(), tx: lastTx };
        marks.push(mark);
        req.addEventListener('success', () => { mark.done = performance.now(); });
        return req;
      };
    }
    const groups = records / 100;
    const rec = (i) => ({ id: 'q' + String(i).padStart(7, '0'), body: 'lorem ipsum dolor sit amet', grp: i % groups, n: (i * 7919) % 1000003 });
    // Both builds read ONE database (written through a), as two tabs would: the IndexedDB reads
    // under them are the same, so the difference is the builds'.
    const dbs = {};
    const name = 'hops' + Math.random();
    for (const v of ['a', 'b']) {
      const mod = await import(mods[v] ?? '/js/offsync.js');
      dbs[v] = { name, db: await mod.open({ name, baseUrl, kinds: ['q'], indexes: { q: ['grp', 'n'] }, token: async () => 'Bearer dev', storage: 'indexeddb' }) };
      if (v === 'a') for (let i = 0; i < records; i += 5000) await dbs[v].db.putMany('q', Array.from({ length: Math.min(5000, records - i) }, (_, j) => rec(i + j)));
      dbs[v].idb = await new Promise((res, rej) => { const o = indexedDB.open(name); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
    }
    const names = new Map();
    const ixName = (idb, field) => names.get(field) ?? names.set(field, [...idb.transaction('records').objectStore('records').indexNames].find((n) => n.startsWith('q:') && n.includes(`"${field}"`))).get(field);
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const specs = {
      eq: (db, i) => db.query('q', { where: { grp: i % groups } }),
      range: (db, i) => db.query('q', { where: { n: { gte: (i * 37) % 900000, lt: (i * 37) % 900000 + 100000 } }, orderBy: [['n', 'desc']], limit: 50 }),
      count: (db, i) => db.count('q', { where: { n: { gte: (i * 37) % 900000, lt: (i * 37) % 900000 + 100000 } } }),
    };
    // raw: the same index read on offsync's own index (keys as idbstore encodes them: [tag, value]
    // before layout 6, the helpers' strings from it on; both builds share one database, so both
    // must have the same layout).
    const { idbHelpers } = await import('/js/idb-helpers.js');
    const anyKey = (await req(dbs.a.idb.transaction('records').objectStore('records').index(ixName(dbs.a.idb, 'n')).openKeyCursor()))?.key;
    const k3 = typeof anyKey === 'string' ? (x) => idbHelpers().ixTest.bound([3, x]) : (x) => [3, x];
    const raw = {
      eq: (v, i) => req(v.idb.transaction('records').objectStore('records').index(ixName(v.idb, 'grp')).getAll(IDBKeyRange.only(k3(i % groups)))).then((vs) => vs.map((x) => JSON.parse(x.data))),
      range: (v, i) => { const lo = (i * 37) % 900000; return req(v.idb.transaction('records').objectStore('records').index(ixName(v.idb, 'n')).getAll({ query: IDBKeyRange.bound(k3(lo), k3(lo + 100000), false, true), count: 51, direction: 'prev' })).then((vs) => vs.map((x) => JSON.parse(x.data))); },
      count: (v, i) => { const lo = (i * 37) % 900000; return req(v.idb.transaction('records').objectStore('records').index(ixName(v.idb, 'n')).count(IDBKeyRange.bound(k3(lo), k3(lo + 100000), false, true))); },
    };
    const out = {};
    // Means of the middle 80% (the page's clock ticks in 0.1 ms: a median would round).
    const mean = (xs) => { const s = [...xs].sort((x, y) => x - y).slice(xs.length / 10, xs.length - xs.length / 10); return s.reduce((x, y) => x + y, 0) / s.length; };
    for (const [name, f] of Object.entries(specs)) {
      const t = { a: { total: [], toTx: [], txToReq: [], idb: [], after: [] }, b: { total: [], toTx: [], txToReq: [], idb: [], after: [] }, raw: { total: [], toTx: [], txToReq: [], idb: [], after: [] } };
      for (let i = 0; i < 200; i++) {
        for (const v of (i % 2 ? ['a', 'b'] : ['b', 'a'])) {
          marks.length = 0;
          const t0 = performance.now();
          await f(dbs[v].db, i);
          const t1 = performance.now();
          t[v].total.push(t1 - t0);
          const m = marks[marks.length - 1];
          if (m && m.done) { t[v].toTx.push(m.tx - t0); t[v].txToReq.push(m.issued - m.tx); t[v].idb.push(m.done - m.issued); t[v].after.push(t1 - m.done); }
        }
        marks.length = 0;
        const t0 = performance.now();
        await raw[name](dbs.a, i);
        const t1 = performance.now(), m = marks[marks.length - 1];
        t.raw.total.push(t1 - t0);
        t.raw.toTx.push(m.tx - t0); t.raw.txToReq.push(m.issued - m.tx); t.raw.idb.push(m.done - m.issued); t.raw.after.push(t1 - m.done);
      }
      out[name] = {};
      for (const v of ['raw', 'a', 'b']) out[name][v] = Object.fromEntries(Object.entries(t[v]).map(([k, xs]) => [k, xs.length ? mean(xs) : null]));
    }
    return out;
  }, [server.baseUrl, records, { a: process.env.AB_A_MODULE, b: process.env.AB_B_MODULE }]);
  const f = (x) => (x === null ? '-' : x.toFixed(3));
  for (const [name, x] of Object.entries(r)) {
    console.log(name);
    for (const v of ['raw', 'a', 'b']) console.log(`  ${v}: total ${f(x[v].total)} (${(x[v].total / x.raw.total).toFixed(2)}× raw) = to transaction() ${f(x[v].toTx)} + to request ${f(x[v].txToReq)} + request ${f(x[v].idb)} + after ${f(x[v].after)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
