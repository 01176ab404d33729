// Whether a returning page uses sync.wasm's compiled code from Chromium's code cache: in a
// browser on a profile on disk, a first visit calls preload(), stays idle 3 s (V8 then writes
// the module's code cache) and opens a database; then each of N fresh pages opens it and prints,
// from Chromium's trace events, whether the module came from the cache (v8.wasm.moduleCacheHit,
// wasm.Deserialize), whether it was validated, and how many functions were compiled on their
// first call, how often V8 wrote the cache in it, and its open() in ms (traced, so slower than
// untraced: compare rows with each other). With --rewrite every page does as the first
// visit did, so V8 may write the cache again from a page that loaded sync.wasm from the HTTP
// cache (revalidated or not). With --work the first visit also writes 3,000 records, syncs and
// stays 8 s: Chromium 156.0.8078.129 writes the module's cache only once enough of it was
// optimised, which preload() and open() alone no longer reach (docs/DESIGN.md "sync.wasm's URL
// names its build"). Counts are load-proof; the times are not.
// Compare loaders (e.g. a copy of an older js/ under bench/dist/old/) by module URL:
//
//   node bench/code-cache.mjs [N, default 4] [--rewrite] [--work] [module URL ..., default /js/offsync.js]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const args = process.argv.slice(2);
const rewrite = args.includes('--rewrite');
const work = args.includes('--work');
const rest = args.filter((a) => a !== '--rewrite' && a !== '--work');
const n = Math.min(20, Number(rest[0]) || 4);
const modules = rest.slice(1).length ? rest.slice(1) : ['/js/offsync.js'];
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
try {
  for (const mod of modules) {
    const profile = mkdtempSync(join(tmpdir(), 'offsync-code-cache-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    try {
      const visit = (page, warm) => page.evaluate(async ([mod, baseUrl, warm, work]) => {
        const m = await import(mod);
        if (warm) {
          await m.preload();
          await new Promise((r) => setTimeout(r, 3000));
        }
        const t0 = performance.now();
        const db = await m.open({ name: 'code-cache', baseUrl, kinds: ['a', 'b'], token: async () => 'Bearer dev', storage: 'indexeddb' });
        const ms = performance.now() - t0;
        if (warm && work) {
          for (let i = 0; i < 3000; i++) await db.put('a', { id: `r${i}`, n: i, title: `x${i}` });
          await db.sync();
          await new Promise((r) => setTimeout(r, 8000));
        }
        await db.close();
        return ms;
      }, [mod, server.baseUrl, warm, work]);
      const first = await context.newPage();
      await first.goto(`${server.origin}/bench/page/index.html`);
      await visit(first, true);
      await first.close();
      const rows = [];
      for (let r = 0; r < n; r++) {
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        const events = [];
        cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
        const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
        await page.goto(`${server.origin}/bench/page/index.html`);
        await cdp.send('Tracing.start', { categories: 'v8.wasm,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
        const ms = await visit(page, rewrite);
        await cdp.send('Tracing.end');
        await done;
        const count = (name) => events.filter((e) => e.name === name).length;
        rows.push(`open ${String(Math.round(ms)).padStart(4)} ms  cached ${count('v8.wasm.moduleCacheHit') > 0 && count('wasm.Deserialize') > 0 ? 'yes' : 'no '}  validated ${count('wasm.ValidateFunctionsStreaming') > 0 ? 'yes' : 'no '}  compiled on first call ${String(count('wasm.CompileLazy')).padStart(3)}  cache written ${count('v8.wasm.cachedModule')}`);
        await page.close();
      }
      console.log(`${mod}${rewrite ? ' (--rewrite)' : ''}:\n  ${rows.join('\n  ')}`);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
} finally {
  await server.stop();
}
