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
  for (const [what, q] of bad) await invalidEverywhere(db, what, q);
  await rejectsInvalid(db.query('nope', {}), 'unknown kind');
});

// query() and count() reject q with invalid, and watch() throws it at once.
async function invalidEverywhere(db, what, q) {
  await rejectsInvalid(db.query('note', q), `query: ${what}`);
  await rejectsInvalid(db.count('note', q), `count: ${what}`);
  assert.throws(() => db.watch('note', q, () => {}), (e) => e.code === 'invalid', `watch: ${what}`);
}

// core's parsePath bounds the whole dotted path, in bytes of UTF-8.
test('a field path over 256 bytes of UTF-8 is invalid for query, count and watch', async () => {
  const db = await ten.open();
  await invalidEverywhere(db, '257 ASCII bytes', { where: { ['f'.repeat(257)]: 1 } });
  await invalidEverywhere(db, '258 bytes in 129 code units', { where: { ['é'.repeat(129)]: 1 } });
  await invalidEverywhere(db, 'a dotted path of 257 bytes', { where: { ['a'.repeat(128) + '.' + 'b'.repeat(128)]: 1 } });
  await invalidEverywhere(db, 'an orderBy path of 257 bytes', { orderBy: 'f'.repeat(257) });
  const fine = { where: { ['é'.repeat(128)]: null }, orderBy: 'f'.repeat(256) };
  assert.deepEqual(await db.query('note', fine), [], '256 bytes are a field name');
  db.watch('note', fine, () => {})();
});

// JSON.stringify sends a hole as null, which core refuses as an orderBy entry (map would skip it).
test('an orderBy list with a hole is invalid for query, count and watch', async () => {
  const db = await ten.open();
  await invalidEverywhere(db, 'a hole in a list', { orderBy: ['a', , 'b'] });
  await invalidEverywhere(db, 'a hole before a direction', { orderBy: [, 'desc'] });
});

