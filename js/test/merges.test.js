// The JavaScript merge helpers (js/merges.js, exported by offsync.js as `merges`) against the
// table the Go helpers pass too (core/testdata/merges.json, core/mergetable_test.go). They work
// without sync.wasm: this file never loads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { merges } from '../merges.js';
import { merges as exported, OffsyncError } from '../offsync.js';

const table = JSON.parse(await readFile(new URL('../../core/testdata/merges.json', import.meta.url), 'utf8'));
const fns = { preserving: (c) => merges.preserving(c.local, c.server, c.changedFields), shallow: (c) => merges.shallow(c.local, c.server), deep: (c) => merges.deep(c.local, c.server) };

test('the shared table has cases for every helper', () => {
  assert.deepEqual(new Set(table.cases.map((c) => c.fn)), new Set(Object.keys(fns)));
});

for (const c of table.cases) {
  test(`${c.fn}: ${c.name}`, () => {
    const before = structuredClone({ local: c.local, server: c.server });
    const got = fns[c.fn](c);
    assert.deepEqual(got, c.want);
    assert.deepEqual({ local: c.local, server: c.server }, before, 'inputs unchanged');
  });
}

test('results share nothing with the inputs', () => {
  const local = { n: { x: 1 }, l: [{ id: 1 }] };
  const server = { m: { y: 1 }, k: [1] };
  for (const f of [(l, s) => merges.preserving(l, s), merges.shallow, merges.deep]) {
    const got = f(local, server);
    got.n.x = 'changed';
    got.m.y = 'changed';
    got.l[0].id = 'changed';
    got.k[0] = 'changed';
    assert.deepEqual(local, { n: { x: 1 }, l: [{ id: 1 }] });
    assert.deepEqual(server, { m: { y: 1 }, k: [1] });
  }
});

test('a "__proto__" key is data, never the prototype', () => {
  const local = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
  const server = JSON.parse('{"b": 2}');
  for (const f of [(l, s) => merges.preserving(l, s), merges.shallow, merges.deep]) {
    const got = f(local, server);
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.deepEqual(Object.keys(got).sort(), ['__proto__', 'a', 'b']);
    assert.equal(({}).polluted, undefined);
  }
  const merged = merges.preserving(JSON.parse('{"__proto__": {"x": 1}}'), JSON.parse('{"__proto__": {"y": 2}}'));
  assert.deepEqual(Object.getOwnPropertyDescriptor(merged, '__proto__').value, { y: 2, x: 1 });
  assert.equal(({}).x, undefined);
});

test('undefined values are absent, as in JSON', () => {
  assert.deepEqual(merges.deep({ a: undefined }, { a: 1 }), { a: 1 });
  assert.deepEqual(merges.shallow({ a: undefined, b: 2 }, { a: 1 }), { a: 1, b: 2 });
  assert.deepEqual(merges.preserving({ a: undefined }, { a: 1 }, ['a']), { a: 1 });
});

test('bad input is an invalid error', () => {
  for (const [l, s, cf] of [[[1], {}], [{}, 'x'], [{}, 3], [{}, {}, 'a']]) {
    assert.throws(() => merges.preserving(l, s, cf), (e) => e.code === 'invalid' && e.name === 'OffsyncError');
  }
  assert.throws(() => merges.shallow(7, {}), (e) => e.code === 'invalid');
  assert.throws(() => merges.deep({}, [1]), (e) => e.code === 'invalid');
  assert.ok(Object.isFrozen(merges));
  // The module's export gives the same results, and its errors are OffsyncError instances.
  assert.deepEqual(exported.shallow({ a: 1 }, { b: 2 }), merges.shallow({ a: 1 }, { b: 2 }));
  assert.throws(() => exported.deep({}, [1]), (e) => e instanceof OffsyncError && e.code === 'invalid');
  assert.ok(Object.isFrozen(exported));
});
