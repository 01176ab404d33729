// Per-page steps of an initial pull (offsync alone), from the page: for each page of a pull of N
// small records, the time from the previous page's completion to its readwrite transaction, from
// that transaction to its first put, from the first put to commit(), and from commit() to
// completion; medians and sums over the pages of each of 3 runs. It wraps the browser's own
// functions (a little slower than unwrapped): compare builds with each other.
//
//   make wasm server && node bench/pull-timeline.mjs [module URL of offsync.js, default /js/offsync.js] [N, default 20000]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
import { writeRecords, range } from './seed.mjs';

const mod = process.argv[2] ?? '/js/offsync.js';
const N = Number(process.argv[3] ?? 20000);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
await writeRecords({ baseUrl: server.baseUrl, token: 'Bearer dev', kind: 'pl', indexes: range(N), shape: 'small' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const runs = await page.evaluate(async ([baseUrl, mod]) => {
    const now = () => performance.now();
    let cur = null;
    const ev = (k) => cur?.push([k, now()]);
    const tx = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (s, mode, ...rest) {
      const t = tx.call(this, s, mode, ...rest);
      if (mode === 'readwrite') { ev('tx'); t.addEventListener('complete', () => ev('complete')); }
      return t;
    };
    // put0: a put more than 2 ms after the one before (the first of a page).
    const put = IDBObjectStore.prototype.put;
    let last = 0;
    IDBObjectStore.prototype.put = function (...a) { const t0 = now(); if (t0 - last > 2) ev('put0'); const x = put.apply(this, a); last = now(); return x; };
    const commit = IDBTransaction.prototype.commit;
    IDBTransaction.prototype.commit = function () { ev('commit'); return commit.call(this); };
    const m = await import(mod);
    const out = [];
    for (let run = 0; run < 3; run++) {
      const db = await m.open({ name: 'pt' + Math.random(), baseUrl, kinds: ['pl'], token: async () => 'Bearer dev', storage: 'indexeddb', pageSize: 500 });
      cur = [];
      const t0 = now();
      await db.sync({ kinds: ['pl'] });
      out.push({ total: now() - t0, evs: cur });
      cur = null;
      await db.close();
    }
    return out;
  }, [server.baseUrl, mod]);
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[s.length >> 1].toFixed(2) : 'NaN'; };
  for (const { total, evs } of runs) {
    const spans = { 'complete→tx': [], 'tx→put0': [], 'put0→commit': [], 'commit→complete': [] };
    let prev = null;
    for (const [k, t] of evs) {
      if (prev && spans[`${prev[0]}→${k}`]) spans[`${prev[0]}→${k}`].push(t - prev[1]);
      prev = [k, t];
    }
    console.log(`pull of ${N}: ${total.toFixed(0)} ms; ` + Object.entries(spans)
      .map(([k, v]) => `${k} median ${med(v)} sum ${v.reduce((a, b) => a + b, 0).toFixed(0)} (${v.length})`).join('; '));
  }
} finally {
  await browser.close();
  await server.stop();
}