// A value with a toJSON reaches core as what toJSON returns: a Date is a string, not an object.
test('a query or where that JSON writes as a non-object (a Date) is invalid for query, count and watch', async () => {
  const db = await ten.open();
  await invalidEverywhere(db, 'where a Date', { where: new Date(0) });
  await invalidEverywhere(db, 'the query a Date', new Date(0));
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

// A watch's load is its own: one that fails (a storage error, a query the store refuses) is
// reported and waits for the next change, and the kind's other watches go on.
test('live.js: a failing load of one watch does not stop the other watches of its kind', async () => {
  const store = new Map([['a', { id: 'a', n: 1 }]]);
  let reads = 0;
  const source = {
    async query(kind, json) {
      reads += 1;
      if (JSON.parse(json).where?.bad !== undefined) throw Object.assign(new Error('storage failed'), { code: 'storage' });
      return referenceQuery([...store.values()]);
    },
    async getMany(kind, ids) {
      return ids.map((id) => store.get(id) ?? null);
    },
  };
  const errors = [];
  const live = new LiveQueries(source, (e) => errors.push(e));
  let rows;
  live.watch('note', undefined, Error, (r) => { rows = r; });
  await settle();
  assert.deepEqual(rows?.map((r) => r.id), ['a']);
  let badCalls = 0;
  live.watch('note', { where: { bad: 1 } }, Error, () => { badCalls += 1; });
  await settle();
  assert.equal(errors.length, 1, 'the failing load is reported once, not retried in a loop');
  for (const id of ['b', 'c']) {
    store.set(id, { id, n: 2 });
    live.change('note', [id], [store.get(id)]);
    await settle();
  }
  assert.deepEqual(rows.map((r) => r.id), ['a', 'b', 'c'], 'the healthy watch sees the puts of b and c');
  assert.equal(badCalls, 0, 'the failing watch never calls back');
  assert.equal(errors.length, 3, 'each change retries the failing load once');
  assert.equal(reads, 4, 'one load of the healthy watch, three of the failing one');
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// watchVsQuery waits until the watch's rows equal what query() returns (or 1.5 s pass) and
// returns both.
async function watchVsQuery(db, w, query) {
  let now;
  for (let end = Date.now() + 1500; ;) {
    now = await db.query('note', query);
    if (JSON.stringify(w.rows) === JSON.stringify(now) || Date.now() > end) break;
    await sleep(20);
  }
  return { watched: w.rows, queried: now };
}

function startWatch(db, query) {
  const w = { rows: undefined };
  w.stop = db.watch('note', query, (rows) => { w.rows = rows; });
  return w;
}

// A head of offset + limit rows plus slack would ask the store for a limit over core's bound
// (2^53): such a watch holds the whole result instead.
test('live: a watch with a limit or offset near 2^53 calls back with query()\'s rows', async () => {
  const db = await ten.open();
  await db.putMany('note', [{ id: 'a', n: 2 }, { id: 'b', n: 1 }]);
  const errors = [];
  db.on('error', (e) => errors.push(e.error.message));
  const queries = [
    { orderBy: 'n', limit: Number.MAX_SAFE_INTEGER },
    { orderBy: 'n', limit: 2 ** 52, offset: 2 ** 52 - 1 },
    { orderBy: 'n', offset: 1, limit: Number.MAX_SAFE_INTEGER - 1 },
  ];
  for (const query of queries) {
    const w = startWatch(db, query);
    await watchVsQuery(db, w, query);
    await db.put('note', { id: 'c', n: 0 });
    const { watched, queried } = await watchVsQuery(db, w, query);
    w.stop();
    await db.delete('note', 'c');
    assert.ok(watched !== undefined, `${JSON.stringify(query)} calls back (errors: ${JSON.stringify(errors)})`);
    assert.deepEqual(watched, queried, `${JSON.stringify(query)} (errors: ${JSON.stringify(errors)})`);
  }
});

// JSON.stringify sends a hole of a sparse array as null, so core's `in` matches null and
// missing fields there; the watch reads the hole the same way.
test('live: a watch with a sparse `in` array reads the hole as null, as query() does', async () => {
  const db = await ten.open();
  const query = { where: { n: { in: [1, , 2] } } };
  await db.putMany('note', [{ id: 'a', n: 1 }, { id: 'c', n: 2 }, { id: 'x', n: 3 }]);
  const w = startWatch(db, query);
  await watchVsQuery(db, w, query);
  await db.put('note', { id: 'd' }); // no n: a missing field equals null
  const { watched, queried } = await watchVsQuery(db, w, query);
  w.stop();
  assert.deepEqual(queried.map((r) => r.id), ['a', 'c', 'd'], 'query() matches the missing field');
  assert.deepEqual(watched, queried, 'watch rows equal query() rows');
});

// Go sends a deleted record as null; a record's own deletedAt field is data (query, get and
// list keep it).
test('live: a watch keeps a put record that carries a non-null deletedAt field', async () => {
  const db = await ten.open();
  const query = { orderBy: 'n' };
  const w = startWatch(db, query);
  await watchVsQuery(db, w, query);
  await db.put('note', { id: 'q', n: 1, deletedAt: '2020-01-01T00:00:00Z' });
  const { watched, queried } = await watchVsQuery(db, w, query);
  w.stop();
  assert.deepEqual(queried.map((r) => r.id), ['q'], 'query() returns it');
  assert.deepEqual(watched, queried, 'watch rows equal query() rows');
});

// offsync.d.ts: watch(kind, cb) has query(kind)'s rows, ids by UTF-16 code units; list() orders
// ids by UTF-8 bytes, which differs for ids outside the BMP.
test('live: watch(kind, cb) calls back with query(kind)\'s rows, ids by UTF-16 code units unlike list()', async () => {
  const db = await ten.open();
  await db.putMany('note', [{ id: '\uE000' }, { id: '\u{1F600}' }, { id: 'a' }]);
  let rows;
  const stop = db.watch('note', (r) => { rows = r; });
  await eventually(() => rows !== undefined, 1500, 'the first callback');
  stop();
  assert.deepEqual(rows.map((r) => r.id), ['a', '\u{1F600}', '\uE000'], 'UTF-16 code units');
  assert.deepEqual(rows, await db.query('note'));
  assert.deepEqual((await db.list('note')).map((r) => r.id), ['a', '\uE000', '\u{1F600}'], 'list() keeps byte order');
});
