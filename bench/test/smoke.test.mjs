// The benchmark harness at tiny sizes, so that it cannot rot: every scenario yields a number
// for every side, and every side's store holds the same data afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench, SMOKE, SIDES, QUERY_SCENARIOS, WATCH_SCENARIOS, LARGE_SMOKE, LARGE_STEPS } from '../harness.mjs';
import { chartRows, renderChart } from '../chart.mjs';
import { renderReport } from '../report.mjs';
import { renderLargeSection } from '../report-large.mjs';

const SCENARIOS = ['initialPull', 'incrementalPull', 'latencyPull', 'putOne', 'putMany', 'push', 'noopSync', 'open', 'firstVisitOpen'];
const LARGE_SCENARIOS = ['initialPull', 'incrementalPull', 'putOne', 'putMany', 'push'];

test('bench harness runs every scenario on every side with equal data', { timeout: 90_000 }, async () => {
  // onRecord sees every figure as it comes (run.mjs writes results.json from it, so a late
  // failure keeps what was measured).
  let seen = 0;
  const res = await runBench({ params: SMOKE, log: () => {}, onRecord: () => { seen++; } });
  const figures = Object.values(res.scenarios).reduce((n, sc) => n + Object.values(sc.values).flat().length, 0);
  assert.equal(seen, figures, 'onRecord was called once per figure');

  // The chart has a bar per side for each scenario measured against raw.
  const rows = chartRows(res);
  assert.ok(rows.some((r) => r.name === 'putOne'), 'putOne is charted');
  for (const r of rows.filter((r) => SCENARIOS.includes(r.name))) assert.deepEqual(r.bars.map((b) => b.side), SIDES, `${r.name}: a bar per side`);
  const svg = renderChart(res);
  // The report renders from these figures with every target row judged or marked unmeasured.
  const machine = { date: 'now', cpus: 2, cpuModel: 'cpu', memGiB: '1', os: 'os', go: 'go', node: 'node', playwright: 'p', rxdb: 'r' };
  const md = renderReport({ res, machine, size: null, goBench: { lines: [], note: 'skipped' }, commands: [], commit: 'test' });
  assert.match(md, /## Targets/);
  assert.match(md, /≤ 1\.6× raw/, 'round-two put target');
  assert.match(md, /\| open\(\) to ready, first visit [^|]*\| ≤ 300 ms median \| [\d.,]+ ms; RxDB [\d.,]+ ms \| \*\*(met|missed)\*\* \|/, 'first-visit verdict row');
  assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, rows.reduce((n, r) => n + r.bars.length, 0), 'one bar per side measured');

  assert.deepEqual(res.errors, [], 'the harness checks of counts');
  assert.deepEqual(res.sides, SIDES, 'every side ran (offsync needs js/offsync.js and js/sync.wasm)');
  for (const sc of SCENARIOS) {
    for (const side of SIDES) {
      const v = res.scenarios[sc]?.values[side];
      assert.ok(v && v.length === SMOKE.reps, `${sc}/${side} has ${SMOKE.reps} figure(s): ${v}`);
      for (const x of v) assert.ok(Number.isFinite(x) && x > 0, `${sc}/${side} figure ${x}`);
    }
  }
  for (const sc of QUERY_SCENARIOS) {
    const samples = sc === 'queryScan' ? SMOKE.queryReps : SMOKE.querySamples;
    for (const side of SIDES) assert.ok(res.scenarios[sc]?.values[side]?.length === samples, `${sc}/${side} timed`);
  }
  for (const sc of Object.keys(WATCH_SCENARIOS)) assert.ok(res.scenarios[sc]?.values.offsync?.length === SMOKE.queryReps, `${sc} timed`);
  assert.ok(res.scenarios.watchKind.extra.offsync.every((e) => e.calls > 0), 'the whole-kind watch was called during the puts');
  // The pull over latency waits for it: raw's pages come one after another, at least two of
  // them for its records, each request held SMOKE.latencyMs.
  assert.ok(res.scenarios.latencyPull.values.raw[0] >= 2 * SMOKE.latencyMs, `raw's pull over latency: ${res.scenarios.latencyPull.values.raw[0]} ms`);
  assert.match(md, /## Initial pull of [\d,]+ records with \d+ ms of latency on every request/);
  for (const phase of ['initialPull', 'incrementalPull']) {
    const raw = res.digests[`${phase}/raw`];
    assert.equal(raw.count, SMOKE.main, `${phase}: raw count`);
    for (const side of ['offsync', 'rxdb']) assert.deepEqual(res.digests[`${phase}/${side}`], raw, `${phase}: ${side} data equals raw`);
  }
  for (const n of [SMOKE.main, ...SMOKE.otherSizes]) {
    const sc = res.scenarios[`pull${n}`];
    assert.ok(sc.values.offsync[0] > 0, `offsync pull of ${n} timed`);
    assert.ok(sc.extra.offsync[0].wasmBytes > 0, `wasm memory after pulling ${n}: ${sc.extra.offsync[0].wasmBytes}`);
    if (n !== SMOKE.main) assert.ok(sc.values.raw[0] > 0, `raw pull of ${n} timed`);
  }
});

test('bench harness runs the large record shape on every side with equal data', { timeout: 90_000 }, async () => {
  const res = await runBench({ params: LARGE_SMOKE, shape: 'large', only: LARGE_STEPS, log: () => {} });
  assert.deepEqual(res.errors, [], 'the harness checks of counts');
  assert.equal(res.shape, 'large');
  for (const sc of LARGE_SCENARIOS) {
    for (const side of SIDES) {
      const v = res.scenarios[sc]?.values[side];
      assert.ok(v && v.length === LARGE_SMOKE.reps, `${sc}/${side} has ${LARGE_SMOKE.reps} figure(s): ${v}`);
      for (const x of v) assert.ok(Number.isFinite(x) && x > 0, `${sc}/${side} figure ${x}`);
    }
  }
  for (const phase of ['initialPull', 'incrementalPull']) {
    const raw = res.digests[`${phase}/raw`];
    assert.equal(raw.count, LARGE_SMOKE.main, `${phase}: raw count`);
    for (const side of ['offsync', 'rxdb']) assert.deepEqual(res.digests[`${phase}/${side}`], raw, `${phase}: ${side} data equals raw`);
  }
  // The section judges the five measured rows and the memory after the pull, nothing else.
  const md = renderLargeSection(res);
  const verdicts = md.split('\n').filter((l) => /\| \*\*(met|missed)\*\* \|$/.test(l));
  assert.equal(verdicts.length, 6, md);
  assert.doesNotMatch(md, /not measured/);
});
