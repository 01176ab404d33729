// Values that are not JSON: put, putMany and enqueue refuse them with 'invalid' naming the field
// path (nothing is written), instead of storing {} or null; a Date is stored as its ISO string.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, OffsyncError } from '../../offsync.js';

let db;
before(async () => {
  db = await open({ name: 'values', baseUrl: 'http://127.0.0.1:9/api', kinds: ['note'], storage: 'memory' });
});
after(async () => { await db?.close(); });

const cycle = () => {
  const r = { id: 'c', a: { b: [] } };
  r.a.b.push(r);
  return r;
};

const CASES = [
  ['a typed array', { id: 'x', photo: { data: new Uint8Array(4) } }, 'record.photo.data', /a Uint8Array/],
  ['an Int16Array in an array', { id: 'x', list: [1, new Int16Array(1)] }, 'record.list[1]', /an Int16Array/],
  ['an ArrayBuffer', { id: 'x', buf: new ArrayBuffer(2) }, 'record.buf', /an ArrayBuffer/],
  ['a DataView', { id: 'x', v: new DataView(new ArrayBuffer(2)) }, 'record.v', /a DataView/],
  ['a Blob', { id: 'x', file: new Blob(['hi']) }, 'record.file', /a Blob/],
  ['a Map', { id: 'x', m: new Map([['a', 1]]) }, 'record.m', /a Map/],
  ['a Set', { id: 'x', s: new Set([1]) }, 'record.s', /a Set/],
  ['a function', { id: 'x', f: () => 1 }, 'record.f', /a function/],
  ['a function in an array', { id: 'x', a: [() => 1] }, 'record.a[0]', /a function/],
  ['a symbol', { id: 'x', deep: { 'odd key': Symbol('s') } }, 'record.deep["odd key"]', /a symbol/],
  ['NaN', { id: 'x', n: NaN }, 'record.n', /NaN/],
  ['Infinity', { id: 'x', n: Infinity }, 'record.n', /Infinity/],
  ['-Infinity', { id: 'x', n: [-Infinity] }, 'record.n[0]', /-Infinity/],
  ['a BigInt', { id: 'x', big: 10n }, 'record.big', /a BigInt/],
  ['a cycle', cycle(), 'record.a.b[0]', /a circular reference/],
  ['an invalid Date', { id: 'x', d: new Date('nope') }, 'record.d', /an invalid Date/],
];

test('put refuses values that are not JSON, naming the field path; nothing is written', async () => {
  for (const [what, record, path, why] of CASES) {
    await assert.rejects(db.put('note', record), (e) => {
      assert.ok(e instanceof OffsyncError, what);
      assert.equal(e.code, 'invalid', what);
      assert.equal(e.retryable, false, what);
      assert.ok(e.message.startsWith(path + ' is '), `${what}: ${e.message}`);
      assert.match(e.message, why, what);
      return true;
    });
  }
  assert.equal(await db.pendingCount(), 0);
  assert.deepEqual(await db.list('note'), []);
});

test('putMany and enqueue name the path inside their argument', async () => {
  await assert.rejects(db.putMany('note', [{ id: 'a' }, { id: 'b', tags: new Set() }]),
    (e) => e instanceof OffsyncError && e.code === 'invalid' && e.message.startsWith('records[1].tags is a Set'));
  await assert.rejects(db.enqueue({ type: 'upsert', kind: 'note', id: 'q', payload: { id: 'q', n: NaN } }),
    (e) => e instanceof OffsyncError && e.code === 'invalid' && e.message.startsWith('op.payload.n is NaN'));
  assert.equal(await db.pendingCount(), 0, 'the valid record of the refused putMany was not written either');
});

test('JSON values pass as JSON.stringify writes them: a Date as its ISO string, undefined fields dropped', async () => {
  class Point { constructor() { this.x = 1; this.y = 2; } }
  const stored = await db.put('note', {
    id: 'ok', at: new Date(Date.UTC(2026, 10, 26, 8, 30)), gone: undefined, nested: { list: [1, 'two', null, true, { deep: 0.5 }] },
    point: new Point(), empty: Object.create(null), url: new URL('https://example.com/a'),
  });
  assert.deepEqual(stored, {
    id: 'ok', at: '2026-11-26T08:30:00.000Z', nested: { list: [1, 'two', null, true, { deep: 0.5 }] },
    point: { x: 1, y: 2 }, empty: {}, url: 'https://example.com/a',
  });
  assert.deepEqual(await db.get('note', 'ok'), stored);
});
