// The benchmark run, shared by `make bench` (run.mjs) and the smoke test: start the server,
// seed it, drive headless Chromium through every scenario with the three sides interleaved in
// one page session, and return the raw figures.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { writeRecords, range, spread } from './seed.mjs';
import { queryRecord } from './page/queries.js';
import { firstVisitOpen } from './first-visit.mjs';
import { startVisit } from './returning-open.mjs';
import { bundleOffsync } from './bundle.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// incrementalReps: an incremental pull is short (~50-80 ms), so its median needs more runs.
export const FULL = {
  reps: 3, incrementalReps: 9, main: 100_000, otherSizes: [10_000, 300_000], incremental: 1_000, writes: 10_000,
  putManyBatch: 500, push: 10_000, noopKinds: 5, noopRecords: 20, noopReps: 31, openReps: 5,
  pageSize: 500, pushBatchSize: 100, latencyMs: 40, latencyReps: 3,
  queryRecords: 100_000, queryGroups: 1000, queryReps: 5, querySamples: 15, queryBatch: 10, fillBatch: 5000, watchRecords: 10_000, watchPuts: 200, watchReps: 11,
};

export const SMOKE = {
  reps: 1, incrementalReps: 1, main: 200, otherSizes: [100, 300], incremental: 20, writes: 30,
  putManyBatch: 10, push: 30, noopKinds: 5, noopRecords: 3, noopReps: 1, openReps: 1,
  pageSize: 50, pushBatchSize: 10, latencyMs: 40, latencyReps: 1,
  queryRecords: 300, queryGroups: 3, queryReps: 1, querySamples: 1, queryBatch: 2, fillBatch: 100, watchRecords: 100, watchPuts: 10, watchReps: 1,
};

// The large record shape (page/records.js makeLargeRecord: nested, non-ASCII, ~5.5 KB) runs
// LARGE_STEPS at smaller counts and fewer repetitions: its 10,000-record pull moves as many
// bytes as 200,000 small records, and it keeps the full `make bench` within its time.
export const LARGE = { ...FULL, incrementalReps: 5, main: 10_000, otherSizes: [], incremental: 500, writes: 2_000, push: 2_000 };
export const LARGE_SMOKE = { ...SMOKE, otherSizes: [] };
export const LARGE_STEPS = ['pull', 'write', 'push'];

// The query scenarios (bench/page/queries.js specs) of call r, over n in 0..1,000,002.
export const QUERY_SCENARIOS = ['queryEq', 'queryRange', 'queryCount', 'queryScan'];
const WORD_PREFIXES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
function querySpecs(p, r) {
  const lo = (r * 90_001) % 900_000;
  return {
    queryEq: { type: 'eq', field: 'grp', value: (r * 37) % p.queryGroups },
    queryRange: { type: 'range', field: 'n', lo, hi: lo + 100_000, limit: 50 },
    queryCount: { type: 'count', field: 'n', lo, hi: lo + 100_000 },
    queryScan: { type: 'scan', prefix: WORD_PREFIXES[r % WORD_PREFIXES.length], limit: 50 },
  };
}

// Watches during awaited puts (offsync only): none, the whole kind, five filtered ones.
export const WATCH_SCENARIOS = { watchNone: [], watchKind: [null], watchFive: [
  { where: { done: true }, orderBy: [['n', 'desc']], limit: 50 },
  { where: { grp: { lt: 100 } }, orderBy: 'n', limit: 20 },
  { where: { title: { startsWith: 'alpha' } }, limit: 20 },
  { orderBy: 'n', limit: 100 },
  { where: { n: { gte: 500_000 } }, orderBy: [['n', 'desc']], limit: 20 },
] };

// A sample of an indexed query row times a batch of p.queryBatch calls (a call takes ~1 ms, the
// page's clock ticks in 0.1 ms): the same queries of one shape with values that differ from call
// to call (no side, RxDB's query cache included, answers one from a cache), the same batch for
// every side; p.querySamples samples, so that a batch slowed by the machine's other work moves
// no median. The unindexed scan (~0.5 s a call) stays one call a sample, p.queryReps samples.
const batchOf = (p, scenario) => (scenario === 'queryScan' ? 1 : p.queryBatch);
const samplesOf = (p, scenario) => (scenario === 'queryScan' ? p.queryReps : p.querySamples);

export const SIDES = ['offsync', 'raw', 'rxdb'];

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'];

// rotate gives each repetition a different side first, so warm-up and drift spread evenly.
function rotate(list, r) {
  return list.map((_, i) => list[(i + r) % list.length]);
}

