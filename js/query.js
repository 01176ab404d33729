// The query rules of JS-API.md "Queries and live queries" in JavaScript: validation (a malformed
// query is an 'invalid' error before it crosses to sync.wasm), the matcher of `where`, the one
// total order of `orderBy` and the offset/limit window. The stores (Go) evaluate queries for
// query() and count(); live watches (live.js) use these to place changed records in a result
// they keep, so both must follow the same written rules. At the end, the plan of a query that
// one IndexedDB index read answers, as idbstore makes it (offsync.js runs those here).

const OPERATORS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'startsWith']);
const QUERY_KEYS = new Set(['where', 'orderBy', 'limit', 'offset']);

/** makeInvalid(message) builds the 'invalid' error offsync.js throws. */
function fail(makeInvalid, message) {
  return makeInvalid('query: ' + message);
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// An object of the query (the query, where, an operator object) must reach core as a JSON
// object: one with a toJSON (a Date becomes a string) does not.
function isQueryObject(v) {
  return isPlainObject(v) && typeof v.toJSON !== 'function';
}

function isScalar(v) {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

// MAX_PATH_BYTES: core refuses a field path over 256 bytes of UTF-8 (the whole dotted path; a
// lone surrogate arrives as U+FFFD, 3 bytes, as TextEncoder counts it).
const MAX_PATH_BYTES = 256;
const utf8 = new TextEncoder();

// A UTF-16 code unit is at most 3 bytes of UTF-8: most names need no encoding to pass.
const tooLong = (f) => f.length * 3 > MAX_PATH_BYTES && utf8.encode(f).length > MAX_PATH_BYTES;

function checkField(field, makeInvalid) {
  if (typeof field !== 'string' || field === '' || field.split('.').some((p) => p === '')) {
    throw fail(makeInvalid, `bad field name ${JSON.stringify(field)} (non-empty names, dotted paths allowed)`);
  }
  if (tooLong(field)) throw fail(makeInvalid, `field name ${JSON.stringify(field)} is over ${MAX_PATH_BYTES} bytes of UTF-8`);
}

// inList is in's operand as core reads JSON.stringify's text of it: a hole of a sparse array
// is null (every and some would skip it).
function inList(field, v, makeInvalid) {
  const list = Array.isArray(v) ? Array.from(v, (x, i) => (i in v ? x : null)) : null;
  if (list === null || !list.every(isScalar)) throw fail(makeInvalid, `where.${field}.in: needs an array of strings, numbers, booleans or null`);
  return list;
}

function checkCondition(field, cond, makeInvalid) {
  if (isScalar(cond)) return { eq: cond };
  if (!isQueryObject(cond)) throw fail(makeInvalid, `where.${field}: a condition is a string, number, boolean, null or an operator object`);
  const ops = Object.keys(cond);
  if (ops.length === 0) throw fail(makeInvalid, `where.${field}: an operator object needs at least one operator`);
  const out = {};
  for (const op of ops) {
    const v = cond[op];
    if (!OPERATORS.has(op)) throw fail(makeInvalid, `where.${field}: unknown operator ${JSON.stringify(op)}`);
    if (op === 'in') {
      out.in = inList(field, v, makeInvalid);
      continue;
    }
    if (op === 'startsWith') {
      if (typeof v !== 'string') throw fail(makeInvalid, `where.${field}.startsWith: needs a string`);
    } else if (!isScalar(v)) {
      throw fail(makeInvalid, `where.${field}.${op}: needs a string, number, boolean or null`);
    }
    out[op] = v;
  }
  return out;
}

// orderBy: 'date' | ['date', 'desc'] | a list of those. A two-element array whose second
// element is 'asc' or 'desc' is one field with its direction; any other array is a list.
function normalizeOrderBy(orderBy, makeInvalid) {
  if (orderBy === undefined || orderBy === null) return [];
  const one = (x) => {
    if (typeof x === 'string') {
      checkField(x, makeInvalid);
      return { field: x, desc: false };
    }
    if (Array.isArray(x) && x.length === 2 && (x[1] === 'asc' || x[1] === 'desc')) {
      checkField(x[0], makeInvalid);
      return { field: x[0], desc: x[1] === 'desc' };
    }
    throw fail(makeInvalid, `orderBy: ${JSON.stringify(x)} is neither a field name nor [field, 'asc' | 'desc']`);
  };
  if (typeof orderBy === 'string') return [one(orderBy)];
  if (!Array.isArray(orderBy)) throw fail(makeInvalid, 'orderBy must be a field name, [field, direction] or a list of those');
  if (orderBy.length === 2 && typeof orderBy[0] === 'string' && (orderBy[1] === 'asc' || orderBy[1] === 'desc')) return [one(orderBy)];
  // Array.from visits holes (map skips them): JSON sends a hole as null, which core refuses.
  return Array.from(orderBy, one);
}

function checkCount(name, v, makeInvalid) {
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v) || v < 0) throw fail(makeInvalid, `${name} must be a non-negative integer`);
  return v;
}

