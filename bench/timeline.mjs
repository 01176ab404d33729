// Timeline of one awaited put, from the page: the mean time (µs after the put was called) of
// each IndexedDB transaction, request, request answer, commit and completion, of the change
// messages, event dispatches and JSON.parse calls, and of the put's resolution, over 2,000 puts
// of new records. It wraps the browser's own IDB, BroadcastChannel, EventTarget and JSON
// functions, which adds a little to every step; compare builds with each other, not with raw.
//
//   node bench/timeline.mjs [module URL of offsync.js, default /js/offsync.js] [wasm URL]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, mod, wasm, N]) => {
    const now = () => performance.now();
    let cur = null;
    const ev = (k) => { if (cur) cur.push([k, now()]); };
    const ft = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (...a) { ev('tx'); const tx = ft.apply(this, a); tx.addEventListener('complete', () => ev('complete')); return tx; };
    const fc = IDBTransaction.prototype.commit; IDBTransaction.prototype.commit = function () { ev('commit'); return fc.call(this); };
    for (const n of ['get', 'getAll', 'getKey', 'put', 'add']) for (const cls of [IDBObjectStore, IDBIndex]) { const f = cls.prototype[n]; if (!f) continue; cls.prototype[n] = function (...a) { ev(n); const r = f.apply(this, a); r.addEventListener('success', () => ev(n + '.ok')); return r; }; }
    const pm = BroadcastChannel.prototype.postMessage; BroadcastChannel.prototype.postMessage = function (...a) { ev('postMessage'); const r = pm.apply(this, a); ev('postMessage.done'); return r; };
    const de = EventTarget.prototype.dispatchEvent; EventTarget.prototype.dispatchEvent = function (e) { ev('dispatch.' + e.type); return de.call(this, e); };
    const jp = JSON.parse; JSON.parse = function (t, ...a) { ev('JSON.parse'); return jp.call(this, t, ...a); };
    const m = await import(mod);
    const db = await m.open({ name: 'tl' + Math.random(), baseUrl, kinds: ['k1'], token: async () => 'Bearer dev', storage: 'indexeddb', ...(wasm ? { wasmUrl: new URL(wasm, location.href) } : {}) });
    const sums = new Map();
    for (let i = 0; i < N; i++) {
      cur = [];
      const t0 = now();
      await db.put('k1', { id: 'x' + i, title: 'lorem ipsum dolor sit amet '.repeat(3), n: i, tags: ['a', 'b'] });
      ev('resolved');
      const seen = new Map();
      for (const [k, t] of cur) { const c = (seen.get(k) ?? 0) + 1; seen.set(k, c); const key = c > 1 ? k + '#' + c : k; const s = sums.get(key) ?? [0, 0]; s[0] += t - t0; s[1]++; sums.set(key, s); }
    }
    return [...sums].map(([k, [s, n]]) => `${k.padEnd(14)} ${(1000 * s / n).toFixed(0).padStart(6)} us (${n})`).join('\n');
  }, [server.baseUrl, process.argv[2] ?? '/js/offsync.js', process.argv[3], 2000]);
  console.log(r);
} finally { await browser.close(); await server.stop(); }
