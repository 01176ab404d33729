// The bench's three indexed query rows as it makes them (single calls through window.bench on
// 100,000 records, the page idle in between: cold code, an idle Go runtime), offsync and raw
// only (no RxDB query between them), more repetitions than the bench, each call split at its
// IndexedDB request (as query-hops.mjs: "toTx" to the transaction's creation, "pre" to the
// request's issue, "idb" the request, "post" to the caller's resumption). Medians in ms; the
// page's clock ticks in 0.1 ms.
//
//   node bench/query-cold.mjs [records] [repetitions]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
const N = Number(process.argv[2] ?? 100000), REPS = Number(process.argv[3] ?? 25);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  await page.waitForFunction(() => window.bench);
  await page.evaluate(async () => {
    window.marks = [];
    let lastTx = 0;
    const origTx = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (...a) { lastTx = performance.now(); return origTx.apply(this, a); };
    for (const m of ['getAll', 'count', 'getAllRecords']) {
      const orig = IDBIndex.prototype[m];
      IDBIndex.prototype[m] = function (...a) {
        const req = orig.apply(this, a), mark = { issued: performance.now(), tx: lastTx };
        window.marks.push(mark);
        req.addEventListener('success', () => { mark.done = performance.now(); });
        return req;
      };
    }
  });
  await page.evaluate((c) => window.bench.init(c), { baseUrl: server.baseUrl, token: 'Bearer dev', offsyncUrl: '/js/offsync.js', pageSize: 1000, pushBatchSize: 500 });
  const call = (fn, ...args) => page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
  for (const side of ['offsync', 'raw']) {
    await call('open', side, `${side}-query`, ['q'], { q: ['grp', 'n'] });
    await call('fillQuery', side, `${side}-query`, 'q', N, 1000, 5000);
  }
  const t = {};
  for (let r = 0; r < REPS; r++) {
    const lo = (r * 90_001) % 900_000;
    const specs = { eq: { type: 'eq', field: 'grp', value: (r * 37) % 1000 }, range: { type: 'range', field: 'n', lo, hi: lo + 100_000, limit: 50 }, count: { type: 'count', field: 'n', lo, hi: lo + 100_000 } };
    for (const [name, spec] of Object.entries(specs)) {
      for (const side of r % 2 ? ['offsync', 'raw'] : ['raw', 'offsync']) {
        const x = await page.evaluate(async ([side, spec]) => {
          window.marks.length = 0;
          const t0 = performance.now();
          const { ms } = await window.bench.query(side, `${side}-query`, 'q', spec);
          const t1 = performance.now(); const m = window.marks[window.marks.length - 1];
          return { ms, toTx: m.tx - t0, pre: m.issued - t0, idb: m.done - m.issued, post: t1 - m.done };
        }, [side, spec]);
        for (const k of Object.keys(x)) ((t[name] ??= {})[side] ??= {}, t[name][side][k] ??= []).push(x[k]);
      }
    }
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  for (const [name, sides] of Object.entries(t)) {
    for (const [side, ks] of Object.entries(sides)) console.log(name, side, Object.entries(ks).map(([k, xs]) => `${k} ${med(xs).toFixed(2)}`).join(' '));
    console.log(name, `offsync/raw ${(med(sides.offsync.ms) / med(sides.raw.ms)).toFixed(2)}×`);
  }
} finally { await browser.close(); await server.stop(); }
