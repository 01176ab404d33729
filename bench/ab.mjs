// A/B of two builds on no-op syncs of 5 kinds (or single puts, putMany batches of 500, or
// syncs pushing 1,000 ops),
// interleaved in ONE page (two Go runtimes side by side), so that the machine's noise hits
// both alike: page-to-page variance here is larger than the few-percent effects worth
// checking. Prints the median and mean of 300 syncs (1,000 puts, 40 batches, 8 pushes) each.
// putBlocks times blocks of 2,000 awaited puts, 6 per side, alternating: for a change that
// defers work to a later task, which one-by-one interleaving would charge to the other side;
// putManyBlocks likewise blocks of 10,000 in putMany batches of 500 (the bench's row).
// putMany and putManyBlocks with --shape large write the large records (bench/page/records.js),
// 16 batches a side and blocks of 2,000, to keep the in-memory database to ~200 MB; putOne
// and putBlocks --shape large put them one by one.
// --disk runs on a browser profile on disk, where durability costs what it costs on a device.
//
//   make wasm && cp js/sync.wasm bench/dist/a.wasm   # before (make wasm's flags and wasm-opt)
//   make wasm && cp js/sync.wasm bench/dist/b.wasm   # after
//   node bench/ab.mjs [noop|putOne|putMany|push|pull|incr] [--disk] [--shape large]
// AB_N=<count> changes the number of samples a side (at most 2,000). AB_LATENCY=<ms> adds that
// latency to every request (Chromium's network emulation), as a real network would.
// push --shape large: pushes of 1,000 large records (5.1–5.6 KB of nested, non-ASCII JSON).
// pull: an initial pull of 20,000 records (--shape large: 5,000 large ones) into a fresh
// database per run, 6 runs per side, alternating. incr: 1,000 of them (--shape large: 500) changed
// on the server, then pulled by both sides, 12 times.
// Both wasm builds run with js/offsync.js and js/idb-helpers.js as served; to compare across a
// change of those, copy a whole old js/ (offsync.js, idb-helpers.js, wasm_exec.js, sync.wasm)
// to a directory under the repository and name its offsync.js in AB_A_MODULE (or AB_B_MODULE),
// e.g. AB_A_MODULE=/bench/dist/old/offsync.js.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, addLatency } from './harness.mjs';
import { startServer } from './server.mjs';
import { writeRecords, range } from './seed.mjs';
const scenario = process.argv[2] ?? 'noop'; // noop | putOne | putBlocks | putMany (batches of 500) | putManyBlocks | push
const disk = process.argv.includes('--disk'); // a browser profile on disk instead of in memory
const shape = process.argv.includes('--shape') ? process.argv[process.argv.indexOf('--shape') + 1] : 'small';
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const pullN = shape === 'large' ? 5000 : 20000;
if (scenario === 'pull' || scenario === 'incr') await writeRecords({ baseUrl: server.baseUrl, token: 'Bearer dev', kind: 'pl', indexes: range(pullN), shape });
const profile = disk ? mkdtempSync(join(tmpdir(), 'offsync-ab-')) : null;
const opts = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] };
const browser = disk ? await chromium.launchPersistentContext(profile, opts) : await chromium.launch(opts);
try {
  const page = await browser.newPage();
  if (process.env.AB_LATENCY) await addLatency(page, Number(process.env.AB_LATENCY));
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, scenario, mods, count, shape, pullN]) => {
    const kinds = scenario === 'incr' ? ['pl'] : ['k1', 'k2', 'k3', 'k4', 'k5'];
    const { makeRecords } = await import('/bench/page/records.js');
    const large = shape === 'large' ? makeRecords('t', 0, 500, 0, shape) : null; // made once, untimed
    const dbs = {};
    for (const v of ['a', 'b']) {
      const mod = await import(mods[v] ?? '/js/offsync.js');
      const wasm = mods[v] ? {} : { wasmUrl: new URL(`/bench/dist/${v}.wasm`, location.href) };
      dbs[v] = await mod.open({ name: 'ab' + v + Math.random(), baseUrl, kinds, token: async () => 'Bearer dev', storage: 'indexeddb', ...wasm });
      await dbs[v].sync({ kinds });
    }
    const t = { a: [], b: [] }, tp = { a: [], b: [] };
    // push: each side its own kind, so that a sync pulls back its own 1,000 records only (with
    // one kind, a side's sync after the other's two also pulled their 2,000: bimodal samples).
    const pushKind = { a: 'k2', b: 'k3' };
    const run = async (v, i) => {
      if (scenario === 'noop') return dbs[v].sync({ kinds });
      if (scenario === 'pull') {
        const mod = await import(mods[v] ?? '/js/offsync.js');
        const wasm = mods[v] ? {} : { wasmUrl: new URL(`/bench/dist/${v}.wasm`, location.href) };
        const name = `abpull${v}${i}`;
        const db = await mod.open({ name, baseUrl, kinds: ['pl'], token: async () => 'Bearer dev', storage: 'indexeddb', ...wasm });
        const t0 = performance.now();
        await db.sync({ kinds: ['pl'] });
        const ms = performance.now() - t0;
        await db.close();
        await new Promise((res) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = r.onerror = res; });
        return ms;
      }
      if (scenario === 'push') {
        // --shape large: 1,000 of the bench's large records (records.js) instead.
        const recs = shape === 'large' ? makeRecords(`p${v}${i}`, 0, 1000, 0, 'large')
          : Array.from({ length: 1000 }, (_, j) => ({ id: `p${v}${i}-${j}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: j, tags: ['a', 'b'] }));
        for (let j = 0; j < recs.length; j += 500) await dbs[v].putMany(pushKind[v], recs.slice(j, j + 500)); // untimed below: only the sync is
        return null;
      }
      if (scenario === 'putOne') {
        return dbs[v].put('k1', shape === 'large' ? { ...large[i % 500], id: `${v}${i}` }
          : { id: `${v}${i}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: i, tags: ['a', 'b'] });
      }
      if (scenario === 'putBlocks') {
        for (let j = 0; j < 2000; j++) {
          await dbs[v].put('k1', shape === 'large' ? { ...large[j % 500], id: `${v}${i}-${j}` }
            : { id: `${v}${i}-${j}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: j, tags: ['a', 'b'] });
        }
        return null;
      }
      const batch = (tag) => (shape === 'large' ? large.map((r, j) => ({ ...r, id: `${v}${tag}-${j}` }))
        : Array.from({ length: 500 }, (_, j) => ({ id: `${v}${tag}-${j}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: j, tags: ['a', 'b'] })));
      if (scenario === 'putManyBlocks') {
        for (let j = 0; j < (shape === 'large' ? 4 : 20); j++) await dbs[v].putMany('k1', batch(`${i}-${j}`));
        return null;
      }
      return dbs[v].putMany('k1', batch(i));
    };
    const n = count || ({ noop: 300, putOne: 1000, putBlocks: 6, putManyBlocks: 6, push: 8, pull: 6, incr: 12 }[scenario] ?? (shape === 'large' ? 16 : 40));
    for (let i = 0; i < n; i++) {
      if (scenario === 'incr') { // the same changes for both sides, made before either pulls
        const changed = shape === 'large' ? 500 : 1000;
        for (let at = 0; at < changed; at += 500) {
          const ops = makeRecords('pl', (i * 397 + at) % (pullN - 500), 500, i + 1, shape).map((payload) => (
            { opId: crypto.randomUUID(), kind: 'pl', id: payload.id, type: 'upsert', payload, force: true }));
          const res = await fetch(`${baseUrl}/batch`, { method: 'POST', headers: { Authorization: 'Bearer dev', 'Content-Type': 'application/json' }, body: JSON.stringify({ ops }) });
          if (!res.ok) throw new Error(`POST /batch: ${res.status}`);
        }
      }
      for (const v of (i % 2 ? ['a', 'b'] : ['b', 'a'])) {
        if (scenario === 'push') await run(v, i);
        const t0 = performance.now();
        if (scenario === 'push') {
          // The push phase ends at the first pull-phase event (sync() then pulls back what it pushed).
          let pushEnd = 0;
          const mark = (e) => { if (!pushEnd && (e.detail ?? e).phase === 'pull') pushEnd = performance.now(); };
          const offs = [dbs[v].on('progress', mark), dbs[v].on('syncStarted', mark)];
          await dbs[v].sync({ kinds: [pushKind[v]] });
          for (const off of offs) off();
          tp[v].push((pushEnd || performance.now()) - t0);
        } else if (scenario === 'pull') { t[v].push(await run(v, i)); continue; } else if (scenario === 'incr') {
          const st = await dbs[v].sync({ kinds });
          if (st.pulled < 500) throw new Error(`incr pulled ${st.pulled}`);
        } else await run(v, i);
        t[v].push(performance.now() - t0);
      }
    }
    const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[s.length >> 1]; };
    const mean = (xs) => xs.reduce((x, y) => x + y, 0) / xs.length;
    const stats = (v) => [med(t[v]), mean(t[v]), ...(tp[v].length ? [med(tp[v]), mean(tp[v])] : [])];
    return { a: stats('a'), b: stats('b'), runs: scenario === 'pull' || scenario === 'incr' ? t : undefined };
  }, [server.baseUrl, scenario, { a: process.env.AB_A_MODULE, b: process.env.AB_B_MODULE }, Math.min(Number(process.env.AB_N) || 0, 2000), shape, pullN]);
  const phase = (x) => (x.length > 2 ? ` (push phase: median ${x[2].toFixed(2)} mean ${x[3].toFixed(2)})` : '');
  console.log(`a: median ${r.a[0].toFixed(2)} mean ${r.a[1].toFixed(2)}${phase(r.a)} | b: median ${r.b[0].toFixed(2)} mean ${r.b[1].toFixed(2)}${phase(r.b)}`);
  if (r.runs) console.log(`runs a: ${r.runs.a.map((x) => x.toFixed(0)).join(', ')} | b: ${r.runs.b.map((x) => x.toFixed(0)).join(', ')}`);
} finally {
  await browser.close();
  await server.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
}