// turns is the order of the sides for repetition r of the query rows: the rotations of the
// list and of its reverse, alternating, so that over six repetitions of three sides every side
// comes first twice and right after each other side equally often (scenarios follow one
// another, so the last side of one precedes the first of the next). With rotate alone, the
// order [offsync, raw, rxdb] put offsync right after RxDB in every sample of the range and
// count rows and raw never: RxDB's ~250 ms page left its garbage and work to the next batch.
function turns(list, r) {
  return r % 2 === 0 ? rotate(list, r / 2) : rotate([...list].reverse(), (r - 1) / 2);
}

// STEPS are the scenario groups runBench can be limited to (opts.only).
export const STEPS = ['pull', 'write', 'push', 'noop', 'open', 'query'];

export async function runBench(opts = {}) {
  const p = { ...FULL, ...opts.params };
  const run = (step) => !opts.only || opts.only.includes(step);
  const log = opts.log ?? ((m) => process.stderr.write(`[bench] ${m}\n`));
  const token = opts.token ?? 'Bearer dev';
  // OFFSYNC_BENCH_SERVER benchmarks another server binary with the same flags.
  const bin = opts.serverBin ?? process.env.OFFSYNC_BENCH_SERVER ?? join(ROOT, 'bin/offsync-server');
  if (!existsSync(join(ROOT, 'bench/dist/rxdb-side.js'))) throw new Error('bench/dist/rxdb-side.js is missing: run it through make (make bench / make test-bench-smoke)');
  const withOffsync = existsSync(join(ROOT, 'js/offsync.js')) && existsSync(join(ROOT, 'js/sync.wasm'));
  const sides = (opts.sides ?? SIDES).filter((s) => s !== 'offsync' || withOffsync);
  // opts.shape: the record shape of the pulled and written records (page/records.js SHAPES).
  const shape = opts.shape ?? 'small';
  const res = { params: p, shape, sides, scenarios: {}, digests: {}, errors: [] };
  const t0 = Date.now();

  const server = await startServer({ bin, staticDir: ROOT, db: opts.db });
  let browser;
  let visit = null;
  try {
    const kindOf = (n) => (shape === 'small' ? `p${n}` : `${shape}${n}`);
    const noopKinds = range(p.noopKinds).map((i) => `noop${String.fromCharCode(97 + i)}`);
    log(`server ${server.origin}; seeding`);
    for (const n of run('pull') ? [p.main, ...p.otherSizes] : []) await writeRecords({ baseUrl: server.baseUrl, token, kind: kindOf(n), indexes: range(n), shape });
    for (const k of noopKinds) await writeRecords({ baseUrl: server.baseUrl, token, kind: k, indexes: range(p.noopRecords) });
    log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    browser = await chromium.launch({ executablePath: opts.chromium ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    res.chromium = browser.version();
    const context = await browser.newContext();
    const cfg = {
      baseUrl: server.baseUrl, token, pageSize: p.pageSize, pushBatchSize: p.pushBatchSize,
      // OFFSYNC_BENCH_MODULE: another build's offsync.js under the repository (a copied js/, as
      // bench/ab.mjs's AB_A_MODULE), for its rows with `--only`; by default js/ bundled as an
      // app ships it, as the RxDB side is (bundle.mjs).
      offsyncUrl: process.env.OFFSYNC_BENCH_MODULE ?? (withOffsync ? await bundleOffsync() : '/js/offsync.js'), rxdbUrl: '/bench/dist/rxdb-side.js', shape,
    };
    const newPage = async () => {
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`page error: ${e.message}`));
      await page.goto(`${server.origin}/bench/page/index.html`);
      await page.waitForFunction(() => window.bench);
      await page.evaluate((c) => window.bench.init(c), cfg);
      return page;
    };
    // The returning user's earlier visit (step 7) runs beside the other scenarios.
    visit = run('open') ? await startVisit({ executablePath: opts.chromium ?? '/usr/bin/chromium', args: CHROMIUM_ARGS,
      origin: server.origin, cfg, sides, kinds: noopKinds }) : null;
    let page = await newPage();
    const callOn = (pg, fn, args) => pg.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
    const call = (fn, ...args) => callOn(page, fn, args);
    const record = (scenario, side, value, extra) => {
      const s = (res.scenarios[scenario] ??= { values: {}, extra: {} });
      (s.values[side] ??= []).push(value);
      if (extra) (s.extra[side] ??= []).push(extra);
      log(`${scenario} ${side}: ${typeof value === 'number' ? value.toFixed(value < 10 ? 2 : 1) : value}${extra ? ` (${JSON.stringify(extra)})` : ''}`);
      opts.onRecord?.(res);
    };
    const expectCount = (what, got, want) => {
      if (got !== want) res.errors.push(`${what}: got ${got}, want ${want}`);
    };

    // 1. Initial pull of the main size; the last repetition's stores stay for step 2.
    const main = kindOf(p.main);
    const last = `init-${p.reps - 1}`;
    for (let r = 0; r < p.reps && run('pull'); r++) {
      for (const side of rotate(sides, r)) {
        const name = `${side}-init-${r}`;
        await call('open', side, name, [main]);
        const { ms, result } = await call('pull', side, name, main);
        record('initialPull', side, ms);
        expectCount(`initial pull ${side}`, result, p.main);
        // offsync runs first in repetition 0, so its wasm runtime is fresh here: this is the
        // main size's point of the memory series.
        if (side === 'offsync' && r === 0) record(`pull${p.main}`, side, ms, await call('memory'));
        if (r < p.reps - 1) await call('destroy', side, name);
      }
    }
    for (const side of run('pull') ? sides : []) res.digests[`initialPull/${side}`] = await call('digest', side, `${side}-${last}`, main);

    // 2. Incremental pull: the server changes `incremental` records, every side pulls them.
    for (let r = 0; r < p.incrementalReps && run('pull'); r++) {
      await writeRecords({ baseUrl: server.baseUrl, token, kind: main, indexes: spread(p.incremental, p.main, r), version: r + 1, shape });
      for (const side of rotate(sides, r)) {
        const { ms, result } = await call('pull', side, `${side}-${last}`, main);
        record('incrementalPull', side, ms);
        expectCount(`incremental pull ${side}`, result, p.incremental);
      }
    }
    for (const side of run('pull') ? sides : []) {
      res.digests[`incrementalPull/${side}`] = await call('digest', side, `${side}-${last}`, main);
      await call('destroy', side, `${side}-${last}`);
    }

    // 2b. Initial pull over a network: the first other size's records (seeded above) pulled with
    // Chromium adding p.latencyMs to every request (the DevTools protocol's network emulation),
    // in a page of its own, into a fresh store per run. Loopback answers in a few ms, where a
    // real network takes tens: this row shows what overlapping requests with the writes is worth.
    const latN = p.otherSizes[0];
    if (run('pull') && latN !== undefined && p.latencyMs > 0) {
      const latPage = await newPage();
      await addLatency(latPage, p.latencyMs);
      const callLat = (fn, ...args) => callOn(latPage, fn, args);
      for (let r = 0; r < p.latencyReps; r++) {
        for (const side of rotate(sides, r)) {
          const name = `${side}-latency-${r}`;
          await callLat('open', side, name, [kindOf(latN)]);
          const { ms, result } = await callLat('pull', side, name, kindOf(latN));
          record('latencyPull', side, ms);
          expectCount(`pull over latency ${side}`, result, latN);
          await callLat('destroy', side, name);
        }
      }
      await latPage.close();
    }

    // 3 and 4. Local writes, one by one and in batches, each repetition into a fresh store.
    for (const [scenario, method, batch] of run('write') ? [['putOne', 'putOne', 1], ['putMany', 'putMany', p.putManyBatch]] : []) {
      for (let r = 0; r < p.reps; r++) {
        for (const side of rotate(sides, r)) {
          const name = `${side}-${scenario}-${r}`;
          await call('open', side, name, ['lw']);
          const { ms } = await call('write', side, method, name, 'lw', `w${r}`, p.writes, batch);
          record(scenario, side, ms);
          await call('destroy', side, name);
        }
      }
    }

    // 5. Push of a backlog; each side and repetition pushes its own new kind.
    for (let r = 0; r < p.reps && run('push'); r++) {
      for (const side of rotate(sides, r)) {
        const name = `${side}-push-${r}`;
        const kind = `push${side}${r}`;
        await call('open', side, name, [kind]);
        const { ms, result } = await call('push', side, name, kind, kind, p.push, p.putManyBatch);
        record('push', side, ms, { opsPerSec: Math.round(result / (ms / 1000)) });
        expectCount(`push ${side}`, result, p.push);
        await call('destroy', side, name);
      }
    }

    // 6. No-op sync of a synced store with several kinds. A sync takes ~13 ms and a side's
    // runs spread over 10–16 ms with the machine: 31 runs, so that the medians hold still.
    const noopSteps = run('noop');
    for (const side of noopSteps ? sides : []) {
      await call('open', side, `${side}-noop`, noopKinds);
      await call('sync', side, `${side}-noop`, noopKinds);
    }
    for (let r = 0; r < p.noopReps && run('noop'); r++) {
      for (const side of rotate(sides, r)) {
        const { ms, result } = await call('sync', side, `${side}-noop`, noopKinds);
        record('noopSync', side, ms);
        expectCount(`no-op sync ${side}`, result, 0);
      }
    }
    for (const side of noopSteps ? sides : []) await call('destroy', side, `${side}-noop`);

    // 7. open() to ready in a freshly loaded page of a returning user's browser (profile on
    // disk: HTTP cache, compiled code and the database kept from the earlier visit).
    if (visit) res.wasmCodeCached = await visit.timeOpens({ reps: p.openReps, record, rotate, log });

    // 7b. open() on a first visit: nothing cached, sync.wasm served as brotli (first-visit.mjs).
    if (run('open')) await firstVisitOpen({ browser, origin: server.origin, cfg, reps: p.openReps, sides, record, rotate, errors: res.errors });

    // 8. Pull size series: each other size in a fresh page, for wasm memory flatness. RxDB
    // skips the sizes above the main one to keep the run short.
    for (const n of run('pull') ? p.otherSizes : []) {
      for (const side of sides.filter((s) => s !== 'rxdb' || n < p.main)) {
        await page.close();
        page = await newPage();
        const name = `${side}-size-${n}`;
        await call('open', side, name, [kindOf(n)]);
        const { ms, result } = await call('pull', side, name, kindOf(n));
        const mem = await call('memory');
        record(`pull${n}`, side, ms, mem);
        expectCount(`pull ${n} ${side}`, result, n);
        await call('destroy', side, name);
      }
    }

    // 9. Queries over queryRecords records, indexed on grp and n on every side (all sides
    // must read the same rows), then awaited puts under live watches (offsync alone).
    if (run('query')) {
      await page.close();
      page = await newPage();
      const indexes = { q: ['grp', 'n'] };
      // offsync's records come from the server (seeded here, pulled), as an app's mostly do: the
      // rows hold no pending op (written locally, each row would also carry its op until pushed;
      // `node bench/query-floor.mjs` measures that case). The raw side and RxDB write theirs.
      if (sides.includes('offsync')) {
        await writeRecords({ baseUrl: server.baseUrl, token, kind: 'q', indexes: range(p.queryRecords), make: (i) => queryRecord(i, p.queryGroups) });
      }
      for (const side of sides) {
        await call('open', side, `${side}-query`, ['q'], indexes);
        if (side === 'offsync') await call('sync', side, `${side}-query`);
        else await call('fillQuery', side, `${side}-query`, 'q', p.queryRecords, p.queryGroups, p.fillBatch);
      }
      log(`query data written (${p.queryRecords} records per side)`);
      for (let r = 0; r < Math.max(p.queryReps, p.querySamples); r++) {
        for (const scenario of QUERY_SCENARIOS.filter((sc) => r < samplesOf(p, sc))) {
          const n = batchOf(p, scenario);
          const specs = Array.from({ length: n }, (_, j) => querySpecs(p, r * n + j)[scenario]);
          const answers = {};
          for (const side of turns(sides, r)) {
            const { ms, result, rows } = await call('query', side, `${side}-query`, 'q', specs);
            record(scenario, side, ms, { rows, calls: n });
            answers[side] = result;
          }
          const want = answers.raw ?? Object.values(answers)[0];
          for (const [side, got] of Object.entries(answers)) if (got !== want) res.errors.push(`${scenario} ${JSON.stringify(specs[0])} (+${n - 1}): ${side} read other rows than raw`);
        }
      }
      for (const side of sides) await call('destroy', side, `${side}-query`);
      if (sides.includes('offsync')) {
        await page.close();
        page = await newPage();
        await call('open', 'offsync', 'offsync-watch', ['w'], { w: ['grp', 'n'] });
        await call('fillQuery', 'offsync', 'offsync-watch', 'w', p.watchRecords, p.queryGroups, p.fillBatch);
        // Synced records, as an app's kind mostly holds: the puts then start from an empty outbox.
        await call('sync', 'offsync', 'offsync-watch', ['w']);
        const modes = Object.keys(WATCH_SCENARIOS);
        // A run of 200 puts takes ~0.4 s and moves by ±15% with the machine: more runs than the
        // query rows, and each run's puts pushed (untimed) so that every run starts as the first.
        for (let r = 0; r < p.watchReps; r++) {
          for (const [i, mode] of rotate(modes, r).entries()) {
            const { ms, calls } = await call('watchedPuts', 'offsync-watch', 'w', WATCH_SCENARIOS[mode], p.watchPuts, p.watchRecords, p.queryGroups, r * modes.length + i + 1);
            record(mode, 'offsync', ms, { calls });
            await call('sync', 'offsync', 'offsync-watch', ['w']);
          }
        }
        await call('destroy', 'offsync', 'offsync-watch');
      }
    }
    await page.close();
  } finally {
    await visit?.end();
    await browser?.close();
    await server.stop();
  }
  res.seconds = (Date.now() - t0) / 1000;
  return res;
}

// addLatency has Chromium add ms to every request of page from now on (the DevTools protocol's
// network emulation), as a real network would.
export async function addLatency(page, ms) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: ms, downloadThroughput: -1, uploadThroughput: -1 });
}

export function median(xs) {
  if (!xs || xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
