// Queries and live queries (JS-API.md "Queries and live queries") under Node with memory
// storage and the real sync.wasm: malformed queries, a randomized differential test of
// db.query/db.count against the plain reference evaluator (support/reference.js) over random
// data, writes, deletes and pulls from the real server, and live watches checked after every
// random change against a fresh query(). The incremental algorithm of live.js alone is also
// run against a source evaluated by the reference, with reads that interleave with changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveQueries } from '../live.js';
import { eventually } from './support/server.js';
import { tenant } from './support/client.js';
import { serverFixture } from './support/fixtures.js';
import { INDEXES, randomQuery, randomRecord, referenceQuery, rng } from './support/reference.js';

const env = serverFixture();
const ten = env.tenant();

const SEED = Number(process.env.OFFSYNC_QUERY_SEED ?? Date.now() % 1e6);

const rejectsInvalid = (p, what) => assert.rejects(p, (e) => {
  assert.equal(e.code, 'invalid', `${what}: ${e.message}`);
  return true;
}, what);

test('a malformed query rejects with invalid; watch throws it', async () => {
  const db = await ten.open();
  const bad = [
    ['unknown operator', { where: { a: { like: 'x' } } }],
    ['in without an array', { where: { a: { in: 'x' } } }],
    ['in with an object', { where: { a: { in: [{}] } } }],
    ['a non-scalar value', { where: { a: [1] } }],
    ['an object value', { where: { a: { eq: { x: 1 } } } }],
    ['startsWith a number', { where: { a: { startsWith: 1 } } }],
    ['empty operator object', { where: { a: {} } }],
    ['NaN', { where: { a: { gt: NaN } } }],
    ['bad orderBy direction', { orderBy: [['a', 'down']] }],
    ['orderBy a number', { orderBy: 3 }],
    ['empty field', { where: { '': 1 } }],
    ['empty path step', { orderBy: 'a..b' }],
    ['negative limit', { limit: -1 }],
    ['fractional offset', { offset: 1.5 }],
    ['unknown key', { filter: {} }],
    ['not an object', 'a = 1'],
  ];
  for (const [what, q] of bad) {
    await rejectsInvalid(db.query('note', q), `query: ${what}`);
    await rejectsInvalid(db.count('note', q), `count: ${what}`);
    assert.throws(() => db.watch('note', q, () => {}), (e) => e.code === 'invalid', `watch: ${what}`);
  }
  await rejectsInvalid(db.query('nope', {}), 'unknown kind');
});

test('open() rejects malformed indexes', async () => {
  for (const indexes of [[], { note: 'a' }, { nope: ['a'] }, { note: [['a', 3]] }, { note: [[]] }, { note: [''] }]) {
    await assert.rejects(ten.open({ indexes }), (e) => e.code === 'invalid', JSON.stringify(indexes));
  }
});

