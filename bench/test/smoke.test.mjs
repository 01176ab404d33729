// The benchmark harness at tiny sizes, so that it cannot rot: every scenario yields a number
// for every side, and every side's store holds the same data afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench, SMOKE, SIDES, QUERY_SCENARIOS, WATCH_SCENARIOS } from '../harness.mjs';

const SCENARIOS = ['initialPull', 'incrementalPull', 'putOne', 'putMany', 'push', 'noopSync', 'open'];

test('bench harness runs every scenario on every side with equal data', { timeout: 90_000 }, async () => {
  const res = await runBench({ params: SMOKE, log: () => {} });

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
    for (const side of SIDES) assert.ok(res.scenarios[sc]?.values[side]?.length === SMOKE.queryReps, `${sc}/${side} timed`);
  }
  for (const sc of Object.keys(WATCH_SCENARIOS)) assert.ok(res.scenarios[sc]?.values.offsync?.length === SMOKE.reps, `${sc} timed`);
  assert.ok(res.scenarios.watchKind.extra.offsync.every((e) => e.calls > 0), 'the whole-kind watch was called during the puts');
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
