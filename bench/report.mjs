// Renders the harness's figures as BENCHMARKS.md.
import { median } from './harness.mjs';

const fmtMs = (v) => (v == null ? 'n/a' : v >= 100 ? `${Math.round(v).toLocaleString('en-US')} ms` : `${v.toFixed(1)} ms`);
const fmtX = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(2)}×`);
const fmtMB = (b) => (b == null ? 'n/a' : `${(b / 1048576).toFixed(1)} MiB`);
const fmtBytes = (b) => `${b.toLocaleString('en-US')} B (${b >= 1048576 ? `${(b / 1048576).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`})`;
const verdict = (ok) => (ok == null ? 'not measured' : ok ? '**met**' : '**missed**');

function med(res, scenario, side) {
  return median(res.scenarios[scenario]?.values[side]);
}

// fine: per-call times of the query batches, below 10 ms in hundredths of a millisecond.
function runs(res, scenario, side, fine = false) {
  const v = res.scenarios[scenario]?.values[side];
  return v ? v.map((x) => (fine && x < 10 ? x.toFixed(2) : Math.round(x))).join(', ') : '';
}
const fmtFine = (v) => (v != null && v < 10 ? `${v.toFixed(2)} ms` : fmtMs(v));

// lowerQuartile: the value a quarter of the runs are at or below (the runs the machine's other
// work slowed least).
function lowerQuartile(res, scenario, side) {
  const v = res.scenarios[scenario]?.values[side];
  return v?.length ? [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 4)] : null;
}

// timeTable renders one scenario: median per side, the runs, the ratio to raw; fine (the
// query batches) adds the ratio of the lower quartiles.
export function timeTable(res, scenario, sides, fine = false) {
  const rows = fine ? ['| side | median | runs (ms) | vs raw | lower quartile vs raw |', '|---|---|---|---|---|'] : ['| side | median | runs (ms) | vs raw |', '|---|---|---|---|'];
  const raw = med(res, scenario, 'raw');
  const rawQ = lowerQuartile(res, scenario, 'raw');
  for (const s of sides) {
    const m = med(res, scenario, s);
    const q = lowerQuartile(res, scenario, s);
    const quartile = fine ? ` ${q == null || rawQ == null ? 'n/a' : `${fmtFine(q)}, ${fmtX(q / rawQ)}`} |` : '';
    rows.push(`| ${s} | ${fine ? fmtFine(m) : fmtMs(m)} | ${runs(res, scenario, s, fine)} | ${m == null || raw == null ? 'n/a' : fmtX(m / raw)} |${quartile}`);
  }
  return rows.join('\n');
}

export function assess(res, size) {
  const m = (sc, s) => med(res, sc, s);
  const ratio = (sc) => (m(sc, 'offsync') == null ? null : m(sc, 'offsync') / m(sc, 'raw'));
  const mem = (n) => res.scenarios[`pull${n}`]?.extra.offsync?.[0]?.wasmBytes ?? null;
  const p = res.params;
  const pushOps = median(res.scenarios.push?.extra.offsync?.map((e) => e.opsPerSec));
  const memMain = mem(p.main);
  const sizes = [...p.otherSizes, p.main].sort((a, b) => a - b);
  const memFirst = mem(sizes[0]);
  const memLast = mem(sizes[sizes.length - 1]);
  const vsRx = m('initialPull', 'offsync') == null ? null : m('initialPull', 'rxdb') / m('initialPull', 'offsync');
  const ok = (v, pred) => (v == null ? null : pred(v));
  // Round-two targets (issue 16): ratios against the raw side or RxDB of the same run.
  const pushRaw = median(res.scenarios.push?.extra.raw?.map((e) => e.opsPerSec));
  const rxOpen = m('open', 'rxdb');
  const rxMany = m('putMany', 'rxdb');
  const noop = ratio('noopSync');
  return [
    { scenario: `initial pull of ${p.main.toLocaleString('en-US')}`, target: '≤ 1.10× raw; ≥ 2.5× faster than RxDB',
      value: `${fmtX(ratio('initialPull'))} raw; RxDB/offsync ${fmtX(vsRx)}`,
      met: ratio('initialPull') == null ? null : ratio('initialPull') <= 1.10 && vsRx >= 2.5 },
    { scenario: `incremental pull of ${p.incremental.toLocaleString('en-US')}`, target: '≤ 1.10× raw', value: fmtX(ratio('incrementalPull')), met: ok(ratio('incrementalPull'), (v) => v <= 1.10) },
    { scenario: `${p.writes.toLocaleString('en-US')} put, one by one`, target: '≤ 1.6× raw', value: fmtX(ratio('putOne')), met: ok(ratio('putOne'), (v) => v <= 1.6) },
    { scenario: `${p.writes.toLocaleString('en-US')} putMany in batches`, target: '≤ 1.15× raw and faster than RxDB',
      value: `${fmtX(ratio('putMany'))} raw; RxDB ${fmtMs(rxMany)}`, met: ratio('putMany') == null ? null : ratio('putMany') <= 1.15 && (rxMany == null || m('putMany', 'offsync') < rxMany) },
    { scenario: `push of ${p.push.toLocaleString('en-US')} ops`, target: '≥ 0.95× the raw side\'s ops/s',
      value: pushOps == null ? 'n/a' : `${pushOps.toLocaleString('en-US')} ops/s (${pushRaw ? fmtX(pushOps / pushRaw) : 'n/a'} raw)`, met: pushOps == null || !pushRaw ? null : pushOps >= 0.95 * pushRaw },
    { scenario: `no-op sync, ${p.noopKinds} kinds`, target: '≤ 1.10× raw', value: `${fmtMs(m('noopSync', 'offsync'))} (${fmtX(noop)} raw)`, met: ok(noop, (v) => v <= 1.10) },
    { scenario: 'open() to ready, wasm cached', target: '≤ 1.0× RxDB\'s open', value: `${fmtMs(m('open', 'offsync'))}; RxDB ${fmtMs(rxOpen)}`,
      met: m('open', 'offsync') == null || rxOpen == null ? null : m('open', 'offsync') <= rxOpen },
    { scenario: 'open() to ready, first visit (nothing cached, sync.wasm served br)', target: '≤ 300 ms median',
      value: `${fmtMs(m('firstVisitOpen', 'offsync'))}; RxDB ${fmtMs(m('firstVisitOpen', 'rxdb'))}`, met: ok(m('firstVisitOpen', 'offsync'), (v) => v <= 300) },
    { scenario: `wasm memory after the ${p.main.toLocaleString('en-US')} pull`, target: '≤ 16 MiB', value: fmtMB(memMain), met: ok(memMain, (v) => v <= 16 * 1048576) },
    { scenario: `wasm memory flat (${sizes.map((n) => n.toLocaleString('en-US')).join(' → ')})`, target: 'largest ≤ 1.25× smallest, ≤ 16 MiB',
      value: sizes.map((n) => fmtMB(mem(n))).join(' → '), met: memFirst == null || memLast == null ? null : memLast <= 1.25 * memFirst && memLast <= 16 * 1048576 },
    { scenario: 'sync.wasm gzip -9 / brotli q11', target: '≤ 1.0 MB gzip, ≤ 750 KB brotli',
      value: size ? `${fmtBytes(size.wasm.gzip)} / ${fmtBytes(size.wasm.brotli)}` : 'n/a', met: size ? size.wasm.gzip <= 1e6 && size.wasm.brotli <= 750e3 : null },
    ...queryTargets(res),
  ];
}

// The targets of the query rows (issue 14): ratios to raw and RxDB, put cost under watches.
function queryTargets(res) {
  const p = res.params;
  if (!res.scenarios.queryEq && !res.scenarios.watchNone) return [];
  const m = (sc, s) => med(res, sc, s);
  const vsRaw = (sc) => (m(sc, 'offsync') == null || m(sc, 'raw') == null ? null : m(sc, 'offsync') / m(sc, 'raw'));
  const vsRx = (sc) => (m(sc, 'offsync') == null || m(sc, 'rxdb') == null ? null : m(sc, 'rxdb') / m(sc, 'offsync'));
  const vsNone = (sc) => (m(sc, 'offsync') == null || m('watchNone', 'offsync') == null ? null : m(sc, 'offsync') / m('watchNone', 'offsync'));
  const n = (x) => x.toLocaleString('en-US');
  const fastRead = (sc, what) => ({ scenario: what, target: '≤ 1.3× raw; faster than RxDB',
    value: `${fmtX(vsRaw(sc))} raw; RxDB/offsync ${fmtX(vsRx(sc))}`,
    met: vsRaw(sc) == null ? null : vsRaw(sc) <= 1.3 && (vsRx(sc) == null || vsRx(sc) > 1) });
  const per = p.queryRecords / p.queryGroups;
  return [
    fastRead('queryEq', `query: ${n(per)} of ${n(p.queryRecords)} by indexed equality`),
    fastRead('queryRange', `query: page of 50 by indexed range, desc (${n(p.queryRecords)})`),
    { scenario: 'count on an indexed range', target: '≤ 1.3× raw', value: fmtX(vsRaw('queryCount')), met: vsRaw('queryCount') == null ? null : vsRaw('queryCount') <= 1.3 },
    { scenario: `unindexed query over ${n(p.queryRecords)}`, target: '≤ 1 s', value: fmtMs(m('queryScan', 'offsync')), met: m('queryScan', 'offsync') == null ? null : m('queryScan', 'offsync') <= 1000 },
    { scenario: `${n(p.watchPuts)} awaited puts, one watch(kind) of ${n(p.watchRecords)}`, target: '≤ 1.2× no watcher', value: fmtX(vsNone('watchKind')), met: vsNone('watchKind') == null ? null : vsNone('watchKind') <= 1.2 },
    { scenario: `${n(p.watchPuts)} awaited puts, five filtered watches`, target: '≤ 1.2× no watcher', value: fmtX(vsNone('watchFive')), met: vsNone('watchFive') == null ? null : vsNone('watchFive') <= 1.2 },
  ];
}

export function renderReport({ res, machine, size, goBench, commands, commit }) {
  const sides = res.sides;
  const p = res.params;
  const out = [];
  const missing = ['offsync', 'raw', 'rxdb'].filter((s) => !sides.includes(s));
  out.push('# offsync benchmarks', '');
  out.push('Generated by `make bench` (bench/run.mjs); do not edit by hand. Figures come from one run on one machine:',
    'these machines are noisy, so the ratios measured side by side in the same run are what count.', '');
  out.push('## Machine and run', '',
    `- date: ${machine.date}; commit ${commit}`,
    `- ${machine.cpus} × ${machine.cpuModel}; ${machine.memGiB} GiB memory; ${machine.os}`,
    `- Chromium ${res.chromium} (headless, playwright-core ${machine.playwright}); ${machine.go}; Node ${machine.node}; RxDB ${machine.rxdb}`,
    `- harness: ${res.seconds.toFixed(0)} s; ${p.reps} repetitions per scenario (incremental pull ${p.incrementalReps}, no-op sync ${p.noopReps}, open ${p.openReps}), sides interleaved in one page session and rotated each repetition; median reported`,
    `- page size ${p.pageSize} for every side's pull; push batches of ${p.pushBatchSize} ops; putMany batches of ${p.putManyBatch}`,
    '', 'Commands:', '', '```', ...commands, '```', '');
  if (missing.length) out.push(`**Not measured: ${missing.join(', ')}** (left out with --sides, or js/offsync.js or js/sync.wasm was not built when this ran).`, '');
  if (res.errors.length) out.push('**Harness checks that failed:**', '', ...res.errors.map((e) => `- ${e}`), '');

  out.push('## Targets', '', '| scenario | target | offsync | verdict |', '|---|---|---|---|');
  for (const a of assess(res, size)) out.push(`| ${a.scenario} | ${a.target} | ${a.value} | ${verdict(a.met)} |`);
  out.push('');

  out.push('## What each side does', '',
    '- **offsync**: the public JS API (`js/offsync.js`, bundled and minified with esbuild into one file beside sync.wasm, as an app ships it and as the RxDB side is: bench/bundle.mjs), IndexedDB storage: `open()`, `sync({kinds})`, `put`, `putMany`, `list`.',
    '- **raw**: hand-written JS doing only the unavoidable work: the same page fetches (same page size, following `nextPageToken`), `JSON.parse`, one IndexedDB transaction per page putting the items and the cursor; a write is one transaction putting the record and an outbox entry; push reads the outbox, POSTs `/batch`, and writes the answers back and removes the ops in one transaction per batch; a no-op sync counts the outbox and fetches every kind in parallel.',
    '- **rxdb**: RxDB with its free Dexie storage (`multiInstance: false`, no leader election wait) and the replication plugin; pull handler on `GET /{kind}?updatedSince&afterId&limit`, push handler on `POST /batch` (bench/page/rxdb-side.js). A pull is one `live: false` replication round resuming from its stored checkpoint; a no-op sync is `reSync()` + `awaitInSync()` on live replications; writes are `insert` / `bulkInsert`.',
    '');

  const sections = [
    ['initialPull', `Initial pull of ${p.main.toLocaleString('en-US')} records (~250 B) into an empty store`],
    ['incrementalPull', `Incremental pull of ${p.incremental.toLocaleString('en-US')} changed records into the ${p.main.toLocaleString('en-US')}-record store`],
    ['putOne', `${p.writes.toLocaleString('en-US')} local writes, each awaited`],
    ['putMany', `${p.writes.toLocaleString('en-US')} local writes in batches of ${p.putManyBatch}`],
    ['noopSync', `No-op sync (nothing pending, nothing new), ${p.noopKinds} kinds`],
    ['open', `open() to ready in a freshly loaded page of a returning user's browser (profile on disk: HTTP cache, compiled code and database from an earlier visit that preloaded sync.wasm 3 s before opening and stayed open through the other scenarios${res.wasmCodeCached === undefined ? '' : `; sync.wasm's compiled code ${res.wasmCodeCached ? 'was' : 'was not'} in the browser's code cache`}; includes importing the side's code)`],
    ['firstVisitOpen', 'open() to ready on a first visit (a new browser context: nothing cached, a new database; sync.wasm served as brotli; includes importing the side\'s code)'],
  ];
  for (const [key, title] of sections) out.push(`## ${title}`, '', timeTable(res, key, sides), '');
  if (res.scenarios.latencyPull) {
    const n = p.otherSizes[0].toLocaleString('en-US');
    out.push(`## Initial pull of ${n} records with ${p.latencyMs} ms of latency on every request (no target)`, '',
      `Chromium's network emulation adds ${p.latencyMs} ms to each request, as a real network would; every run pulls into a fresh store. offsync asks for the next page while it writes the one before (docs/DESIGN.md "Pull"), and RxDB while its writes queue behind its fetches; the raw side asks once the page is written, so each of its pages waits a round trip more. The rows above are over loopback, where the server answers in a few ms.`, '',
      timeTable(res, 'latencyPull', sides), '');
  }
  if (res.scenarios.queryEq) {
    const n = (x) => x.toLocaleString('en-US');
    out.push(`## Queries over ${n(p.queryRecords)} records (indexes on grp and n on every side)`, '',
      '- offsync: `db.query` / `db.count` (bench/page/queries.js); raw: one IndexedDB request on the same index (`index.getAll(value)`; the descending page with `index.getAllRecords({query, count: 50, direction: \'prev\'})`, a cursor where that is missing; `index.count(range)`), the unindexed one `getAll()` + filter + sort; RxDB: `find` / `count` with the same selector, its planner picking the index. Every side must read the same rows (checked).',
      '- The data: raw and RxDB write theirs locally; offsync pulls the same records from the server (seeded there), so its rows hold no pending op, the state an app\'s records are mostly in (records written locally carry their pending op in the same row until pushed, which a read pays for: `node bench/query-floor.mjs` measures that case).',
      `- Timing: a sample of the indexed rows times, with \`performance.now()\`, a batch of ${p.queryBatch ?? 1} calls made one after the other (the same shape with a different value each call, the same batch for every side, so no side answers from a cache), and reports the time per call; the unindexed row times one call. Each batch starts after a task's pause (untimed; no forced garbage collection, which cooled offsync's larger JavaScript), and the sides take turns going first and following each other (every order of the sides in turn: before, offsync always ran right after RxDB's batch in the range and count rows, raw never). Medians of ${p.querySamples ?? p.queryReps} samples (the unindexed row ${p.queryReps}); the ratio is of the medians (the verdict's), beside it that of the lower quartiles: on a loaded machine a batch can take several times its work, and the lower quartile is what the work costs.`, '');
    for (const [key, title] of [
      ['queryEq', `${n(p.queryRecords / p.queryGroups)} records by indexed equality (grp = value)`],
      ['queryRange', 'A page of 50 by indexed range (n in [lo, lo + 100,000)), ordered by n descending'],
      ['queryCount', 'count of the same indexed range (~10,000)'],
      ['queryScan', 'Unindexed: body startsWith a word, ordered by n descending, limit 50'],
    ]) out.push(`### ${title}`, '', timeTable(res, key, sides, true), '');
  }
  if (res.scenarios.watchNone) {
    const base = med(res, 'watchNone', 'offsync');
    out.push(`## ${res.params.watchPuts.toLocaleString('en-US')} awaited puts (new versions of stored records) into a kind of ${res.params.watchRecords.toLocaleString('en-US')}, under live watches (offsync)`, '',
      'Five filtered watches: done = true by n desc limit 50; grp < 100 by n limit 20; title startsWith by id limit 20; by n limit 100; n ≥ 500,000 by n desc limit 20. Callbacks: total calls during the timed puts. The kind\'s records are synced; a run starts its watches, waits for their first results, makes as many puts of other records untimed (the steady state: a watch\'s first result is garbage-collector work the first puts after it would pay once), times the puts and stops the watches; its puts are pushed (untimed) before the next run, the modes taking turns.', '',
      '| watches | median | runs (ms) | vs none | callbacks |', '|---|---|---|---|---|');
    for (const [key, what] of [['watchNone', 'none'], ['watchKind', 'one watch(kind)'], ['watchFive', 'five filtered']]) {
      const m = med(res, key, 'offsync');
      const calls = res.scenarios[key]?.extra.offsync?.map((e) => e.calls).join(', ') ?? '';
      out.push(`| ${what} | ${fmtMs(m)} | ${runs(res, key, 'offsync')} | ${m == null || base == null ? 'n/a' : fmtX(m / base)} | ${calls} |`);
    }
    out.push('');
  }

  out.push(`## Push of a ${p.push.toLocaleString('en-US')}-op backlog`, '',
    'offsync: time from `sync()` to its first pull-phase event (the pull that follows is not counted).', '',
    '| side | median | ops/s (median) | vs raw |', '|---|---|---|---|');
  for (const s of sides) {
    const m = med(res, 'push', s);
    const ops = median(res.scenarios.push?.extra[s]?.map((e) => e.opsPerSec));
    out.push(`| ${s} | ${fmtMs(m)} | ${ops == null ? 'n/a' : ops.toLocaleString('en-US')} | ${fmtX(m / med(res, 'push', 'raw'))} |`);
  }
  out.push('');

  const sizes = [...p.otherSizes, p.main].sort((a, b) => a - b);
  out.push('## Pull size series (one run each, each in a fresh page): time, wasm memory, JS heap', '',
    `At ${p.main.toLocaleString('en-US')} the times are the initial-pull medians above and the memory is read after offsync's first initial pull (its first use of the page's wasm runtime); RxDB is not run above ${p.main.toLocaleString('en-US')} to keep \`make bench\` under 15 minutes. JS heap is \`performance.memory.usedJSHeapSize\` right after the pull (not after a GC), n/a where not read.`, '',
    `| records | ${sides.map((s) => `${s} time`).join(' | ')} | offsync wasm memory | ${sides.map((s) => `${s} JS heap`).join(' | ')} |`,
    `|---|${sides.map(() => '---|').join('')}---|${sides.map(() => '---|').join('')}`);
  for (const n of sizes) {
    const sc = res.scenarios[`pull${n}`];
    const time = (s) => (n === p.main ? med(res, 'initialPull', s) : sc?.values[s]?.[0]);
    out.push(`| ${n.toLocaleString('en-US')} | ${sides.map((s) => fmtMs(time(s))).join(' | ')} | ${fmtMB(sc?.extra.offsync?.[0]?.wasmBytes)} | ${sides.map((s) => fmtMB(sc?.extra[s]?.[0]?.jsHeapBytes)).join(' | ')} |`);
  }
  out.push('');

  if (size) {
    out.push('## Sizes', '', '| file | raw | gzip -9 | brotli (q11) |', '|---|---|---|---|');
    for (const [name, s] of Object.entries(size)) out.push(`| ${s.file} | ${fmtBytes(s.raw)} | ${fmtBytes(s.gzip)} | ${fmtBytes(s.brotli)} |`);
    out.push('');
  }

  out.push('## Data checks', '', 'Digest = record count + FNV-1a over (id, fields, updatedAt) sorted by id, read back from each side\'s store.', '',
    '| after | side | count | checksum |', '|---|---|---|---|');
  for (const [k, d] of Object.entries(res.digests)) {
    const [after, side] = k.split('/');
    out.push(`| ${after} | ${side} | ${d.count.toLocaleString('en-US')} | \`${d.checksum}\` |`);
  }
  out.push('');

  out.push('## Host Go benchmarks', '');
  if (goBench.lines.length) out.push('```', ...goBench.lines, '```', '');
  else out.push(goBench.note, '');
  return out.join('\n');
}
