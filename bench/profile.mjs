// Profiles one offsync scenario in Chromium with the DevTools CPU profiler and prints where
// the time goes (self time by function, wasm and JS). For the "where the time goes" notes.
//
//   GOOS=js GOARCH=wasm go build -o bench/dist/sync-prof.wasm ./wasm   # keeps function names
//   node bench/profile.mjs pull|incr|putOne|putMany|push|noop|open [N] [--side offsync|raw|rxdb] [--shape large]
//   (PROF_MODULE=/bench/dist/old/offsync.js PROF_WASM=/bench/dist/old/sync-prof.wasm: another build's)
//   (incr: N records pulled untimed, then 1,000 of them changed on the server and pulled;
//   noop: N no-op syncs in a row, the mean printed, so that small fixed costs show up;
//   --kinds K: of K kinds, as make bench's 5; push --push-only: offsync's sync pulls nothing
//   after the push, so that the profile holds the push alone)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
import { writeRecords, range, spread } from './seed.mjs';

const [scenario = 'pull', nArg = '20000'] = process.argv.slice(2);
const n = Number(nArg);
const side = process.argv.includes('--side') ? process.argv[process.argv.indexOf('--side') + 1] : 'offsync';
const shape = process.argv.includes('--shape') ? process.argv[process.argv.indexOf('--shape') + 1] : 'small';
const token = 'Bearer dev';
const kind = `prof${n}`;
const nKinds = process.argv.includes('--kinds') ? Number(process.argv[process.argv.indexOf('--kinds') + 1]) : 1;
const kinds = Array.from({ length: nKinds }, (_, i) => (i === 0 ? kind : `${kind}k${i}`));

const server = await startServer({ bin: process.env.OFFSYNC_BENCH_SERVER ?? join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  if (scenario === 'pull' || scenario === 'incr') await writeRecords({ baseUrl: server.baseUrl, token, kind, indexes: range(n), shape });
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  await page.waitForFunction(() => window.bench);
  await page.evaluate((c) => window.bench.init(c), {
    baseUrl: server.baseUrl, token, pageSize: 500, pushBatchSize: 100,
    offsyncUrl: process.env.PROF_MODULE ?? '/js/offsync.js', rxdbUrl: '/bench/dist/rxdb-side.js', wasmUrl: process.env.PROF_WASM ?? '/bench/dist/sync-prof.wasm', shape,
  });
  const call = (fn, ...args) => page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
  // open: the first open in the page (code load, wasm instantiation, database open);
  // noop: a sync with nothing pending and nothing new (after an untimed first sync).
  if (scenario !== 'open') await call('open', side, 'prof', kinds);
  if (scenario === 'noop') await call('sync', side, 'prof', kinds);
  if (scenario === 'push') await call('write', side, 'putMany', 'prof', kind, kind, n, 500);
  if (scenario === 'incr') {
    await call('pull', side, 'prof', kind);
    await writeRecords({ baseUrl: server.baseUrl, token, kind, indexes: spread(1000, n, 0), version: 1, shape });
  }
  if (process.argv.includes('--push-only')) await page.evaluate(() => { globalThis.benchPushOnly = true; });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  let out;
  if (scenario === 'open') out = await call('openTimed', side, 'prof', [kind]);
  else if (scenario === 'noop') {
    const t0 = Date.now();
    for (let i = 0; i < n; i++) await call('sync', side, 'prof', kinds);
    out = { ms: (Date.now() - t0) / n };
  }
  else if (scenario === 'pull' || scenario === 'incr') out = await call('pull', side, 'prof', kind);
  else if (scenario === 'push') out = await call('pushOnly', side, 'prof', kind);
  else out = await call('write', side, scenario, 'prof', kind, 'w', n, 500);
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(join(ROOT, `bench/dist/${process.env.PROF_NAME ?? side}-${scenario}-${n}.cpuprofile`), JSON.stringify(profile));
  console.log(`${side} ${scenario} ${n}: ${out.ms.toFixed(0)} ms`);
  summarize(profile);
} finally {
  await browser.close();
  await server.stop();
}

// summarize prints the top functions by self time and the split wasm / JS / idle / GC.
function summarize(profile) {
  const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
  const self = new Map();
  const dt = profile.timeDeltas;
  let total = 0;
  const groups = { wasm: 0, js: 0, idle: 0, gc: 0, program: 0 };
  profile.samples.forEach((id, i) => {
    const nd = byId.get(id);
    const d = (dt[i + 1] ?? 0) / 1000;
    total += d;
    const cf = nd.callFrame;
    const name = cf.functionName || '(anonymous)';
    const key = `${name}  ${cf.url ? cf.url.replace(/^.*\//, '') + ':' + cf.lineNumber : ''}`;
    self.set(key, (self.get(key) ?? 0) + d);
    if (name === '(idle)') groups.idle += d;
    else if (name === '(garbage collector)') groups.gc += d;
    else if (name === '(program)') groups.program += d;
    else if (cf.url.includes('.wasm') || cf.url.startsWith('wasm://')) groups.wasm += d;
    else groups.js += d;
  });
  console.log(`sampled ${total.toFixed(0)} ms: ${Object.entries(groups).map(([k, v]) => `${k} ${v.toFixed(0)} ms (${(100 * v / total).toFixed(0)}%)`).join(', ')}`);
  // Wasm self time by Go package (names look like encoding_json.stateInString).
  const pkgs = new Map();
  for (const [k, v] of self) {
    if (!k.includes('.wasm:')) continue;
    const name = k.split('  ')[0];
    const pkg = name.replace(/\.[^.]*$/, '').replace(/\.__.*$/, '');
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + v);
  }
  console.log(`wasm by package: ${[...pkgs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`);
}
