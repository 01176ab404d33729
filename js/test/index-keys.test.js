// idbstore's query index keys (helpers.js ixPart, ixBound; DESIGN.md "Queries and indexes"):
// one string per index entry that IndexedDB orders by UTF-16 code units. For random values and
// random compound keys, the order of the encoded strings (JavaScript's <, which is IndexedDB's
// string order) must be the query order of JS-API.md (query.js compareValues, field by field),
// equal values must encode equally, and the range bounds the planners describe must enclose
// exactly the keys they stand for. Chromium's own comparison (indexedDB.cmp) and the queries
// over real indexes are query-plan-browser.test.js's and idbstore's tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idbHelpers } from '../idb-helpers.js';
import { compareValues } from '../query.js';
import { rng } from './support/reference.js';

const { part, bound } = idbHelpers().ixTest;
const SEED = Number(process.env.OFFSYNC_QUERY_SEED ?? Date.now() % 1e6);

const EDGE_NUMBERS = [0, -0, 1, -1, 0.5, -0.5, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e-300, -1e-300, 1e300, Infinity, -Infinity, 3, 3.0000000000000004,
  // keys with lone surrogates (bits D800, DC00, DBFF, DFFF)
  7.880401239278896e+115, 1.0537109375122782, -1.0087882578227436, 1.4082506348336572e+135];
const EDGE_STRINGS = ['', '\0', '\0\0', '\x01', '\x01\0', '\0\x01', '\x02', 'a', 'a\0', 'a\0b', 'a\x01', 'ab', 'b',
  '\uffff', '\uffff\uffff', '\ud800', '\udfff', '\ud83d\ude00', '\ue000', '0', '3', '[', 'é'];

function randomValue(r) {
  switch (r.int(9)) {
    case 0: return null;
    case 1: return undefined;
    case 2: return r.int(2) === 0;
    case 3: return EDGE_NUMBERS[r.int(EDGE_NUMBERS.length)];
    case 4: return (r.int(2001) - 1000) / (1 + r.int(7));
    case 5: return (r.int(2) ? -1 : 1) * 10 ** (r.int(40) - 20) * r.int(100);
    case 6: return EDGE_STRINGS[r.int(EDGE_STRINGS.length)];
    case 7: {
      const units = [0, 1, 2, 0x30, 0x61, 0x62, 0xd800, 0xdc00, 0xe000, 0xfffe, 0xffff];
      let s = '';
      for (let n = r.int(5); n > 0; n--) s += String.fromCharCode(units[r.int(units.length)]);
      return s;
    }
    default: return r.int(2) ? [r.int(3)] : { a: r.int(3) };
  }
}

const sign = (x) => (x < 0 ? -1 : x > 0 ? 1 : 0);
const strCmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const tupleCmp = (a, b) => {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return sign(c);
  }
  return 0;
};
const key = (vs) => vs.map(part).join('');
const show = (vs) => JSON.stringify(vs.map((v) => (v === undefined ? 'undefined' : Object.is(v, -0) ? '-0' : v)));

test('encoded keys order as the query order, field by field', () => {
  const r = rng(SEED);
  for (let i = 0; i < 20000; i++) {
    const n = 1 + r.int(3);
    const a = Array.from({ length: n }, () => randomValue(r));
    const b = r.int(3) === 0 ? a.map((v, j) => (j < n - 1 ? v : randomValue(r))) : Array.from({ length: n }, () => randomValue(r));
    assert.equal(strCmp(key(a), key(b)), tupleCmp(a, b), `seed ${SEED}: ${show(a)} vs ${show(b)}`);
  }
});

test('every pair of edge values orders as compareValues', () => {
  const vs = [null, false, true, ...EDGE_NUMBERS, ...EDGE_STRINGS, [], {}];
  for (const a of vs) {
    for (const b of vs) {
      assert.equal(strCmp(part(a), part(b)), sign(compareValues(a, b)), `${show([a])} vs ${show([b])}`);
      // A part followed by another field still orders by the first.
      if (compareValues(a, b) !== 0) assert.equal(strCmp(part(a) + part(null), part(b)), sign(compareValues(a, b)));
    }
  }
  assert.equal(part(-0), part(0), '-0 is 0');
  assert.equal(part(undefined), part(null), 'missing is null');
});

test('bounds: parts as the planners send them, [] after every key with that start', () => {
  const r = rng(SEED + 1);
  for (let i = 0; i < 5000; i++) {
    const vs = Array.from({ length: 1 + r.int(2) }, () => randomValue(r)).map((v) => (v === undefined ? null : v));
    const items = vs.flatMap((v) => (typeof v === 'number' || typeof v === 'string' ? [typeof v === 'number' ? 3 : 4, v]
      : [v === null ? 0 : v === false ? 1 : v === true ? 2 : 5]));
    assert.equal(bound(items), key(vs), show(vs));
    const after = bound([...items, []]);
    const other = Array.from({ length: vs.length + 1 }, () => randomValue(r));
    const k = key(other);
    const starts = tupleCmp(other.slice(0, vs.length), vs) === 0;
    if (starts) assert.ok(k < after && k >= key(vs), `${show(other)} lies within ${show(vs)}'s keys`);
    else assert.equal(strCmp(k, after), tupleCmp(other.slice(0, vs.length), vs), `${show(other)} against after ${show(vs)}`);
    // A tag alone is the first key whose next field has that type (a class bound).
    const x = other[0];
    for (let t = 0; t <= 5; t++) {
      assert.equal(bound([...items, t]) <= key([...vs, x]), t <= typeRank(x), `tag ${t} against ${show([...vs, x])}`);
    }
  }
  assert.equal(bound(null), null);
});

function typeRank(v) {
  return v === undefined || v === null ? 0 : v === false ? 1 : v === true ? 2 : typeof v === 'number' ? 3 : typeof v === 'string' ? 4 : 5;
}
