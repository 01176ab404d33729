// Where open() spends its time: the median, over fresh pages, of when (ms after the page starts
// importing offsync.js) each step of loading ends: the module import, sync.wasm's fetch
// answering, its compile + instantiate, Go's runtime reaching main (its package inits), Go's
// api.open (store open and engine start) and open() resolving. `cached` reuses one browser
// context (HTTP cache and V8's code cache warm, as bench/run.mjs --only open); `first` gives
// every page a new context (nothing cached) and loads FIRST_VISIT_WASM, js/sync.wasm served as
// brotli (first-visit.mjs), whichever module runs; `returning` restarts the browser before every
// page, its profile on disk: HTTP cache, code cache and database are on disk and the browser's
// storage is cold, as for a user coming back the next day; `persistent` keeps one browser on a
// profile on disk and loads a fresh page each time (the harness's cached `open` scenario,
// returning-open.mjs: Chromium keeps compiled code only for a profile on disk); with
// OPEN_PHASES_PRELOAD=1 its first, uncounted page calls preload() and waits 3 s before opening,
// which has V8 write sync.wasm's code cache at once (docs/DESIGN.md "sync.wasm's URL names its
// build"), so the pages after it show an open() with the module's compiled code cached. It wraps the browser's fetch and WebAssembly functions, which adds
// a little: compare builds with each other. Given several module URLs (e.g. a copy of an older
// js/ under bench/dist/, served by the same server), it measures them interleaved, page by page.
//
//   node bench/open-phases.mjs [cached|first|returning|persistent] [reps, default 9] [module URL ..., default /js/offsync.js]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, median } from './harness.mjs';
import { startServer } from './server.mjs';
import { ensureBrotliWasm, FIRST_VISIT_WASM } from './first-visit.mjs';

const [mode = 'cached', repsArg = '9'] = process.argv.slice(2);
const reps = Math.min(50, Number(repsArg) || 9);
const modules = process.argv.slice(4).length ? process.argv.slice(4) : ['/js/offsync.js'];
if (mode === 'first') ensureBrotliWasm();
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const launchOpts = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] };
const profile = mode === 'returning' || mode === 'persistent' ? mkdtempSync(join(tmpdir(), 'offsync-phases-')) : null;
const browser = profile ? null : await chromium.launch(launchOpts);
const PROBE = () => {
  const t = {};
  const mark = (k) => { t[k] ??= performance.now(); };
  window.__phases = t;
  const fetch0 = window.fetch;
  window.fetch = function (input, ...a) {
    const url = String(input?.url ?? input);
    const p = fetch0.call(this, input, ...a);
    if (url.split('?')[0].endsWith('.wasm')) { mark('fetchCalled'); p.then(() => mark('fetchAnswered')); }
    return p;
  };
  for (const fn of ['instantiateStreaming', 'instantiate', 'compileStreaming']) {
    const f = WebAssembly[fn];
    WebAssembly[fn] = function (...a) { mark(fn + 'Called'); const p = f.apply(this, a); p.then(() => mark(fn + 'Done')); return p; };
  }
  let init;
  Object.defineProperty(globalThis, '__offsyncInit', {
    configurable: true,
    get: () => init,
    set: (f) => {
      mark('goRun');
      init = f && ((api) => {
        mark('goMain');
        const open = api.open;
        api.open = (...a) => { mark('apiOpenCalled'); const p = open.apply(api, a); p.then(() => mark('apiOpenDone')); return p; };
        return f(api);
      });
    },
  });
};
try {
  const rows = modules.map(() => []);
  let context = mode === 'persistent' ? await chromium.launchPersistentContext(profile, launchOpts) : profile ? null : await browser.newContext();
  for (let r = 0; r < reps + 1; r++) {
    for (let j = 0; j < modules.length; j++) {
      const i = (j + r) % modules.length;
      if (mode === 'first') {
        await context.close();
        context = await browser.newContext();
      }
      if (mode === 'returning') {
        await context?.close();
        context = await chromium.launchPersistentContext(profile, launchOpts);
      }
      const page = await context.newPage();
      await page.addInitScript(PROBE);
      await page.goto(`${server.origin}/bench/page/index.html`);
      const wasmUrl = mode === 'first' ? FIRST_VISIT_WASM : undefined;
      const warm = r === 0 && mode === 'persistent' && process.env.OPEN_PHASES_PRELOAD === '1';
      const t = await page.evaluate(async ([baseUrl, mod, name, wasmUrl, warm]) => {
        const t = window.__phases;
        t.start = performance.now();
        const m = await import(mod);
        if (warm) {
          await m.preload({ wasmUrl });
          await new Promise((r) => setTimeout(r, 3000));
        }
        t.imported = performance.now();
        const db = await m.open({ name, baseUrl, kinds: ['a', 'b', 'c', 'd', 'e'], token: async () => 'Bearer dev', storage: 'indexeddb', wasmUrl });
        t.opened = performance.now();
        await db.close();
        const start = t.start;
        return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v - start]));
      }, [server.baseUrl, modules[i], `phases${i}`, wasmUrl, warm]);
      await page.close();
      // The first round warms the HTTP cache (cached) and creates the databases: not counted.
      if (r > 0) rows[i].push(t);
    }
  }
  modules.forEach((mod, i) => {
    console.log(`${mod} (${mode}, ${reps} pages):`);
    const keys = Object.keys(rows[i][0]).sort((a, b) => median(rows[i].map((x) => x[a])) - median(rows[i].map((x) => x[b])));
    for (const k of keys) {
      const v = rows[i].map((x) => x[k]).filter((x) => x !== undefined);
      console.log(`  ${k.padEnd(28)} ${median(v).toFixed(1).padStart(8)} ms   (${v.map((x) => Math.round(x)).join(', ')})`);
    }
  });
  await context?.close();
} finally {
  await browser?.close();
  await server.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
}
