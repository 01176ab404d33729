// Counts the JS<->Go crossings of one offsync operation in Chromium: the wasm program's calls
// into JS (syscall/js imports such as valueGet, valueCall) and its wake-ups (Go._resume), per
// put, per putMany record and per no-op sync of 5 kinds, and the IndexedDB transactions it opens. It wraps WebAssembly's instantiation
// and Go.prototype._resume from the page, so offsync.js runs unchanged.
//
//   make wasm server && node bench/crossings.mjs
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    const calls = (globalThis.__crossings = {});
    const wrap = (imports) => {
      for (const [k, f] of Object.entries(imports?.gojs ?? {})) {
        imports.gojs[k] = (...a) => { calls[k] = (calls[k] ?? 0) + 1; return f(...a); };
      }
    };
    // IndexedDB transactions opened, by mode: each costs its begin and commit even when it
    // writes nothing.
    const tx = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
      const k = `idb ${mode ?? 'readonly'} transactions`;
      calls[k] = (calls[k] ?? 0) + 1;
      return tx.call(this, stores, mode, ...rest);
    };
    for (const name of ['instantiate', 'instantiateStreaming']) {
      const orig = WebAssembly[name];
      WebAssembly[name] = (src, imports) => { wrap(imports); return orig.call(WebAssembly, src, imports); };
    }
  });
  await page.goto(`${server.origin}/bench/page/index.html`);
  const out = await page.evaluate(async (baseUrl) => {
    const mod = await import('/js/offsync.js');
    // wasm_exec.js leaves no global Go: its module exports the class offsync.js uses.
    const { Go } = await import('/js/wasm_exec.js');
    const resume = Go.prototype._resume;
    Go.prototype._resume = function () {
      globalThis.__crossings.wakeUps = (globalThis.__crossings.wakeUps ?? 0) + 1;
      return resume.call(this);
    };
    const kinds = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const db = await mod.open({ name: 'x' + Math.random(), baseUrl, kinds, token: async () => 'Bearer dev', storage: 'indexeddb' });
    await db.sync({ kinds });
    const snap = () => ({ ...globalThis.__crossings });
    const per = async (n, fn) => {
      const a = snap();
      await fn();
      const b = snap();
      return Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] - (a[k] ?? 0)) / n]).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]));
    };
    const rec = (id) => ({ id, title: 'lorem ipsum dolor sit amet', n: 1 });
    return {
      'per put': await per(200, async () => { for (let i = 0; i < 200; i++) await db.put('k1', rec(`p${i}`)); }),
      'per putMany record': await per(2000, async () => { for (let i = 0; i < 4; i++) await db.putMany('k2', Array.from({ length: 500 }, (_, j) => rec(`m${i}-${j}`))); }),
      'per no-op sync of 5 kinds (after one sync that pushed)': await (async () => { await db.sync({ kinds }); return per(10, async () => { for (let i = 0; i < 10; i++) await db.sync({ kinds }); }); })(),
    };
  }, server.baseUrl);
  for (const [name, counts] of Object.entries(out)) {
    const js = ['valueGet', 'valueSet', 'valueCall', 'valueIndex'].reduce((s, k) => s + (counts[`syscall/js.${k}`] ?? 0), 0);
    process.stdout.write(`${name}: ${js.toFixed(1)} property gets/sets/calls/index reads, ${(counts.wakeUps ?? 0).toFixed(1)} wake-ups\n  ${JSON.stringify(counts)}\n`);
  }
} finally {
  await browser.close();
  await server.stop();
}
