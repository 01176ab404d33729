// Timeline of a push (no pull after it) of N ops in batches of 100, from the page: per batch,
// when (ms after the sync call) its claim's transaction began and completed, its request went
// out, its answer's headers and body came, and its ack's transaction began and completed; and
// the gaps between one answer and the next request. It wraps the browser's own functions (a
// little slower than unwrapped): compare builds with each other.
//
//   node bench/push-timeline.mjs [N, default 3000] [module URL of offsync.js, default /js/offsync.js] [--shape large]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const args = process.argv.slice(2).filter((a, i, all) => a !== '--shape' && all[i - 1] !== '--shape');
const [nArg = '3000', mod = '/js/offsync.js'] = args;
const shape = process.argv.includes('--shape') ? process.argv[process.argv.indexOf('--shape') + 1] : 'small';
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, n, mod, shape, fine]) => {
    const { makeRecords } = await import('/bench/page/records.js');
    const now = () => performance.now();
    let evs = null;
    const ev = (k) => { if (evs) evs.push([k, now()]); };
    const txBegin = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
      const tx = txBegin.call(this, stores, mode, ...rest);
      const names = [].concat(stores);
      const k = mode !== 'readwrite' ? 'ro' : names.includes('cursors') ? 'ack' : 'claim';
      ev(k);
      tx.addEventListener('complete', () => ev(k + '.done'));
      return tx;
    };
    if (fine) {
      for (const cls of [IDBObjectStore, IDBIndex]) {
        const g = cls.prototype.getAll;
        cls.prototype.getAll = function (...a) { ev('getAll'); const r = g.apply(this, a); r.addEventListener('success', () => ev('getAll.ok')); return r; };
      }
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...a) { if (evs && evs.length && evs[evs.length - 1][0] !== 'put') ev('put'); return put.apply(this, a); };
      const commit = IDBTransaction.prototype.commit;
      IDBTransaction.prototype.commit = function () { ev('commit'); return commit.call(this); };
    }
    const f = globalThis.fetch;
    globalThis.fetch = function (...a) {
      ev('fetch');
      return f.apply(this, a).then((res) => { ev('headers'); return res; });
    };
    const ab = Response.prototype.arrayBuffer;
    Response.prototype.arrayBuffer = function () { return ab.call(this).then((b) => { ev('body'); return b; }); };
    const m = await import(mod);
    const db = await m.open({ name: 'ptl' + Math.random(), baseUrl, kinds: ['p'], token: async () => 'Bearer dev', storage: 'indexeddb', pushBatchSize: 100 });
    const recs = makeRecords('p', 0, n, 0, shape);
    for (let i = 0; i < n; i += 500) await db.putMany('p', recs.slice(i, i + 500));
    evs = [];
    const t0 = now();
    await db.sync({ pushKinds: ['p'], pullKinds: [] });
    const total = now() - t0;
    const out = evs.map(([k, t]) => [k, t - t0]);
    evs = null;
    await db.close();
    return { total, out };
  }, [server.baseUrl, Number(nArg), mod, shape, !!process.env.PTL_DUMP]);
  // Per request: its gap from the previous answer's body, its own time, and the main events.
  const fetches = r.out.filter(([k]) => k === 'fetch' || k === 'body');
  const gaps = [], trips = [];
  for (let i = 0; i < fetches.length - 1; i++) {
    if (fetches[i][0] === 'fetch' && fetches[i + 1][0] === 'body') trips.push(fetches[i + 1][1] - fetches[i][1]);
    if (fetches[i][0] === 'body' && fetches[i + 1][0] === 'fetch') gaps.push(fetches[i + 1][1] - fetches[i][1]);
  }
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[s.length >> 1] : NaN; };
  const span = (k) => {
    const ds = []; const open = [];
    for (const [e, t] of r.out) { if (e === k) open.push(t); else if (e === k + '.done' && open.length) ds.push(t - open.shift()); }
    return ds;
  };
  console.log(`push of ${nArg} (${shape}): ${r.total.toFixed(0)} ms; requests ${trips.length}: fetch→body median ${med(trips).toFixed(1)} ms (sum ${trips.reduce((a, b) => a + b, 0).toFixed(0)}); body→next fetch median ${med(gaps).toFixed(1)} ms (sum ${gaps.reduce((a, b) => a + b, 0).toFixed(0)})`);
  console.log(`claim tx begin→complete median ${med(span('claim')).toFixed(1)} ms (${span('claim').length}); ack tx median ${med(span('ack')).toFixed(1)} ms (${span('ack').length})`);
  if (process.env.PTL_SPANS) {
    const a = span('ack'), c = span('claim');
    const line = (xs) => xs.map((x) => x.toFixed(0)).join(' ');
    console.log('ack spans: ' + line(a));
    console.log('claim spans: ' + line(c));
  }
  if (process.env.PTL_DUMP) {
    const mid = r.out.filter(([, t]) => t > r.total * 0.4 && t < r.total * 0.4 + 120);
    for (const [k, t] of mid) console.log(t.toFixed(1).padStart(9), k);
  }
} finally {
  await browser.close();
  await server.stop();
}
