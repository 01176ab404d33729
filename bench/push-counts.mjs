// Counts, per push of 1,000 ops and its pull (ab.mjs push's sync, the second of two), the gojs
// imports sync.wasm calls, its wake-ups, the IndexedDB transactions by mode and stores and the requests by
// store and method, and the fetches, for each build's offsync.js named: not timed, so a loaded
// machine does not blur them (bench/where-the-time-goes.md, "Push").
//
//   make wasm server && node bench/push-counts.mjs /js/offsync.js [/bench/dist/old/offsync.js ...]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
const mods = process.argv.length > 2 ? process.argv.slice(2) : ['/js/offsync.js'];
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  for (const m of mods) {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const calls = (globalThis.__c = {});
      const inc = (k) => { calls[k] = (calls[k] ?? 0) + 1; };
      for (const name of ['instantiate', 'instantiateStreaming']) {
        const orig = WebAssembly[name];
        WebAssembly[name] = (src, imports) => {
          for (const [k, f] of Object.entries(imports?.gojs ?? {})) imports.gojs[k] = (...a) => { inc('go ' + k.replace(/^.*\./, '')); return f(...a); };
          // Wake-ups of the Go program (its exported resume, called once per event it handles).
          return orig.call(WebAssembly, src, imports).then((r) => {
            const inst = r.instance ?? r;
            const exports = { ...inst.exports, resume: (...a) => { inc('wake-ups'); return inst.exports.resume(...a); } };
            const proxy = new Proxy(inst, { get: (t, k) => (k === 'exports' ? exports : t[k]) });
            return r.instance ? { ...r, instance: proxy } : proxy;
          });
        };
      }
      const tx = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (stores, mode, ...rest) { inc(`tx ${mode ?? 'readonly'} [${[].concat(stores).sort().join(',')}]`); return tx.call(this, stores, mode, ...rest); };
      for (const [P, pre] of [[IDBObjectStore.prototype, 'store'], [IDBIndex.prototype, 'index']]) {
        for (const k of ['get', 'getAll', 'getAllKeys', 'put', 'add', 'delete', 'count', 'openCursor', 'openKeyCursor', 'getKey', 'clear']) {
          const f = P[k]; if (!f) continue;
          P[k] = function (...a) { inc(`${pre} ${this.name}.${k}`); return f.apply(this, a); };
        }
      }
      const f = globalThis.fetch; globalThis.fetch = function (...a) { inc('fetch ' + (a[1]?.method ?? 'GET')); return f.apply(this, a); };
    });
    await page.goto(`${server.origin}/bench/page/index.html`);
    const out = await page.evaluate(async ([baseUrl, m]) => {
      const mod = await import(m);
      const db = await mod.open({ name: 'c' + Math.random(), baseUrl, kinds: ['k2'], token: async () => 'Bearer dev', storage: 'indexeddb' });
      await db.sync({ kinds: ['k2'] });
      const res = [];
      for (let i = 0; i < 2; i++) {
        const recs = Array.from({ length: 1000 }, (_, j) => ({ id: `p${i}-${j}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: j, tags: ['a', 'b'] }));
        await db.putMany('k2', recs);
        const a = { ...globalThis.__c };
        await db.sync({ kinds: ['k2'] });
        const b = { ...globalThis.__c };
        res.push(Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]).filter(([, v]) => v > 0).sort()));
      }
      return res[1];
    }, [server.baseUrl, m]);
    console.log(m, JSON.stringify(out, null, 1));
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
