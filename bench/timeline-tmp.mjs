// Timeline of one awaited put, or one no-op sync of 5 kinds, from the page: the mean time (µs
// after the call) of each IndexedDB transaction, request, answer, commit and completion, of the
// Web Lock request and grant, the fetch calls, their responses and bodies, the change messages,
// event dispatches and JSON.parse calls, and of the call's resolution (2,000 puts of new
// records; 300 syncs). It wraps the browser's own functions, which adds a little to every step:
// compare builds with each other, not with raw.
//
//   node bench/timeline.mjs [put|noop] [module URL of offsync.js, default /js/offsync.js] [wasm URL]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const [scenario = 'put', mod = '/js/offsync.js', wasm] = process.argv.slice(2);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, scenario, mod, wasm]) => {
    const now = () => performance.now();
    let cur = null;
    const ev = (k) => { if (cur) cur.push([k, now()]); };
    const wrap = (obj, name, before, after) => {
      const f = obj[name];
      obj[name] = function (...a) { before?.(...a); const r = f.apply(this, a); return after ? after(r, ...a) : r; };
    };
    wrap(IDBDatabase.prototype, 'transaction', () => ev('tx'), (tx) => { tx.addEventListener('complete', () => ev('complete')); return tx; });
    wrap(IDBTransaction.prototype, 'commit', () => ev('commit'));
    for (const n of ['get', 'getAll', 'getKey', 'put', 'add']) {
      for (const cls of [IDBObjectStore, IDBIndex]) {
        if (cls.prototype[n]) wrap(cls.prototype, n, () => ev(n), (r) => { r.addEventListener('success', () => ev(n + '.ok')); return r; });
      }
    }
    wrap(BroadcastChannel.prototype, 'postMessage', () => ev('postMessage'));
    wrap(EventTarget.prototype, 'dispatchEvent', (e) => ev('dispatch.' + e.type));
    wrap(JSON, 'parse', () => ev('JSON.parse'));
    wrap(globalThis, 'fetch', () => ev('fetch'), (p) => { ev('fetch.ret'); return p.then((res) => { ev('fetch.ok'); return res; }); });
    wrap(ReadableStreamDefaultReader.prototype, 'read', () => ev('read'), (p) => p.then((b) => { ev(b.done ? 'read.done' : 'read.ok'); return b; }));
    wrap(Response.prototype, 'arrayBuffer', () => ev('body'), (p) => p.then((b) => { ev('body.ok'); return b; }));
    const request = navigator.locks.request.bind(navigator.locks); // offsync passes (name, options, callback)
    navigator.locks.request = (name, opts, cb) => { ev('lock'); return request(name, opts, (...a) => { ev('lock.granted'); return cb(...a); }); };
    const m = await import(mod);
    const kinds = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const db = await m.open({ name: 'tl' + Math.random(), baseUrl, kinds, token: async () => 'Bearer dev', storage: 'indexeddb', ...(wasm ? { wasmUrl: new URL(wasm, location.href) } : {}) });
    await db.sync({ kinds });
    const n = scenario === 'noop' ? 300 : 2000;
    const sums = new Map();
    for (let i = 0; i < n; i++) {
      cur = [];
      const t0 = now();
      if (scenario === 'noop') await db.sync({ kinds });
      else await db.put('k1', { id: 'x' + i, title: 'lorem ipsum dolor sit amet '.repeat(3), n: i, tags: ['a', 'b'] });
      ev('resolved');
      const seen = new Map();
      for (const [k, t] of cur) {
        const c = (seen.get(k) ?? 0) + 1;
        seen.set(k, c);
        const key = c > 1 ? k + '#' + c : k;
        const s = sums.get(key) ?? [0, 0];
        s[0] += t - t0;
        s[1]++;
        sums.set(key, s);
      }
    }
    return [...sums].sort((a, b) => a[1][0] / a[1][1] - b[1][0] / b[1][1])
      .map(([k, [s, c]]) => `${k.padEnd(22)} ${(1000 * s / c).toFixed(0).padStart(6)} µs (${c})`).join('\n');
  }, [server.baseUrl, scenario, mod, wasm]);
  console.log(r);
} finally {
  await browser.close();
  await server.stop();
}