/**
 * normalizeQuery(query, makeInvalid) validates a query of JS-API.md and returns its normal form:
 * { where: [{field, path, cond}], order: [{field, path, desc}], limit, offset } where limit is
 * Infinity when absent. Throws makeInvalid(message) on a malformed query.
 */
export function normalizeQuery(query, makeInvalid) {
  if (query === undefined || query === null) query = {};
  if (!isQueryObject(query)) throw fail(makeInvalid, 'a query is an object {where, orderBy, limit, offset}');
  for (const k of Object.keys(query)) {
    if (!QUERY_KEYS.has(k)) throw fail(makeInvalid, `unknown key ${JSON.stringify(k)} (where, orderBy, limit, offset)`);
  }
  const where = [];
  if (query.where !== undefined && query.where !== null) {
    if (!isQueryObject(query.where)) throw fail(makeInvalid, 'where must be an object of field conditions');
    for (const [field, cond] of Object.entries(query.where)) {
      checkField(field, makeInvalid);
      where.push({ field, path: field.split('.'), cond: checkCondition(field, cond, makeInvalid) });
    }
  }
  const order = normalizeOrderBy(query.orderBy, makeInvalid).map((o) => ({ ...o, path: o.field.split('.') }));
  const limit = checkCount('limit', query.limit, makeInvalid);
  const offset = checkCount('offset', query.offset, makeInvalid);
  return { where, order, limit: limit ?? Infinity, offset: offset ?? 0 };
}

/** fieldValue(record, path) is the value at a dotted path; undefined when missing. */
export function fieldValue(record, path) {
  let v = record;
  for (const p of path) {
    if (!isPlainObject(v) || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = v[p];
  }
  return v;
}

// rank places a value's type in the total order: null (and missing) < false < true < numbers
// < strings < arrays and objects.
function rank(v) {
  if (v === undefined || v === null) return 0;
  switch (typeof v) {
    case 'boolean': return v ? 2 : 1;
    case 'number': return 3;
    case 'string': return 4;
    default: return 5;
  }
}

/** compareValues(a, b) is the total order of JS-API.md: negative, 0 or positive. */
export function compareValues(a, b) {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 3 || ra === 4) return a < b ? -1 : a > b ? 1 : 0; // strings by UTF-16 code units
  return 0;
}

function sameScalar(v, x) {
  if (x === null) return v === null || v === undefined;
  return typeof v === typeof x && v === x;
}

// A range operand compares only with values of its own type (null: null and missing).
function sameType(v, x) {
  return x === null ? v === null || v === undefined : typeof v === typeof x;
}

function holds(op, v, x) {
  switch (op) {
    case 'eq': return sameScalar(v, x);
    case 'ne': return !sameScalar(v, x);
    case 'in': return x.some((y) => sameScalar(v, y));
    case 'startsWith': return typeof v === 'string' && v.startsWith(x);
    case 'gt': return sameType(v, x) && compareValues(v, x) > 0;
    case 'gte': return sameType(v, x) && compareValues(v, x) >= 0;
    case 'lt': return sameType(v, x) && compareValues(v, x) < 0;
    default: return sameType(v, x) && compareValues(v, x) <= 0; // lte
  }
}

/** matches(q, record): record passes every condition of the normal query q. */
export function matches(q, record) {
  for (const { path, cond } of q.where) {
    const v = fieldValue(record, path);
    for (const op in cond) if (!holds(op, v, cond[op])) return false;
  }
  return true;
}

