// Where a push's CPU goes, by process: one side (offsync or raw) pushes N small records it wrote
// (untimed) beforehand, in batches of 100 as in `make bench`, and the CPU time each process
// spent meanwhile is printed (bench/proc-cpu.mjs): the reference server, Chromium's browser
// process (IndexedDB's backend), its renderer (the page: offsync's wasm and JavaScript, or
// raw's), and the network service. offsync's sync pulls nothing after the push.
//
//   node bench/cpu-split.mjs offsync|raw [N, default 10000] [module URL of offsync.js, default /js/offsync.js]
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
import { cpuByProcess, cpuSince } from './proc-cpu.mjs';

const [side = 'offsync', nArg = '10000', mod = '/js/offsync.js'] = process.argv.slice(2);
const n = Number(nArg);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  await page.waitForFunction(() => window.bench);
  await page.evaluate((c) => window.bench.init(c), { baseUrl: server.baseUrl, token: 'Bearer dev', pageSize: 500, pushBatchSize: 100, offsyncUrl: mod, shape: 'small' });
  const call = (fn, ...args) => page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
  await call('open', side, 'cpu', ['cpu']);
  await call('write', side, 'putMany', 'cpu', 'cpu', 'cpu', n, 500);
  await page.evaluate(() => { globalThis.benchPushOnly = true; });
  const before = cpuByProcess();
  const out = await call('pushOnly', side, 'cpu', 'cpu');
  const spent = cpuSince(before);
  const total = Object.values(spent).reduce((a, b) => a + b, 0);
  console.log(`${side} push of ${n}: ${out.ms.toFixed(0)} ms; CPU ms ${JSON.stringify(spent)}, ${total} in all`);
} finally {
  await browser.close();
  await server.stop();
}
