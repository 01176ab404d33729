// Where an initial pull's (or a push's) time goes by Chromium's own trace events, offsync
// against raw (one page each, in turn): per thread that was busy 100 ms or more (the
// renderer's main thread, IndexedDB's backend in the browser process, ...), the self time of
// its top trace events. The CPU profiler (bench/profile.mjs) sees JavaScript and wasm; this
// sees what Blink and the backend do around them, e.g. a put's value deserialized again to
// read its keys (SerializedScriptValueFactory::deserialize). Machine noise moves every figure:
// compare sides over several runs.
//
//   make wasm server && node bench/trace-split.mjs [N, default 20000]
//   node bench/trace-split.mjs push [N, default 10000]: a push of N small records written
//   (untimed) beforehand in batches of 500, in batches of 100 as in `make bench`
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
import { writeRecords, range } from './seed.mjs';

const push = process.argv[2] === 'push';
const args = push ? process.argv.slice(3) : process.argv.slice(2);
const n = Number(args[0] ?? (push ? 10000 : 20000));
const categories = 'toplevel,disabled-by-default-devtools.timeline,IndexedDB,v8,blink,mojom,ipc';
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  if (!push) await writeRecords({ baseUrl: server.baseUrl, token: 'Bearer dev', kind: 'tr', indexes: range(n), shape: 'small' });
  for (const side of ['offsync', 'raw']) {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/bench/page/index.html`);
    await page.waitForFunction(() => window.bench);
    await page.evaluate((c) => window.bench.init(c), { baseUrl: server.baseUrl, token: 'Bearer dev', pageSize: 500,
      pushBatchSize: 100, offsyncUrl: '/js/offsync.js', rxdbUrl: '/bench/dist/rxdb-side.js', shape: 'small' });
    const call = (fn, ...args) => page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
    // A push's records are new on the server: each side pushes a kind of its own.
    const kind = push ? `tr${side}` : 'tr';
    await call('open', side, `tr-${side}`, [kind]);
    if (push) {
      await call('write', side, 'putMany', `tr-${side}`, kind, kind, n, 500);
      // offsync's sync would pull back what it pushed, inside the trace (profile.mjs --push-only).
      await page.evaluate(() => { globalThis.benchPushOnly = true; });
    }
    const cdp = await page.context().newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
    const { ms } = await call(push ? 'pushOnly' : 'pull', side, `tr-${side}`, kind);
    await cdp.send('Tracing.end');
    await done;
    console.log(`${side}: ${push ? 'push' : 'pull'} of ${n} in ${ms.toFixed(0)} ms`);
    for (const line of threadSplits(events)) console.log(line);
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

// threadSplits: per thread, complete ('X') events nested by time; an event's self time is its
// duration less its children's.
function threadSplits(events) {
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  const out = [];
  for (const [k, evs] of byThread) {
    evs.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const self = new Map();
    const open = [];
    let top = 0;
    for (const e of evs) {
      while (open.length && open[open.length - 1].ts + open[open.length - 1].dur <= e.ts) open.pop();
      const parent = open[open.length - 1];
      if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur);
      else top += e.dur;
      self.set(e.name, (self.get(e.name) ?? 0) + e.dur);
      open.push(e);
    }
    if (top < 100_000) continue; // µs
    out.push(`  ${names.get(k) ?? k}: ${(top / 1000).toFixed(0)} ms in top-level events`);
    for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      out.push(`    ${(us / 1000).toFixed(1).padStart(8)} ${name}`);
    }
  }
  return out;
}
