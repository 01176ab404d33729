// A plain evaluator of the query rules of JS-API.md "Queries and live queries", written from the
// text and nothing else (it shares no code with js/query.js), and the random data and queries
// the differential tests feed to it and to the stores.

/** The type's place in the total order: null/missing, false, true, numbers, strings, arrays/objects. */
function typeOrder(v) {
  if (v === undefined || v === null) return 0;
  if (v === false) return 1;
  if (v === true) return 2;
  if (typeof v === 'number') return 3;
  if (typeof v === 'string') return 4;
  return 5;
}

function codeUnitCompare(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function order(a, b) {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ta === 3) return a === b ? 0 : a < b ? -1 : 1;
  if (ta === 4) return codeUnitCompare(a, b);
  return 0;
}

/** The value at a dotted path; undefined when any step is missing or not an object. */
function at(record, field) {
  let v = record;
  for (const step of field.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, step)) return undefined;
    v = v[step];
  }
  return v;
}

function isScalar(v) {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function equalScalar(v, x) {
  if (x === null) return v === null || v === undefined;
  return isScalar(v) && typeof v === typeof x && v === x;
}

function ofType(v, x) {
  if (x === null) return v === null || v === undefined;
  return typeof v === typeof x && v !== null;
}

function test(op, v, x) {
  if (op === 'eq') return equalScalar(v, x);
  if (op === 'ne') return !equalScalar(v, x);
  if (op === 'in') return x.some((y) => equalScalar(v, y));
  if (op === 'startsWith') return typeof v === 'string' && v.slice(0, x.length) === x;
  if (!ofType(v, x)) return false;
  const c = order(v, x);
  return { gt: c > 0, gte: c >= 0, lt: c < 0, lte: c <= 0 }[op];
}

function orderList(orderBy) {
  if (orderBy === undefined) return [];
  if (typeof orderBy === 'string') return [[orderBy, 'asc']];
  if (orderBy.length === 2 && typeof orderBy[0] === 'string' && ['asc', 'desc'].includes(orderBy[1])) return [orderBy];
  return orderBy.map((o) => (typeof o === 'string' ? [o, 'asc'] : o));
}

/** referenceQuery(records, query): what query() must return over the live records. */
export function referenceQuery(records, query = {}) {
  const where = Object.entries(query.where ?? {});
  const rows = records.filter((r) => r.deletedAt == null && where.every(([field, cond]) => {
    const v = at(r, field);
    if (isScalar(cond)) return equalScalar(v, cond);
    return Object.entries(cond).every(([op, x]) => test(op, v, x));
  }));
  const by = orderList(query.orderBy);
  rows.sort((a, b) => {
    for (const [field, dir] of by) {
      const c = order(at(a, field), at(b, field));
      if (c !== 0) return dir === 'desc' ? -c : c;
    }
    return codeUnitCompare(a.id, b.id);
  });
  const from = query.offset ?? 0;
  return rows.slice(from, query.limit === undefined ? undefined : from + query.limit);
}

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

// Values of every type, with near-equal neighbours: 'a' and 'a\u0000', 2 and 2.5, surrogate
// pairs against BMP characters above them (UTF-16 order differs from code point order).
const STRINGS = ['', 'a', 'a\u0000', 'ab', 'b', 'B', 'é', '\uffff', '\ud83d\ude00', 'm-1', 'm-2', 'mood', '10', '9'];
const NUMBERS = [-3, -1.5, 0, 1, 2, 2.5, 3, 10, 1e9];

export function randomValue(r) {
  switch (r.int(8)) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: case 3: return r.pick(NUMBERS);
    case 4: case 5: return r.pick(STRINGS);
    case 6: return r.chance(0.5) ? [r.pick(NUMBERS)] : [];
    default: return { x: r.pick(NUMBERS) };
  }
}

/** Fields of the random records: flat, one dotted path (meta.score), each sometimes missing. */
export const FIELDS = ['a', 'b', 'c', 'meta.score'];
export const INDEXES = ['a', 'b', ['a', 'b'], ['b', 'c'], 'meta.score'];

export function randomRecord(r, id) {
  const rec = { id };
  for (const f of ['a', 'b', 'c']) if (r.chance(0.85)) rec[f] = randomValue(r);
  if (r.chance(0.7)) rec.meta = r.chance(0.85) ? { score: randomValue(r) } : r.pick([null, 5, 'x']);
  if (r.chance(0.3)) rec.text = r.pick(STRINGS);
  return rec;
}

function randomCondition(r) {
  const scalar = () => (r.chance(0.2) ? null : r.chance(0.2) ? r.chance(0.5) : r.chance(0.5) ? r.pick(NUMBERS) : r.pick(STRINGS));
  switch (r.int(10)) {
    case 0: return scalar();
    case 1: return { eq: scalar() };
    case 2: return { ne: scalar() };
    case 3: return { in: Array.from({ length: r.int(4) }, scalar) };
    case 4: return { startsWith: r.pick(['', 'a', 'm', 'm-', '\ud83d\ude00', 'é']) };
    case 5: return { gt: scalar() };
    case 6: return { gte: scalar(), lt: scalar() };
    case 7: return { lte: scalar() };
    case 8: return { gt: r.pick(NUMBERS), lte: r.pick(NUMBERS) };
    default: return { gte: r.pick(STRINGS), lt: r.pick(STRINGS) };
  }
}

/** A random query: conditions on 0–2 fields, orderBy in every accepted form, limit/offset. */
export function randomQuery(r) {
  const q = {};
  const nWhere = r.int(3);
  if (nWhere > 0) {
    q.where = {};
    for (let i = 0; i < nWhere; i++) q.where[r.pick(FIELDS)] = randomCondition(r);
  }
  const dir = () => r.pick(['asc', 'desc']);
  switch (r.int(5)) {
    case 0: break;
    case 1: q.orderBy = r.pick(FIELDS); break;
    case 2: q.orderBy = [r.pick(FIELDS), dir()]; break;
    case 3: q.orderBy = [[r.pick(FIELDS), dir()], [r.pick(FIELDS), dir()]]; break;
    default: q.orderBy = [r.pick(FIELDS), [r.pick(FIELDS), dir()]];
  }
  if (r.chance(0.5)) q.limit = r.int(12);
  if (r.chance(0.3)) q.offset = r.int(8);
  return q;
}
