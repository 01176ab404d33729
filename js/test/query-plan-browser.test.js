// query.js's planIndexRead (the plan offsync.js runs without calling into Go) against
// idbstore's own (Store.Direct through the client's direct(), core's PlanQuery) in headless
// Chromium: over random indexes' data and many random queries and counts, both give the same
// plan (or both none), and the rows and counts read by the JS plan equal the reference
// evaluator's (support/reference.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { unique } from './support/server.js';
import { browserHarness } from './support/browser.js';
import { INDEXES, randomQuery, randomRecord, referenceQuery, rng } from './support/reference.js';
import { PACKAGE_FILES } from './support/modules.js';

const FILES = [
  ...PACKAGE_FILES,
  ['js/test/browser/page.html', 'page.html'],
  ['js/test/browser/plan-page.js', 'plan-page.js'],
];
const SEED = Number(process.env.OFFSYNC_QUERY_SEED ?? Date.now() % 1e6);

const h = browserHarness({ prefix: 'offsync-plan-', files: FILES });
let server;
let browser;

before(async () => {
  ({ server, browser } = await h.start());
});

after(async () => {
  await h.stop();
  assert.deepEqual(h.pageErrors, [], 'no uncaught page errors');
});

// Values near the planner's edges: type classes, prefixes whose end carries (U+FFFF, U+D7FF,
// surrogate pairs), bounds that meet or cross.
const EDGE_STRINGS = ['', 'a', 'a\uffff', '\uffff', '\ud7ff', 'x\ud7ff', '\ud83d\ude00', '\udbff\udfff', 'm', 'm-', 'é'];
const NUMS = [-1, 0, 1, 2, 2.5, 10];

// indexQuery is a query shaped for the index paths: equalities on index prefixes, one or two
// range operators on the next field, orderBy along an index (or not), limit/offset.
function indexQuery(r) {
  const scalar = () => r.pick([null, true, false, ...NUMS, ...EDGE_STRINGS]);
  const range = () => {
    switch (r.int(6)) {
      case 0: return { startsWith: r.pick(EDGE_STRINGS) };
      case 1: return { gt: scalar() };
      case 2: return { gte: scalar(), lt: scalar() };
      case 3: return { lte: scalar(), gt: scalar() };
      case 4: return { gt: r.pick(NUMS), gte: r.pick(NUMS), lt: r.pick(NUMS) };
      default: return { startsWith: r.pick(EDGE_STRINGS), lt: r.pick(EDGE_STRINGS) };
    }
  };
  const q = { where: {} };
  const fields = r.pick([['a'], ['b'], ['a', 'b'], ['b', 'c'], ['meta.score'], ['c'], ['a', 'c']]);
  const nEq = r.int(fields.length + 1);
  fields.forEach((f, i) => {
    q.where[f] = i < nEq ? (r.chance(0.7) ? scalar() : { eq: scalar() }) : range();
  });
  if (r.chance(0.15)) q.where[r.pick(['c', 'text'])] = r.pick([{ ne: scalar() }, { in: [scalar(), scalar()] }]);
  const dir = () => r.pick(['asc', 'desc']);
  switch (r.int(4)) {
    case 0: break;
    case 1: q.orderBy = [fields[fields.length - 1], dir()]; break;
    case 2: { const d = dir(); q.orderBy = fields.map((f) => [f, d]); break; }
    default: q.orderBy = [r.pick(['a', 'b', 'c']), dir()];
  }
  if (r.chance(0.6)) q.limit = r.int(15);
  if (r.chance(0.3)) q.offset = r.int(6);
  return q;
}

test('Chromium/IndexedDB: query.js plans one index read exactly as idbstore does, and reads the right rows', { timeout: 240_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (OFFSYNC_QUERY_SEED replays it)`);
  const context = await browser.newContext();
  try {
    const r = rng(SEED);
    const page = await h.newPage(context);
    await page.addScriptTag({ type: 'module', url: '/plan-page.js' });
    await page.waitForFunction(() => window.pt !== undefined, null, { timeout: 20_000 });
    await page.evaluate((cfg) => window.pt.open(cfg), { name: unique('plan'), baseUrl: server.baseUrl, indexes: { note: INDEXES } });
    let planned = 0;
    for (let round = 0; round < 4; round++) {
      const recs = Array.from({ length: 60 }, (_, i) => randomRecord(r, `r${round}-${i}`));
      recs.push(...Array.from({ length: 10 }, (_, i) => ({ id: `e${round}-${i}`, a: r.pick(EDGE_STRINGS), b: r.pick(EDGE_STRINGS), c: r.pick(NUMS) })));
      await page.evaluate((recs) => window.pt.putMany(recs), recs);
      const queries = Array.from({ length: 400 }, () => (r.chance(0.7) ? indexQuery(r) : randomQuery(r)));
      const [answers, records] = await page.evaluate(async (qs) => [await window.pt.plans(qs), await window.pt.list()], queries);
      queries.forEach((q, i) => {
        for (const op of ['query', 'count']) {
          const a = answers[i][op];
          const msg = `round ${round} ${op} ${JSON.stringify(q)}`;
          // Compared as parsed JSON text: -0 and 0 are one key.
          assert.deepEqual(a.js === null ? null : JSON.parse(a.js), a.go === null ? null : JSON.parse(a.go), msg);
          if (a.js === null) continue;
          planned++;
          const want = referenceQuery(records, op === 'count' ? { where: q.where } : q);
          assert.deepEqual(a.read, op === 'count' ? want.length : want, msg);
        }
      });
    }
    t.diagnostic(`${planned} of ${4 * 400 * 2} queries and counts planned as one index read`);
    assert.ok(planned > 4 * 400 / 2, 'most generated queries take the one-read path');
  } finally {
    await context.close();
  }
});
