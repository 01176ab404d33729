// The query rules of JS-API.md "Queries and live queries" in JavaScript: validation (a malformed
// query is an 'invalid' error before it crosses to sync.wasm), the matcher of `where`, the one
// total order of `orderBy` and the offset/limit window. The stores (Go) evaluate queries for
// query() and count(); live watches (live.js) use these to place changed records in a result
// they keep, so both must follow the same written rules.

const OPERATORS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'startsWith']);
const QUERY_KEYS = new Set(['where', 'orderBy', 'limit', 'offset']);

/** makeInvalid(message) builds the 'invalid' error offsync.js throws. */
function fail(makeInvalid, message) {
  return makeInvalid('query: ' + message);
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isScalar(v) {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function checkField(field, makeInvalid) {
  if (typeof field !== 'string' || field === '' || field.split('.').some((p) => p === '')) {
    throw fail(makeInvalid, `bad field name ${JSON.stringify(field)} (non-empty names, dotted paths allowed)`);
  }
}

function checkCondition(field, cond, makeInvalid) {
  if (isScalar(cond)) return { eq: cond };
  if (!isPlainObject(cond)) throw fail(makeInvalid, `where.${field}: a condition is a string, number, boolean, null or an operator object`);
  const ops = Object.keys(cond);
  if (ops.length === 0) throw fail(makeInvalid, `where.${field}: an operator object needs at least one operator`);
  for (const op of ops) {
    const v = cond[op];
    if (!OPERATORS.has(op)) throw fail(makeInvalid, `where.${field}: unknown operator ${JSON.stringify(op)}`);
    if (op === 'in') {
      if (!Array.isArray(v) || !v.every(isScalar)) throw fail(makeInvalid, `where.${field}.in: needs an array of strings, numbers, booleans or null`);
    } else if (op === 'startsWith') {
      if (typeof v !== 'string') throw fail(makeInvalid, `where.${field}.startsWith: needs a string`);
    } else if (!isScalar(v)) {
      throw fail(makeInvalid, `where.${field}.${op}: needs a string, number, boolean or null`);
    }
  }
  return cond;
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
  return orderBy.map(one);
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
  if (!isPlainObject(query)) throw fail(makeInvalid, 'a query is an object {where, orderBy, limit, offset}');
  for (const k of Object.keys(query)) {
    if (!QUERY_KEYS.has(k)) throw fail(makeInvalid, `unknown key ${JSON.stringify(k)} (where, orderBy, limit, offset)`);
  }
  const where = [];
  if (query.where !== undefined && query.where !== null) {
    if (!isPlainObject(query.where)) throw fail(makeInvalid, 'where must be an object of field conditions');
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
