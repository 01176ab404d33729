// Every IndexedDB transaction of a push (no pull after it) of N small ops in batches of 100,
// with its requests in order, ms after the transaction's creation (a run of one kind of request
// collapsed into kind×count@first-last), and when the requests went out and their answers'
// headers came, ms after the push began. The side is offsync (a module URL of offsync.js) or
// raw (bench/page/raw.js). It wraps the browser's own functions (a little slower than
// unwrapped): compare builds with each other.
//
//   node bench/tx-timeline.mjs [N, default 3000] [module URL of offsync.js, or raw; default /js/offsync.js]
//       [--from K, default 0: the first transaction printed] [--count C, default 4]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const flag = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const [nArg = '3000', mod = '/js/offsync.js'] = args;
const from = flag('--from', 0), count = flag('--count', 4);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, n, mod]) => {
    const { makeRecords } = await import('/bench/page/records.js');
    const now = () => performance.now();
    let on = false;
    const txs = [], fetches = [], byTx = new WeakMap();
    const tag = (tx, k) => byTx.get(tx)?.ev.push([k, now()]);
    const begin = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
      const tx = begin.call(this, stores, mode, ...rest);
      if (on) {
        const rec = { t0: now(), mode: mode ?? 'readonly', stores: [].concat(stores).join(','), ev: [] };
        txs.push(rec);
        byTx.set(tx, rec);
        tx.addEventListener('complete', () => rec.ev.push(['done', now()]));
      }
      return tx;
    };
    for (const cls of [IDBObjectStore, IDBIndex]) {
      for (const m of ['getAll', 'get', 'getAllKeys', 'count', 'openCursor']) {
        const f = cls.prototype[m];
        cls.prototype[m] = function (...a) {
          const tx = (this.objectStore ?? this).transaction;
          tag(tx, `${m}:${this.name}`);
          const req = f.apply(this, a);
          req.addEventListener('success', () => tag(tx, `${m}.ok`));
          return req;
        };
      }
    }
    for (const m of ['put', 'add', 'delete']) {
      const f = IDBObjectStore.prototype[m];
      IDBObjectStore.prototype[m] = function (...a) { tag(this.transaction, `${m}:${this.name}`); return f.apply(this, a); };
    }
    const commit = IDBTransaction.prototype.commit;
    IDBTransaction.prototype.commit = function () { tag(this, 'commit'); return commit.call(this); };
    const fetch0 = globalThis.fetch;
    globalThis.fetch = function (...a) {
      const rec = { t0: now() };
      if (on) fetches.push(rec);
      return fetch0.apply(this, a).then((res) => { rec.headers = now(); return res; });
    };
    const recs = makeRecords('p', 0, n, 0, 'small');
    let t0;
    if (mod === 'raw') {
      const { createRaw } = await import('/bench/page/raw.js');
      const raw = createRaw({ baseUrl, token: 'Bearer dev', pushBatchSize: 100, pageSize: 500 });
      const name = 'txt' + Math.random();
      await raw.open(name, ['p']);
      await raw.putMany(name, 'p', recs, 500);
      on = true;
      t0 = now();
      await raw.push(name);
    } else {
      const m = await import(mod);
      const db = await m.open({ name: 'txt' + Math.random(), baseUrl, kinds: ['p'], token: async () => 'Bearer dev', storage: 'indexeddb', pushBatchSize: 100 });
      for (let i = 0; i < n; i += 500) await db.putMany('p', recs.slice(i, i + 500));
      on = true;
      t0 = now();
      await db.sync({ pushKinds: ['p'], pullKinds: [] });
      await db.close();
    }
    const total = now() - t0;
    on = false;
    return {
      total,
      txs: txs.map((x) => ({ ...x, t0: x.t0 - t0, ev: x.ev.map(([k, t]) => [k, t - x.t0]) })),
      fetches: fetches.map((x) => ({ t0: x.t0 - t0, headers: x.headers - t0 })),
    };
  }, [server.baseUrl, Number(nArg), mod]);
  console.log(`push of ${nArg}: ${r.total.toFixed(0)} ms, ${r.txs.length} transactions, ${r.fetches.length} requests`);
  for (const t of r.txs.slice(from, from + count)) {
    const runs = [];
    for (const [k, at] of t.ev) {
      const last = runs[runs.length - 1];
      if (last && last.k === k) { last.n++; last.end = at; } else runs.push({ k, at, end: at, n: 1 });
    }
    const text = runs.map((x) => (x.n > 1 ? `${x.k}×${x.n}@${x.at.toFixed(1)}-${x.end.toFixed(1)}` : `${x.k}@${x.at.toFixed(1)}`));
    console.log(`tx ${t.stores} ${t.mode} at ${t.t0.toFixed(1)}: ${text.join(' ')}`);
  }
  for (const f of r.fetches.slice(0, 3)) console.log(`request at ${f.t0.toFixed(1)}, headers at ${f.headers.toFixed(1)}`);
} finally {
  await browser.close();
  await server.stop();
}