test('the written rules on a fixed dataset', async () => {
  const db = await ten.open({ indexes: { note: ['n', ['n', 'date'], 'meta.tag'] } });
  const recs = [
    { id: 'r1', n: 5, date: '2026-11-02', meta: { tag: 'x' } },
    { id: 'r2', n: '5', date: '2026-11-01' },
    { id: 'r3', n: true, date: '2026-11-03', meta: { tag: 'xy' } },
    { id: 'r4', n: null },
    { id: 'r5' },
    { id: 'r6', n: [5], date: '2026-11-05', meta: null },
    { id: 'r7', n: 7.5, date: '2026-11-04', meta: { tag: 'y' } },
    { id: 'r8', n: false },
  ];
  await db.putMany('note', recs);
  await db.delete('note', 'r8');
  const ids = async (q) => (await db.query('note', q)).map((r) => r.id);
  assert.deepEqual(await ids({}), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'], 'no orderBy: id order, deleted left out');
  assert.deepEqual(await ids({ where: { n: 5 } }), ['r1'], 'eq matches the same type only');
  assert.deepEqual(await ids({ where: { n: null } }), ['r4', 'r5'], 'a missing field equals null');
  assert.deepEqual(await ids({ where: { n: { ne: 5 } } }), ['r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  assert.deepEqual(await ids({ where: { n: { gt: 1 } } }), ['r1', 'r7'], 'ranges keep to their type');
  assert.deepEqual(await ids({ where: { n: { in: [5, '5', null] } } }), ['r1', 'r2', 'r4', 'r5']);
  assert.deepEqual(await ids({ where: { 'meta.tag': { startsWith: 'x' } } }), ['r1', 'r3'], 'dotted paths');
  assert.deepEqual(await ids({ orderBy: 'n' }), ['r4', 'r5', 'r3', 'r1', 'r7', 'r2', 'r6'], 'null < booleans < numbers < strings < arrays');
  assert.deepEqual(await ids({ orderBy: ['n', 'desc'], limit: 3, offset: 1 }), ['r2', 'r7', 'r1']);
  assert.deepEqual(await ids({ where: { n: { gte: 5 } }, orderBy: [['date', 'desc']] }), ['r7', 'r1']);
  assert.equal(await db.count('note', { where: { n: { in: [5, '5'] } } }), 2);
  assert.equal(await db.count('note'), 7);
  assert.equal(await db.count('note', { where: { n: null }, limit: 1 }), 1, 'count is the length query() would return');
});

// A source for LiveQueries kept by the test: records in a Map, queries answered by the
// reference evaluator, every read answered after a random number of macrotasks so changes
// arrive while reads are in flight.
function fakeSource(r, store) {
  const later = async (fn) => {
    for (let i = r.int(3); i > 0; i--) await new Promise((res) => setImmediate(res));
    return JSON.parse(JSON.stringify(fn()));
  };
  return {
    reads: 0,
    query(kind, json) {
      this.reads += 1;
      return later(() => referenceQuery([...store.values()], JSON.parse(json)));
    },
    getMany(kind, ids) {
      this.reads += 1;
      return later(() => ids.map((id) => store.get(id) ?? null));
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 12; i++) await new Promise((res) => setImmediate(res));
};

test('live.js: incremental watches equal a fresh evaluation after every random change', async (t) => {
  t.diagnostic(`seed ${SEED} (OFFSYNC_QUERY_SEED replays it)`);
  for (let round = 0; round < 30; round++) {
    const r = rng(SEED * 100 + round);
    const store = new Map();
    for (let i = 0, n = r.int(50); i < n; i++) store.set('k' + i, randomRecord(r, 'k' + i));
    const source = fakeSource(r, store);
    const live = new LiveQueries(source, (e) => { throw e; });
    const invalid = (m) => Object.assign(new Error(m), { code: 'invalid' });
    const watches = Array.from({ length: 8 }, (_, i) => {
      // The whole kind, random queries, and short windows over many rows (heads that do not
      // hold every match, so their frontier and refills are exercised).
      const query = i === 0 ? undefined : i < 5 ? randomQuery(r) : { orderBy: randomQuery(r).orderBy, limit: r.int(4) + 1, offset: r.int(3) };
      const w = { query, calls: 0, rows: null };
      live.watch('note', query, invalid, (rows) => { w.calls += 1; w.rows = rows; });
      return w;
    });
    await settle();
    for (const w of watches) assert.deepEqual(w.rows, referenceQuery([...store.values()], w.query), `first result of ${JSON.stringify(w.query)}`);
    for (let step = 0; step < 60; step++) {
      const before = watches.map((w) => ({ calls: w.calls, rows: referenceQuery([...store.values()], w.query) }));
      // One to three writes in one task; their records go along or not, like local and tab changes.
      const ids = [];
      for (let k = r.int(3) + 1; k > 0; k--) {
        // Deletes and edits hit stored records (often in a window), puts may add new ones.
        const existing = [...store.keys()];
        const id = existing.length > 0 && r.chance(0.7) ? r.pick(existing) : 'k' + r.int(60);
        if (r.chance(0.35)) store.delete(id);
        else store.set(id, r.chance(0.3) && store.has(id) ? { ...store.get(id), text: 'edited' + step } : randomRecord(r, id));
        ids.push(id);
      }
      const whole = r.chance(0.05);
      const carried = r.chance(0.5);
      live.change('note', whole ? [] : ids, carried && !whole ? ids.map((id) => JSON.parse(JSON.stringify(store.get(id) ?? null))) : undefined);
      await settle();
      watches.forEach((w, i) => {
        const want = referenceQuery([...store.values()], w.query);
        const what = `round ${round} step ${step} ${JSON.stringify(w.query)}`;
        assert.deepEqual(w.rows, want, what);
        if (!whole) {
          if (JSON.stringify(want) === JSON.stringify(before[i].rows)) assert.equal(w.calls, before[i].calls, `no call when unaffected: ${what}`);
          else assert.ok(w.calls > before[i].calls, `called when affected: ${what}`);
        }
      });
    }
    live.stop();
  }
});

test('live.js: a whole-kind watch over many records reads nothing for carried changes', async () => {
  const r = rng(SEED);
  const store = new Map();
  for (let i = 0; i < 2000; i++) store.set('k' + String(i).padStart(5, '0'), randomRecord(r, 'k' + String(i).padStart(5, '0')));
  const source = fakeSource(r, store);
  const live = new LiveQueries(source, (e) => { throw e; });
  let last = null;
  let calls = 0;
  live.watch('note', undefined, Error, (rows) => { last = rows; calls += 1; });
  await settle();
  const readsAfterLoad = source.reads;
  for (let i = 0; i < 50; i++) {
    const id = 'k' + String(r.int(2500)).padStart(5, '0');
    const rec = randomRecord(r, id);
    store.set(id, rec);
    live.change('note', [id], [rec]);
  }
  await settle();
  assert.equal(source.reads, readsAfterLoad, 'carried records need no read');
  assert.equal(calls, 2, 'the changes of one task make one call');
  assert.deepEqual(last, referenceQuery([...store.values()]));
  live.stop();
});

// offsync.js tells sync.wasm which kinds have live queries (their changes carry records).
test('live.js: onFeed hears the first watch of a kind start and its last one stop', async () => {
  const heard = [];
  const live = new LiveQueries(fakeSource(rng(SEED), new Map()), (e) => { throw e; }, (kind, on) => heard.push([kind, on]));
  const stopA = live.watch('note', undefined, Error, () => {});
  const stopB = live.watch('note', { limit: 1 }, Error, () => {});
  const stopC = live.watch('task', undefined, Error, () => {});
  assert.deepEqual(heard, [['note', true], ['task', true]]);
  stopA();
  assert.equal(heard.length, 2, 'another watch of note runs');
  stopB();
  stopC();
  const stopD = live.watch('note', undefined, Error, () => {});
  assert.deepEqual(heard.slice(2), [['note', false], ['task', false], ['note', true]]);
  stopD();
  await settle();
  live.stop();
});

// One random step against a database: writes, deletes and pulls (the server's data written by
// another device of the same user), as the differential and live tests share them.
async function randomStep(r, db, other, step) {
  const id = () => 'r' + r.int(60);
  switch (r.int(6)) {
    case 0: {
      const recs = Array.from({ length: r.int(5) + 1 }, () => randomRecord(r, id()));
      const unique = [...new Map(recs.map((x) => [x.id, x])).values()];
      await db.putMany('note', unique);
      return 'putMany';
    }
    case 1:
      await db.delete('note', id());
      return 'delete';
    case 2: {
      await other.putMany('note', Array.from({ length: r.int(4) + 1 }, (_, i) => randomRecord(r, `o${step}-${i}`)));
      if (r.chance(0.5)) await other.delete('note', id());
      await other.sync();
      await db.sync();
      return 'pull';
    }
    default:
      await db.put('note', randomRecord(r, id()));
      return 'put';
  }
}

async function allRecords(db) {
  return db.list('note');
}

test('differential: db.query and db.count equal the reference over random data, writes and pulls', async (t) => {
  t.diagnostic(`seed ${SEED}`);
  for (let round = 0; round < 4; round++) {
    const r = rng(SEED + round);
    const shared = tenant(env.server);
    const db = await shared.open({ indexes: { note: INDEXES } });
    const other = await shared.open();
    try {
      await db.putMany('note', Array.from({ length: 40 }, (_, i) => randomRecord(r, 'r' + i)));
      for (let step = 0; step < 12; step++) {
        const what = await randomStep(r, db, other, step);
        const records = await allRecords(db);
        for (let k = 0; k < 15; k++) {
          const q = randomQuery(r);
          const want = referenceQuery(records, q);
          assert.deepEqual(await db.query('note', q), want, `round ${round} after ${what}: ${JSON.stringify(q)}`);
          assert.equal(await db.count('note', q), want.length, `count ${JSON.stringify(q)}`);
        }
      }
    } finally {
      await shared.closeAll();
    }
  }
});

test('live: after every random change each watch equals a fresh query(); unaffected watches are not called', async (t) => {
  t.diagnostic(`seed ${SEED}`);
  const r = rng(SEED + 7);
  const shared = tenant(env.server);
  const db = await shared.open({ indexes: { note: INDEXES } });
  const other = await shared.open();
  try {
    await db.putMany('note', Array.from({ length: 40 }, (_, i) => randomRecord(r, 'r' + i)));
    const watches = Array.from({ length: 8 }, (_, i) => {
      const query = i === 0 ? undefined : randomQuery(r);
      const w = { query, calls: 0, rows: null };
      w.stop = query === undefined
        ? db.watch('note', (rows) => { w.calls += 1; w.rows = rows; })
        : db.watch('note', query, (rows) => { w.calls += 1; w.rows = rows; });
      return w;
    });
    const quiet = async () => {
      // The last callback of each watch has come when its rows equal query() (or time runs out).
      await eventually(async () => {
        for (const w of watches) if (JSON.stringify(w.rows) !== JSON.stringify(await db.query('note', w.query ?? {}))) return false;
        return true;
      }, 10_000, 'watches to catch up').catch(() => {});
      await settle();
    };
    await quiet();
    for (let step = 0; step < 30; step++) {
      const before = await Promise.all(watches.map(async (w) => ({ calls: w.calls, rows: await db.query('note', w.query ?? {}) })));
      const what = await randomStep(r, db, other, step);
      await quiet();
      for (const [i, w] of watches.entries()) {
        const now = await db.query('note', w.query ?? {});
        const label = `step ${step} (${what}) ${JSON.stringify(w.query)}`;
        assert.deepEqual(w.rows, now, label);
        assert.deepEqual(now, referenceQuery(await allRecords(db), w.query), `query() against the reference: ${label}`);
        if (JSON.stringify(now) === JSON.stringify(before[i].rows)) assert.equal(w.calls, before[i].calls, `not called: ${label}`);
      }
    }
    for (const w of watches) w.stop();
  } finally {
    await shared.closeAll();
  }
});
