// Go allocations of sync.wasm per step, exact (runtime.MemProfileRate = 1): which functions
// allocate how many bytes during putMany, a push, the pull of its echo and single puts, and
// runtime.MemStats' TotalAlloc and NumGC (counts, not times: a loaded machine does not blur
// them). Go's garbage collector runs after every ~3 MB allocated (the heap's 4 MB minimum
// goal), so bytes allocated are collections run (bench/where-the-time-goes.md, "Allocations").
//
//   GOOS=js GOARCH=wasm go build -tags memprof -o bench/dist/memprof.wasm ./wasm
//   node bench/memprof.mjs [ops, default 5000] [--shape large]   (MEMPROF_WASM=/bench/dist/other.wasm: another build)
// --shape large: putMany and the puts write the bench's large records (bench/page/records.js).
// MEMPROF_INUSE=<ms> also prints the bytes live <ms> into the push, by stack (what it holds at
// once; __offsyncMemProf('inuse')).
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const ops = Number(process.argv[2] ?? 5000);
const shape = process.argv.includes('--shape') ? process.argv[process.argv.indexOf('--shape') + 1] : 'small';
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, ops, WASM, INUSE, shape]) => {
    const { open } = await import('/js/offsync.js');
    const { makeRecord: small, makeLargeRecord } = await import('/bench/page/records.js');
    const makeRecord = shape === 'large' ? makeLargeRecord : small;
    const kind = 'mp' + Math.random().toString(36).slice(2, 8);
    const db = await open({ name: kind, baseUrl, kinds: [kind], token: async () => 'Bearer dev', storage: 'indexeddb', pushBatchSize: 100, wasmUrl: new URL(WASM, location.href) });
    const prof = globalThis.__offsyncMemProf;
    const out = {};
    const step = async (name, fn) => { prof(true); await fn(); out[name] = prof(false); };
    await step('putMany', async () => { for (let i = 0; i < ops; i += 500) await db.putMany(kind, Array.from({ length: Math.min(500, ops - i) }, (_, j) => makeRecord(kind, i + j))); });
    await step('push', async () => {
      const push = db.sync({ pushKinds: [kind], pullKinds: [] });
      if (INUSE > 0) { await new Promise((r) => setTimeout(r, INUSE)); out['live during the push'] = prof('inuse'); }
      await push;
    });
    await step('pull of the echo', () => db.sync());
    await step('300 puts', async () => { for (let j = 0; j < 300; j++) await db.put(kind, makeRecord(kind, j, 1)); });
    await db.close();
    return out;
  }, [server.baseUrl, ops, process.env.MEMPROF_WASM ?? '/bench/dist/memprof.wasm', Number(process.env.MEMPROF_INUSE ?? 0), shape]);
  for (const [k, v] of Object.entries(r)) console.log(`== ${k}\n${v}`);
} finally {
  await browser.close();
  await server.stop();
}
