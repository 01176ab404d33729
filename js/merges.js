// The seed's merge helpers in plain JavaScript, for mergeFunction and conflictResolver: the
// same results as core's (PreservingMerge and defaultMerge in core/merge.go, deepMerge in
// core/merge_seed_internal_test.go; the table in
// core/testdata/merges.json is run against both). They work without sync.wasm loaded, never
// modify their inputs and share nothing with them. Records are JSON objects: null or
// undefined is an empty object; a key whose value is undefined is absent, as in JSON.

// System fields: identity and server-owned versions, in both spellings. preserving keeps the
// server's.
const SYSTEM_FIELDS = new Set(['id', 'updatedAt', 'updated_at', 'createdAt', 'created_at', 'deletedAt', 'deleted_at']);

function invalid(message) {
  const e = new Error(message);
  e.name = 'OffsyncError';
  e.code = 'invalid';
  e.retryable = false;
  return e;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// own and put read and write only own properties: a record's "__proto__" key is data, never the
// prototype (no prototype pollution from a peer's record).
const own = (o, k) => (Object.hasOwn(o, k) ? o[k] : undefined);
function put(o, k, v) {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

function record(v, what) {
  if (v === null || v === undefined) return {};
  if (!isObject(v)) throw invalid(`merges: ${what} must be a record object`);
  return v;
}

function clone(v) {
  if (Array.isArray(v)) return v.map(clone);
  if (isObject(v)) {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) put(out, k, clone(x));
    return out;
  }
  return v;
}

// equal is JSON value equality: objects regardless of key order.
function equal(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

// itemId: a list item that is an object with a non-null "id" is matched by it.
const itemId = (v) => (isObject(v) && own(v, 'id') !== null && own(v, 'id') !== undefined ? { id: v.id } : null);

function listHas(list, item) {
  const id = itemId(item);
  return list.some((x) => {
    if (id === null) return equal(x, item);
    const xid = itemId(x);
    return xid !== null && equal(xid.id, id.id);
  });
}

// preserveValue merges a non-null local value onto the server's (a copy the result owns).
function preserveValue(lv, sv) {
  if (isObject(lv) && isObject(sv)) {
    for (const [k, v] of Object.entries(lv)) if (v !== null && v !== undefined) put(sv, k, preserveValue(v, own(sv, k)));
    return sv;
  }
  if (Array.isArray(lv) && Array.isArray(sv)) {
    for (const item of lv) if (!listHas(sv, item)) sv.push(clone(item));
    return sv;
  }
  return clone(lv);
}

/**
 * autoPreserve's merge: the server's record as the base with the local changes applied, so that
 * nothing either side wrote is lost. changedFields names the top-level local fields to apply
 * (null or undefined: all, []: none); system fields stay the server's; a local null never
 * clears a server value; lists are unioned (the server's items first, then the local ones it
 * lacks: objects with an id matched by id, other items by value); nested objects merge
 * recursively by these rules; any other local value replaces the server's.
 */
function preserving(local, server, changedFields) {
  const l = record(local, 'local');
  const out = clone(record(server, 'server'));
  if (changedFields !== null && changedFields !== undefined && !Array.isArray(changedFields)) {
    throw invalid('merges.preserving: changedFields must be an array, null or undefined');
  }
  for (const k of changedFields ?? Object.keys(l)) {
    if (!Object.hasOwn(l, k) || SYSTEM_FIELDS.has(k)) continue;
    const lv = l[k];
    if (lv !== null && lv !== undefined) put(out, k, preserveValue(lv, own(out, k)));
  }
  return out;
}

/** The seed's default (flat) merge: the server's record, every non-null local field over it. */
function shallow(local, server) {
  const l = record(local, 'local');
  const out = clone(record(server, 'server'));
  for (const [k, v] of Object.entries(l)) if (v !== null && v !== undefined) put(out, k, clone(v));
  return out;
}

/**
 * The seed's deep merge: objects on both sides merge recursively, otherwise a local key wins,
 * even with a null value; lists are replaced, not unioned.
 */
function deep(local, server) {
  const l = record(local, 'local');
  const out = clone(record(server, 'server'));
  for (const [k, v] of Object.entries(l)) {
    if (v === undefined) continue;
    const sv = own(out, k);
    put(out, k, isObject(v) && isObject(sv) ? deep(v, sv) : clone(v));
  }
  return out;
}

/** The merge helpers (JS-API.md "Seed parity additions"). */
export const merges = Object.freeze({ preserving, shallow, deep });