/** comparator(q) orders records by q's orderBy, then by id ascending. */
export function comparator(q) {
  const order = q.order;
  return (a, b) => {
    for (const { path, desc } of order) {
      const c = compareValues(fieldValue(a, path), fieldValue(b, path));
      if (c !== 0) return desc ? -c : c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** applyWindow(q, rows) is the part of the ordered rows that offset and limit select. */
export function applyWindow(q, rows) {
  // slice(from) copies a long array several times faster than slice(from, undefined).
  return q.limit === Infinity ? rows.slice(q.offset) : rows.slice(q.offset, q.offset + q.limit);
}

// ---- The one-read plan (DESIGN.md "Queries planned in JS") ----
// planIndexRead mirrors, for IndexedDB storage, what idbstore's Store.Direct answers (core's
// PlanQuery over the kind's indexes, idbstore's keyRange and Direct's own conditions), so that
// a query or count that one index read answers never calls into Go: waking an idle Go runtime
// costs more than the read. Any other plan is null, and the query goes through Go.
// query-plan-browser.test.js holds both against each other over random queries.

// maxRead: Direct reads a window by count only up to 2^30 entries (getAll's count is 32 bits).
const MAX_READ = 2 ** 30;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// String.prototype.isWellFormed (Chromium 111+, Node 20+) is native; the regex serves older engines.
const malformed = typeof ''.isWellFormed === 'function' ? (s) => !s.isWellFormed() : (s) => LONE_SURROGATE.test(s);

// byteOrder compares strings as Go's < does (UTF-8 bytes, i.e. code points): UTF-16 units
// differ from it only between U+E000–U+FFFF and a surrogate pair.
function byteOrder(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    x = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x;
    y = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * indexesByKind(namesJSON) reads the query indexes of a connection from their names (helpers.js
 * ixNames: 'q:' + JSON [kind, fields]) as idbstore's parseIndexNames does: per kind
 * [{name, fields}], sorted by name (the planner prefers the first of equally good ones).
 */
export function indexesByKind(namesJSON) {
  const out = new Map();
  for (const name of JSON.parse(namesJSON).sort(byteOrder)) {
    let decl;
    try {
      decl = JSON.parse(name.slice(2));
    } catch {
      continue;
    }
    if (!Array.isArray(decl) || decl.length !== 2 || typeof decl[0] !== 'string' || !Array.isArray(decl[1])) continue;
    if (!out.has(decl[0])) out.set(decl[0], []);
    out.get(decl[0]).push({ name, fields: decl[1] });
  }
  return out;
}

// A value's tag in the total order (core's ValueTag): null 0, false 1, true 2, number 3, string 4.
const tagOf = (v) => (v === null ? 0 : v === false ? 1 : v === true ? 2 : typeof v === 'number' ? 3 : 4);
const classOf = (v) => (v === true ? 1 : tagOf(v));
const RANGE_OPS = new Set(['gt', 'gte', 'lt', 'lte', 'startsWith']);

// flatConds is q's where as core's Query has it: one condition per operator, sorted by field
// (bytes) then operator; null when core would read it otherwise (a string it would decode
// differently: a lone surrogate becomes U+FFFD).
function flatConds(q) {
  const out = [];
  for (const { field, path, cond } of q.where) {
    if (malformed(field)) return null;
    for (const op of Object.keys(cond)) {
      const v = cond[op];
      if (op === 'in' ? v.some((x) => typeof x === 'string' && malformed(x)) : typeof v === 'string' && malformed(v)) return null;
      out.push({ field, path, op, value: v });
    }
  }
  for (const o of q.order) if (malformed(o.field)) return null;
  return out.length < 2 ? out : out.sort((a, b) => byteOrder(a.field, b.field) || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
}

// prefixEnd is the least string above every string that starts with s; null when none.
function prefixEnd(s) {
  const cps = Array.from(s);
  while (cps.length > 0) {
    const r = cps.pop().codePointAt(0);
    if (r === 0xffff) continue;
    if (r === 0xd7ff) return cps.join('') + '\u{10000}';
    return r + 1 > 0x10ffff ? null : cps.join('') + String.fromCodePoint(r + 1);
  }
  return null;
}

// A range over the next index field (core's IndexRange): lo/hi {value, open} or null.
function narrow(r, c) {
  const cls = classOf(c.value);
  if (r.ranged && r.cls !== cls) return [false, true];
  r.ranged = true;
  r.cls = cls;
  const raise = (b) => {
    const d = r.lo === null ? 1 : compareValues(b.value, r.lo.value);
    if (d > 0 || (d === 0 && b.open)) r.lo = b;
  };
  const lower = (b) => {
    const d = r.hi === null ? -1 : compareValues(b.value, r.hi.value);
    if (d < 0 || (d === 0 && b.open)) r.hi = b;
  };
  switch (c.op) {
    case 'gt': raise({ value: c.value, open: true }); break;
    case 'gte': raise({ value: c.value, open: false }); break;
    case 'lt': lower({ value: c.value, open: true }); break;
    case 'lte': lower({ value: c.value, open: false }); break;
    default: { // startsWith
      raise({ value: c.value, open: false });
      const next = prefixEnd(c.value);
      if (next !== null) lower({ value: next, open: true });
      return [true, next !== null || c.value === ''];
    }
  }
  return [true, true];
}

function rangeEmpty(r) {
  if (r.lo === null || r.hi === null) return false;
  const d = compareValues(r.lo.value, r.hi.value);
  return d > 0 || (d === 0 && (r.lo.open || r.hi.open));
}

// indexOrders: whether walking the index (its first k fields pinned) yields order, and which way.
function indexOrders(fields, k, order) {
  const pinned = new Set(fields.slice(0, k));
  const rest = order.filter((o) => !pinned.has(o.field));
  if (rest.length === 0) return [k === fields.length, false];
  if (rest.length !== fields.length - k) return [false, false];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i].field !== fields[k + i] || rest[i].desc !== rest[0].desc) return [false, false];
  }
  return [true, rest[0].desc];
}

// planIndex plans conds over one index and scores it (core's planIndex); null: nothing can match.
function planIndex(fields, conds, order, limit) {
  const used = conds.map(() => false);
  const r = { eq: [], ranged: false, cls: 0, lo: null, hi: null };
  let k = 0;
  while (k < fields.length) {
    const j = conds.findIndex((c, i) => !used[i] && c.field === fields[k] && c.op === 'eq');
    if (j < 0) break;
    used[j] = true;
    r.eq.push(conds[j].value);
    k++;
  }
  if (k < fields.length) {
    for (let j = 0; j < conds.length; j++) {
      const c = conds[j];
      if (used[j] || c.field !== fields[k] || !RANGE_OPS.has(c.op)) continue;
      const [ok, exact] = narrow(r, c);
      if (!ok) return null;
      used[j] = exact;
    }
  }
  if (rangeEmpty(r)) return null;
  const residual = conds.filter((_, j) => !used[j]);
  const [ordered, desc] = indexOrders(fields, k, order);
  let score = 4 * r.eq.length + (r.ranged ? 2 : 0) + (ordered && limit >= 0 ? 3 : 0);
  if (score > 0 && residual.length === 0) score++;
  return { plan: { range: r, residual, ordered, desc }, score };
}

// keyPart is a value's index key items (helpers.js ixBound): its tag, then numbers' and strings' value.
const keyPart = (v) => (typeof v === 'number' || typeof v === 'string' ? [tagOf(v), v] : [tagOf(v)]);

// keyBounds is the range as index key parts (idbstore's keyRange; null: unbounded), which the
// helpers encode as keys (ixBound): a last [] means after every key starting with the rest.
function keyBounds(r) {
  const prefix = r.eq.flatMap(keyPart);
  if (!r.ranged) {
    if (r.eq.length === 0) return { lo: null, loOpen: false, hi: null, hiOpen: false };
    return { lo: prefix, loOpen: false, hi: [...prefix, []], hiOpen: false };
  }
  const [first, next] = r.cls === 1 ? [1, 3] : [r.cls, r.cls + 1];
  const b = { lo: [...prefix, first], loOpen: false, hi: [...prefix, next], hiOpen: true };
  if (r.lo !== null) b.lo = r.lo.open ? [...prefix, ...keyPart(r.lo.value), []] : [...prefix, ...keyPart(r.lo.value)];
  if (r.hi !== null) {
    b.hi = r.hi.open ? [...prefix, ...keyPart(r.hi.value)] : [...prefix, ...keyPart(r.hi.value), []];
    b.hiOpen = r.hi.open;
  }
  return b;
}

/**
 * planIndexRead(indexes, q, count) is Store.Direct's answer for the normal query q (from
 * normalizeQuery) over a kind's indexes (indexesByKind): the one index read's plan {index, lo,
 * loOpen, hi, hiOpen} for a count, plus {desc, n, head, conds, order, offset, limit} for a query
 * (helpers.js ixQuery), or null when Go must run it (a scan, no match possible, more than one
 * read). A count ignores q's order and window (count() applies them to the number).
 */
export function planIndexRead(indexes, q, count) {
  const conds = flatConds(q);
  if (conds === null) return null;
  const order = count ? [] : q.order;
  const limit = count || q.limit === Infinity ? -1 : q.limit;
  const offset = count ? 0 : q.offset;
  let best = null;
  let bestScore = 0;
  for (const ix of indexes) {
    const p = planIndex(ix.fields, conds, order, limit);
    if (p === null) return null; // core's Empty: Go answers it without a read
    if (p.score > bestScore) {
      best = { ix, ...p.plan };
      bestScore = p.score;
    }
  }
  if (best === null) return null;
  const plan = { index: best.ix.name, ...keyBounds(best.range) };
  if (count) return best.residual.length === 0 ? plan : null;
  let need = -1;
  if (best.ordered && limit >= 0 && offset + limit <= MAX_READ) need = offset + limit;
  if (need === 0 || (need >= 0 && best.residual.length > 0)) return null;
  plan.desc = best.desc;
  plan.n = need < 0 ? 0 : need;
  plan.head = need < 0 ? true : !best.desc;
  plan.conds = best.residual.length === 0 ? null : best.residual.map((c) => [c.path, c.op, c.value]);
  plan.order = order.map((o) => [o.path, o.desc]);
  plan.offset = offset;
  plan.limit = limit;
  return plan;
}
