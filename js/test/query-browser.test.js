// Queries and live queries in headless Chromium with IndexedDB storage (real indexes): the
// randomized differential test of db.query/db.count against the plain reference evaluator
// (support/reference.js) over random data, writes, deletes and pulls from the real server, and
// live watches in one tab following writes made in another tab and pulled by syncs: after every
// change each watch's last rows equal a fresh query(), and an unaffected watch is not called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unique } from './support/server.js';
import { browserFixture } from './support/fixtures.js';
import { tenant } from './support/client.js';
import { INDEXES, randomQuery, randomRecord, referenceQuery, rng } from './support/reference.js';
import { PACKAGE_FILES } from './support/modules.js';

const FILES = [
  ...PACKAGE_FILES,
  ['js/test/browser/page.html', 'page.html'],
  ['js/test/browser/query-page.js', 'query-page.js'],
];
const SEED = Number(process.env.OFFSYNC_QUERY_SEED ?? Date.now() % 1e6);

const h = browserFixture({ prefix: 'offsync-query-', files: FILES });

/** A tab with window.qt (query-page.js) on a database of cfg. */
async function tab(context, cfg) {
  const page = await h.newPage(context);
  await page.addScriptTag({ type: 'module', url: '/query-page.js' });
  await page.waitForFunction(() => window.qt !== undefined, null, { timeout: 20_000 });
  await page.evaluate((cfg) => window.qt.open(cfg), cfg);
  return page;
}

// One random step: local writes in `writer`, or a pull of what another device (a memory
// client of the same user, in Node) wrote and deleted.
async function randomStep(r, writer, other, step) {
  const id = () => 'r' + r.int(60);
  switch (r.int(6)) {
    case 0: {
      const recs = [...new Map(Array.from({ length: r.int(5) + 1 }, () => randomRecord(r, id())).map((x) => [x.id, x])).values()];
      await writer.evaluate((recs) => window.qt.db.putMany('note', recs), recs);
      return 'putMany';
    }
    case 1:
      await writer.evaluate((id) => window.qt.db.delete('note', id), id());
      return 'delete';
    case 2: {
      await other.putMany('note', Array.from({ length: r.int(4) + 1 }, (_, i) => randomRecord(r, `o${step}-${i}`)));
      if (r.chance(0.5)) await other.delete('note', id());
      await other.sync();
      await writer.evaluate(() => window.qt.db.sync());
      return 'pull';
    }
    default:
      await writer.evaluate((rec) => window.qt.db.put('note', rec), randomRecord(r, id()));
      return 'put';
  }
}

test('Chromium/IndexedDB: db.query and db.count equal the reference over random data, writes and pulls', { timeout: 240_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (OFFSYNC_QUERY_SEED replays it)`);
  const context = await h.browser.newContext();
  try {
    for (let round = 0; round < 2; round++) {
      const r = rng(SEED + round);
      const shared = tenant(h.server);
      const other = await shared.open();
      const page = await tab(context, { name: unique('idbq'), baseUrl: h.server.baseUrl, token: 'Bearer ' + shared.token, indexes: { note: INDEXES } });
      try {
        await page.evaluate((recs) => window.qt.db.putMany('note', recs), Array.from({ length: 40 }, (_, i) => randomRecord(r, 'r' + i)));
        for (let step = 0; step < 10; step++) {
          const what = await randomStep(r, page, other, step);
          const queries = Array.from({ length: 15 }, () => randomQuery(r));
          const { records, results, counts } = await page.evaluate((qs) => window.qt.run(qs), queries);
          queries.forEach((q, i) => {
            const want = referenceQuery(records, q);
            assert.deepEqual(results[i], want, `round ${round} after ${what}: ${JSON.stringify(q)}`);
            assert.equal(counts[i], want.length, `count ${JSON.stringify(q)}`);
          });
        }
      } finally {
        await page.close();
        await shared.closeAll();
      }
    }
  } finally {
    await context.close();
  }
});

test('Chromium, two tabs: watches follow the other tab\'s writes and pulls; unaffected watches are not called', { timeout: 240_000 }, async (t) => {
  t.diagnostic(`seed ${SEED}`);
  const r = rng(SEED + 99);
  const context = await h.browser.newContext();
  const shared = tenant(h.server);
  try {
    const other = await shared.open();
    const cfg = { name: unique('idbw'), baseUrl: h.server.baseUrl, token: 'Bearer ' + shared.token, indexes: { note: INDEXES } };
    const a = await tab(context, cfg);
    const b = await tab(context, cfg);
    await b.evaluate((recs) => window.qt.db.putMany('note', recs), Array.from({ length: 40 }, (_, i) => randomRecord(r, 'r' + i)));
    const queries = [null, ...Array.from({ length: 7 }, () => randomQuery(r))];
    await a.evaluate((qs) => qs.forEach((q) => window.qt.watch(q)), queries);
    await a.evaluate(() => window.qt.quiet());
    for (let step = 0; step < 25; step++) {
      const before = await a.evaluate(() => window.qt.snapshot());
      const writer = r.chance(0.7) ? b : a;
      const what = `${await randomStep(r, writer, other, step)} in tab ${writer === a ? 'A' : 'B'}`;
      const { ok, watches, records } = await a.evaluate(() => window.qt.quiet());
      assert.ok(ok, `step ${step} (${what}): the watches caught up`);
      watches.forEach((w, i) => {
        const label = `step ${step} (${what}) ${JSON.stringify(queries[i])}`;
        assert.deepEqual(w.rows, referenceQuery(records, queries[i] ?? {}), label);
        if (JSON.stringify(w.rows) === JSON.stringify(before[i].rows)) assert.equal(w.calls, before[i].calls, `not called: ${label}`);
        else assert.ok(w.calls > before[i].calls, `called: ${label}`);
      });
    }
  } finally {
    await context.close();
    await shared.closeAll();
  }
});
