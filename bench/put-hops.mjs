// The hops of one awaited put, measured from the page without a profiler (which inflates
// every IndexedDB call): for 2,000 awaited puts of new records per side, the trimmed mean
// (10% off each end) of
//   before tx   put() called → IDBDatabase.transaction() (offsync.js, the bridge, Go's work)
//   issue       transaction() → the last request issued (the helper)
//   idb         last request issued → the transaction's complete event
//   resolve     complete → the awaiting caller resumes
//   total       put() called → the caller resumes
//   in Go       time inside the wasm program (every wake-up: the call, the commit's end)
//   after task  time inside the task after the commit that hands its end to Go (the second
//               wake-up: the Store call's return, the engine's events, their delivery to JS)
// and the raw side's transaction (bench/page/raw.js's write) split the same way, in the same
// page, sides alternating in blocks of 100. The wrappers add a little to every step alike.
//
//   node bench/put-hops.mjs [module URL of offsync.js for side b] [wasm URL for side b]
//   (side a: /js/offsync.js with js/sync.wasm; AB_A_MODULE overrides it as in bench/ab.mjs)
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const [bMod, bWasm] = process.argv.slice(2);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  // Before any module loads: the helpers' MessageChannel (afterTask) is made lazily, so its
  // handler can be timed by wrapping the onmessage setter.
  await page.addInitScript(() => {
    const h = (globalThis.__hops = { cur: null, inGo: 0 });
    const ev = (k) => { if (h.cur) h.cur[k] = performance.now(); };
    const d = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
    Object.defineProperty(MessagePort.prototype, 'onmessage', {
      set(f) { d.set.call(this, f === null ? null : (e) => { const t = performance.now(); try { return f(e); } finally { if (h.cur) h.cur.after = (h.cur.after ?? 0) + performance.now() - t; } }); },
      get() { return d.get.call(this); },
    });
    const tx = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (...a) {
      ev('tx');
      const t = tx.apply(this, a);
      t.addEventListener('complete', () => ev('complete'));
      return t;
    };
    for (const cls of [IDBObjectStore, IDBIndex]) {
      for (const n of ['get', 'getKey', 'getAll', 'put', 'add']) {
        const f = cls.prototype[n];
        if (f) cls.prototype[n] = function (...a) { const t = performance.now(); const r = f.apply(this, a); if (h.cur && h.cur.first === undefined) ev('first'); ev('issued'); if (h.cur) (h.cur.reqs ??= []).push([n, Math.round((t - h.cur.t0) * 1000), Math.round((performance.now() - t) * 1000)]); return r; };
      }
    }
  });
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, mods, bWasm]) => {
    const h = globalThis.__hops;
    const kinds = ['k1'];
    const sides = {};
    for (const v of ['a', 'b']) {
      const url = mods[v] ?? '/js/offsync.js';
      const m = await import(url);
      // Time inside Go (every wake-up, nested calls counted once), charged to the current put.
      const { Go } = await import(new URL('./wasm_exec.js', new URL(url, location.href)).href);
      if (!Go.prototype.__timed) {
        const resume = Go.prototype._resume;
        let depth = 0;
        Go.prototype._resume = function () {
          if (depth++ > 0) { try { return resume.call(this); } finally { depth--; } }
          const t = performance.now();
          try { return resume.call(this); } finally {
            depth--;
            if (h.cur) { const d = performance.now() - t; h.cur.go = (h.cur.go ?? 0) + d; (h.cur.wakes ??= []).push([t - h.cur.t0, d]); }
          }
        };
        Go.prototype.__timed = true;
      }
      const wasm = v === 'b' && bWasm ? { wasmUrl: new URL(bWasm, location.href) } : {};
      const db = await m.open({ name: 'hops' + v + Math.random(), baseUrl, kinds, token: async () => 'Bearer dev', storage: 'indexeddb', ...wasm });
      sides[v] = db;
    }
    const raw = await new Promise((res, rej) => {
      const q = indexedDB.open('hops-raw' + Math.random(), 1);
      q.onupgradeneeded = () => { q.result.createObjectStore('r:k1'); q.result.createObjectStore('outbox', { autoIncrement: true }); };
      q.onsuccess = () => res(q.result);
      q.onerror = () => rej(q.error);
    });
    const rawPut = (r) => new Promise((res, rej) => {
      const tx = raw.transaction(['r:k1', 'outbox'], 'readwrite', { durability: 'strict' });
      tx.objectStore('r:k1').put(r, r.id);
      tx.objectStore('outbox').add({ opId: crypto.randomUUID(), kind: 'k1', id: r.id, type: 'upsert', payload: r });
      tx.oncomplete = res;
      tx.onabort = () => rej(tx.error);
    });
    const rows = { a: [], b: [], raw: [] };
    const rec = (v, i) => ({ id: `${v}${i}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: i, tags: ['a', 'b'] });
    for (let blk = 0; blk < 20; blk++) {
      for (const v of (blk % 2 ? ['a', 'b', 'raw'] : ['raw', 'b', 'a'])) {
        for (let i = 0; i < 100; i++) {
          // A put's deferred Go work runs in a later task: it is charged to the put it follows.
          const row = { t0: performance.now() };
          h.cur = row;
          if (v === 'raw') await rawPut(rec(v, blk * 100 + i)); else await sides[v].put('k1', rec(v, blk * 100 + i));
          row.end = performance.now();
          rows[v].push(row);
        }
        // Let the last put's deferred work land on it.
        await new Promise((res) => setTimeout(res, 0));
      }
    }
    const tmean = (xs) => {
      const s = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y), k = Math.floor(s.length / 10);
      const m = s.slice(k, s.length - k);
      return m.reduce((x, y) => x + y, 0) / (m.length || 1);
    };
    const out = {};
    for (const [v, rs] of Object.entries(rows)) {
      out[v] = {
        'before tx': tmean(rs.map((r) => r.tx - r.t0)),
        'first req': tmean(rs.map((r) => r.first - r.tx)),
        'last req': tmean(rs.map((r) => r.issued - r.tx)),
        complete: tmean(rs.map((r) => r.complete - r.t0)),
        resolve: tmean(rs.map((r) => r.end - r.complete)),
        total: tmean(rs.map((r) => r.end - r.t0)),
        'in Go': tmean(rs.map((r) => r.go ?? 0)),
        'after task': tmean(rs.map((r) => r.after ?? 0)),
      };
    }
    for (const v of ['a', 'b', 'raw']) {
      const rs = rows[v], n = Math.max(...rs.map((r) => r.reqs?.length ?? 0));
      const at = [];
      const full = rs.find((r) => r.reqs?.length === n);
      for (let i = 0; i < n; i++) at.push(full.reqs[i][0] + ' ' + tmean(rs.map((r) => (r.reqs?.length === n ? r.reqs[i][1] : NaN))).toFixed(0));
      out[v]['wake 1 ends'] = tmean(rs.map((r) => (r.wakes ? r.wakes[0][0] + r.wakes[0][1] : NaN)));
      const byN = {};
      for (const r of rs) byN[r.reqs?.length ?? 0] = (byN[r.reqs?.length ?? 0] ?? 0) + 1;
      out['reqs ' + v] = at.join(', ') + ' | puts by request count ' + JSON.stringify(byN);
    }
    out.wakes = rows.b.slice(500, 505).map((r) => JSON.stringify(r.wakes?.map(([t, d]) => [Math.round(t * 1000), Math.round(d * 1000)])) + ' ' + JSON.stringify(r.reqs) + ' tx ' + Math.round((r.tx - r.t0) * 1000));
    return out;
  }, [server.baseUrl, { a: process.env.AB_A_MODULE, b: bMod }, bWasm]);
  const wakes = r.wakes; delete r.wakes; console.log('b wake-ups [µs after the call, µs inside]:', wakes.join(' '));
  for (const k of Object.keys(r)) if (k.startsWith('reqs ')) { console.log(k, '(µs after the call):', r[k]); delete r[k]; }
  const cols = Object.keys(r.raw);
  console.log('µs'.padEnd(8) + cols.map((c) => c.padStart(14)).join(''));
  for (const [v, o] of Object.entries(r)) console.log(v.padEnd(8) + cols.map((c) => (1000 * o[c]).toFixed(0).padStart(14)).join(''));
} finally {
  await browser.close();
  await server.stop();
}
