// offsync — offline-first data sync for web apps. The public API of JS-API.md over sync.wasm
// (Go). This module loads the Go runtime, turns values into the JSON strings that cross the
// boundary, dispatches events, and owns the browser-only coordination: Web Locks (one tab
// syncs at a time), BroadcastChannel (other tabs' watch() sees changes) and the
// online/visibility triggers of auto sync.
import { Go, withGoGlobals, WASM_VERSION, fetchHelper } from './wasm_exec.js';
// IndexedDB storage's JavaScript half, handed to the Go store so that it compiles no code at
// run time (no 'unsafe-eval' in the page's Content-Security-Policy). Made from idbstore/helpers.js.
import { idbHelpers } from './idb-helpers.js';
// The seed's merge helpers in plain JavaScript, usable without sync.wasm.
import { merges as plainMerges } from './merges.js';
import { LiveQueries } from './live.js';
import { indexesByKind, normalizeQuery, planIndexRead } from './query.js';

const EVENT_TYPES = ['syncStarted', 'progress', 'completed', 'conflict', 'conflictResolved',
  'opParked', 'error', 'change', 'status', 'fullResync',
  'operationPushed', 'operationFailed', 'conflictUnresolved', 'dataMerged'];
const TUNING = ['pageSize', 'pushBatchSize', 'pushConcurrency', 'pullConcurrency', 'maxRetries', 'backoffMinMs',
  'backoffMaxMs', 'fullResyncIntervalMs', 'requestTimeoutMs', 'userAgent', 'durability', 'maxConflictRetries'];
const DEFAULT_AUTO_MS = 5 * 60_000;
// While auto sync runs, a local write is pushed this long after the last one of a burst...
const DEFAULT_PUSH_DEBOUNCE_MS = 1000;
// ...and at the latest this many debounce periods after the first (writes that never pause).
const PUSH_MAX_WAIT_FACTOR = 5;
// The longest delay setTimeout and setInterval take: past it they fire after 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
// Ids kept per kind while no other tab is known; past it the whole kind is announced.
const MAX_UNSENT_IDS = 1000;
// A specifier in a variable keeps bundlers from trying to pull Node's fs into a browser build.
const NODE_FS = 'node:fs/promises';

const isNode = () => typeof globalThis.process?.versions?.node === 'string';

/** One Go runtime per sync.wasm URL, shared by every open() database. */
const runtimes = new Map();
// Module-private hooks between open() and its client, kept off the public surface.
const ATTACH = Symbol('attach');
const DELIVER = Symbol('deliver');

/** Every rejection of this API and every error in an event (JS-API.md "Errors"). */
export class OffsyncError extends Error {
  constructor(code, message, retryable = false) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}
Object.defineProperty(OffsyncError.prototype, 'name', { value: 'OffsyncError', writable: true, configurable: true });

function offsyncError(code, message, retryable = false) {
  return new OffsyncError(code, message, retryable);
}

// fromGo makes an error sync.wasm built (an Error named OffsyncError, with code and retryable)
// an OffsyncError instance, so that instanceof works on every rejection.
function fromGo(e) {
  if (e instanceof Error && e.name === 'OffsyncError' && !(e instanceof OffsyncError)) {
    Object.setPrototypeOf(e, OffsyncError.prototype);
  }
  return e;
}

function rejectFromGo(e) {
  throw fromGo(e);
}

/**
 * The seed's merge helpers (merges.js, plain JS usable without sync.wasm). Their errors are made
 * OffsyncError instances here: merges.js cannot import this module (it imports merges.js).
 */
export const merges = Object.freeze(Object.fromEntries(Object.entries(plainMerges).map(([name, fn]) => [name, (...args) => {
  try {
    return fn(...args);
  } catch (e) {
    throw fromGo(e);
  }
}])));

function invalid(message) {
  return offsyncError('invalid', message);
}

// timerMs checks a delay app code gives in ms: a finite number, at most MAX_TIMER_MS.
function timerMs(ms, what) {
  if (!Number.isFinite(ms) || ms > MAX_TIMER_MS) {
    throw invalid(`${what} must be a number of ms, at most ${MAX_TIMER_MS}`);
  }
  return ms;
}

// Go reads a lone surrogate (UTF-16 that is no Unicode text) as U+FFFD, so distinct ids or op
// ids holding one would name one entity or op there: such an id is refused. Non-strings are
// left to Go's checks, and so are kinds (ASCII only: Go refuses U+FFFD in one).
const wellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s);

const lonelySurrogate = (s) => typeof s === 'string' && !wellFormed(s);

function surrogateError(what) {
  return invalid(`${what} holds a lone surrogate (not Unicode text)`);
}

function checkId(id, what) {
  if (lonelySurrogate(id)) throw surrogateError(what);
}

// checkIds checks list[i] (list[i][field] with a field), naming the index only on failure.
function checkIds(list, what, field) {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    if (lonelySurrogate(field === undefined ? list[i] : list[i]?.[field])) throw surrogateError(`${what}[${i}]${field ? '.' + field : ''}`);
  }
}

function toJSON(value, what) {
  let s;
  try {
    s = JSON.stringify(value);
  } catch (e) {
    throw invalid(`${what} is not JSON-serialisable: ${e.message}`);
  }
  if (s === undefined) throw invalid(`${what} is not a JSON value`);
  return s;
}

// Records, as put/putMany/enqueue take them, are JSON: a value JSON.stringify would silently
// change (a Uint8Array or Map to {}, NaN to null, a function dropped) is refused with the
// field's path instead. A Date is stored as its ISO string (its toJSON), as JSON.stringify does.
function dataJSON(value, what) {
  let s;
  try {
    s = JSON.stringify(value);
  } catch {
    // A cycle or a BigInt: the slow walk names where.
    s = undefined;
  }
  return checkedJSON(value, what, s);
}

// checkedJSON returns s, value's JSON text or its UTF-8 (undefined: JSON.stringify threw), or
// refuses value as dataJSON does.
function checkedJSON(value, what, s) {
  const bad = s === undefined ? notJSONAt(value, '', []) : notJSONAt(value, '');
  if (bad !== null) throw invalid(`${what}${bad.at} is ${bad.why}: records hold JSON values only`);
  if (s === undefined) throw invalid(`${what} is not a JSON value`);
  return s;
}

// recordTexts is JSON.stringify(records) cut into its items' texts (the array's text is them
// joined by commas in brackets), or null where an item's text alone could differ from its text
// in the array (not an object, a toJSON, which is told its index) or stringify throws.
// Objects only: what else putMany refuses, it refuses with dataJSON's text as before. Null too
// when the first record is small: a text each paid where Go's copies of the data were large
// (measured: records of 5 KB 5–9% faster, of 100 B 1% slower).
function recordTexts(records) {
  if (typeof records.toJSON === 'function') return null;
  const parts = new Array(records.length);
  try {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r === null || typeof r !== 'object' || typeof r.toJSON === 'function') return null;
      parts[i] = JSON.stringify(r);
      if (i === 0 && parts[0].length < RECORD_TEXTS_MIN) return null;
    }
  } catch {
    return null;
  }
  return parts;
}
const RECORD_TEXTS_MIN = 1024;
// PUT_UTF8_MIN is the fewest UTF-16 units whose UTF-8 can reach 1,024 bytes (wasm putTextMin).
const PUT_UTF8_MIN = 342;

// arrayUTF8 is the UTF-8 of '[' + parts.join(',') + ']' (utf8), and texts: parts[i] as
// {text, utf8}, utf8 its bytes in it (a view), for idbstore's rows. One encoding serves both
// the text Go reads and the bytes a row of wide text is stored as (idbstore/helpers.js pack):
// for large records, joining the parts, Go's encoding of the joined text and pack's of each
// record's were over a quarter of a putMany's main thread (bench/where-the-time-goes.md,
// "Session 20"). The buffer starts at 1.5 bytes a UTF-16 unit and doubles when a part does not
// fit.
function arrayUTF8(parts) {
  let units = parts.length + 1;
  for (const p of parts) units += p.length;
  let buf = new Uint8Array(units + (units >> 1) + 8);
  let at = 0;
  const texts = new Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    for (;;) {
      // After the separator, with room left for the closing bracket.
      const r = utf8Encoder.encodeInto(p, buf.subarray(at + 1, buf.length - 1));
      if (r.read === p.length) {
        buf[at] = i === 0 ? 0x5b : 0x2c; // '[' or ','
        texts[i] = { text: p, utf8: buf.subarray(at + 1, at + 1 + r.written) };
        at += 1 + r.written;
        break;
      }
      const grown = new Uint8Array(Math.max(buf.length * 2, at + 2 + p.length * 3));
      grown.set(buf.subarray(0, at));
      buf = grown;
    }
  }
  if (parts.length === 0) buf[at++] = 0x5b;
  buf[at++] = 0x5d; // ']'
  return { utf8: buf.subarray(0, at), texts };
}
const utf8Encoder = new TextEncoder();

// notJSONAt walks v as JSON.stringify does and returns the first value it would change or
// refuse ({at: path, why}), or null. Fast for plain data: it allocates only on failure. With
// ancestors it also finds cycles (only needed after JSON.stringify threw).
function notJSONAt(v, key, ancestors) {
  if (typeof v !== 'object' || v === null) {
    const why = notJSONScalar(v);
    return why === null ? null : { at: '', why };
  }
  if (typeof v.toJSON === 'function') {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? { at: '', why: 'an invalid Date' } : null;
    return notJSONAt(v.toJSON(key), key, ancestors);
  }
  if (ancestors !== undefined) {
    if (ancestors.includes(v)) return { at: '', why: 'a circular reference' };
    ancestors.push(v);
  }
  let bad = null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && bad === null; i++) {
      bad = notJSONAt(v[i], String(i), ancestors);
      if (bad !== null) bad.at = `[${i}]` + bad.at;
    }
  } else {
    const proto = Object.getPrototypeOf(v);
    const plain = proto === Object.prototype || proto === null;
    const kind = plain ? null : notJSONObject(v);
    if (kind !== null) return { at: '', why: kind };
    if (plain) {
      for (const k in v) if ((bad = notJSONField(v, k, ancestors)) !== null) break;
    } else {
      for (const k of Object.keys(v)) if ((bad = notJSONField(v, k, ancestors)) !== null) break;
    }
  }
  ancestors?.pop();
  return bad;
}

function notJSONField(o, k, ancestors) {
  const bad = notJSONAt(o[k], k, ancestors);
  if (bad !== null) bad.at = (/^[A-Za-z_$][\w$]*$/.test(k) ? '.' + k : `[${JSON.stringify(k)}]`) + bad.at;
  return bad;
}

function notJSONScalar(v) {
  switch (typeof v) {
    case 'number': return Number.isFinite(v) ? null : String(v);
    case 'bigint': return 'a BigInt';
    case 'function': return 'a function';
    case 'symbol': return 'a symbol';
  }
  return null;
}

// notJSONObject names the objects JSON.stringify turns into {} (or drops), or returns null for
// any other object (class instances keep their own enumerable fields, as in JSON).
function notJSONObject(o) {
  if (ArrayBuffer.isView(o)) {
    const name = o.constructor?.name ?? 'typed array';
    return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name} (binary data: store it as a base64 string)`;
  }
  if (o instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && o instanceof SharedArrayBuffer)) {
    return 'an ArrayBuffer (binary data: store it as a base64 string)';
  }
  if (typeof Blob === 'function' && o instanceof Blob) return 'a Blob (binary data: store it as a base64 string or elsewhere)';
  for (const [C, name] of [[Map, 'a Map'], [Set, 'a Set'], [WeakMap, 'a WeakMap'], [WeakSet, 'a WeakSet'],
    [RegExp, 'a RegExp'], [Promise, 'a Promise'], [Error, 'an Error']]) {
    if (o instanceof C) return name;
  }
  return null;
}

// Loading sync.wasm. A file that cannot be had, or is no module for this runtime, is a
// mistake in how the app is served: open() rejects with code 'invalid' (not retryable) and a
// message naming the cause. Only a failing network or server (no answer, 5xx) is retryable.
const LOAD_RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

function loadError(url, cause, retryable = false) {
  return offsyncError(retryable ? 'network' : 'invalid', `cannot load sync.wasm from ${url}: ${cause}`, retryable);
}

// compileError names the usual cause of a refused compilation: a Content-Security-Policy
// without 'wasm-unsafe-eval'.
function compileError(url, e) {
  const csp = /Content.Security.Policy|unsafe-eval/i.test(String(e?.message));
  return loadError(url, csp
    ? `blocked by the page's Content-Security-Policy (script-src needs 'wasm-unsafe-eval'): ${e.message}`
    : `not a WebAssembly module for this offsync version (${e?.name}: ${e?.message})`);
}

// fetchWasm fetches url and checks the answer. A fetch that fails outright is a network error,
// unless the page reported a CSP violation for this URL meanwhile (connect-src).
async function fetchWasm(url) {
  const blocked = [];
  const onViolation = (e) => { if (e.blockedURI === url.href) blocked.push(e.violatedDirective); };
  globalThis.addEventListener?.('securitypolicyviolation', onViolation);
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    // The violation event is queued as a task of its own: give it one turn to arrive.
    await new Promise((r) => setTimeout(r, 0));
    if (blocked.length > 0) throw loadError(url, `blocked by the page's Content-Security-Policy (${blocked[0]})`);
    throw loadError(url, `the request failed (${e?.message}): offline, or the server is unreachable`, true);
  } finally {
    globalThis.removeEventListener?.('securitypolicyviolation', onViolation);
  }
  if (!res.ok) {
    res.body?.cancel().catch(() => {});
    throw loadError(url, `HTTP ${res.status} ${res.statusText}`.trim(), LOAD_RETRYABLE_STATUS.has(res.status));
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/wasm') {
    res.body?.cancel().catch(() => {});
    throw loadError(url, `served as '${type || 'no Content-Type'}', not 'application/wasm' (serve .wasm files with Content-Type: application/wasm)`);
  }
  return res;
}

async function instantiate(url, go) {
  if (isNode() && url.protocol === 'file:') {
    const { readFile } = await import(NODE_FS);
    let bytes;
    try {
      bytes = await readFile(url);
    } catch (e) {
      throw loadError(url, e.message);
    }
    try {
      return await WebAssembly.instantiate(bytes, go.importObject);
    } catch (e) {
      throw compileError(url, e);
    }
  }
  const res = await fetchWasm(url);
  try {
    if (WebAssembly.instantiateStreaming) return await WebAssembly.instantiateStreaming(res, go.importObject);
    return await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject);
  } catch (e) {
    if (e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError ||
      e instanceof WebAssembly.RuntimeError || /Content.Security.Policy|unsafe-eval/i.test(String(e?.message))) {
      throw compileError(url, e);
    }
    // Anything else is the download breaking off.
    throw loadError(url, `reading it failed (${e?.message})`, true);
  }
}

// keepAliveWhileOpen makes the Go runtime's timers (setTimeouts made by wasm_exec.js) keep a
// Node process alive only while a database of this runtime is open or opening: Go leaves its
// idle timer scheduled when the timer it waited for stops (a finished request's timeout), which
// would keep a script alive up to requestTimeoutMs after close(). Returns hold() → release().
// Browsers have no unref and need none.
function keepAliveWhileOpen(go) {
  const gojs = go.importObject.gojs;
  const schedule = gojs['runtime.scheduleTimeoutEvent'];
  const timers = () => go._scheduledTimeouts.values();
  let holds = 0;
  gojs['runtime.scheduleTimeoutEvent'] = (sp) => {
    const id = go._nextCallbackTimeoutID;
    schedule(sp);
    if (holds === 0) go._scheduledTimeouts.get(id)?.unref?.();
  };
  return () => {
    if (holds++ === 0) for (const t of timers()) t.ref?.();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--holds === 0) for (const t of timers()) t.unref?.();
    };
  };
}

async function startRuntime(url) {
  const go = new Go();
  const hold = keepAliveWhileOpen(go);
  const result = await instantiate(url, go);
  let api;
  // The Go program hands over its API synchronously during go.run, before its first wait.
  globalThis.__offsyncInit = (a) => { api = a; };
  let exited;
  try {
    exited = withGoGlobals(() => go.run(result.instance));
  } finally {
    delete globalThis.__offsyncInit;
  }
  if (!api) throw offsyncError('storage', 'sync.wasm did not start');
  exited.then(() => runtimes.delete(url.href));
  return { api, hold };
}

function runtime(url) {
  let p = runtimes.get(url.href);
  if (!p) {
    p = startRuntime(url);
    p.catch(() => runtimes.delete(url.href));
    runtimes.set(url.href, p);
  }
  return p;
}

// warmIndexedDB opens the database, at whatever version it has, while sync.wasm loads: the
// first connection of a page to a database costs the browser a round trip to its storage (and
// the opening of the origin's backing store). It resolves to a connection handle {db, closed}
// as idbstore's H.open makes (idbstore/helpers.js), which idbstore's first open takes over
// (handOver), or to null: a database that does not exist yet is left to idbstore to create
// (its upgrade is aborted here). The connection gives way to any other that wants a new
// version, and open() closes it when idbstore did not take it (docs/DESIGN.md "Performance
// decisions").
function warmIndexedDB(name) {
  return new Promise((resolve) => {
    let req;
    try {
      req = indexedDB.open(name);
    } catch {
      resolve(null);
      return;
    }
    req.onupgradeneeded = () => req.transaction.abort();
    req.onsuccess = () => {
      const db = req.result;
      const h = { db, closed: false };
      db.onversionchange = () => {
        db.close();
        h.closed = true;
      };
      db.onclose = () => {
        h.closed = true;
      };
      resolve(h);
    };
    req.onerror = (e) => {
      e.preventDefault();
      resolve(null);
    };
  });
}

// handOver gives idbstore's first open of the database at its own version (a probe: no version
// asked) the early connection, when it is still open, instead of a second connection to make
// (a round trip to the browser's storage less). Every other open goes to the browser as
// before. It returns whether idbstore asked for it (then it is idbstore's to close).
function handOver(helpers, name, warm) {
  const open = helpers.open;
  let asked = false;
  helpers.open = (args, cb) => {
    if (asked || args.name !== name || args.version !== undefined) return open(args, cb);
    asked = true;
    warm.then((h) => (h && !h.closed ? cb(true, h) : open(args, cb)));
  };
  return () => asked;
}

function errorFromJSON(e) {
  return offsyncError(e?.code || 'storage', e?.message || 'error', !!e?.retryable);
}

/** Turns one engine event (JSON) into the detail object of JS-API.md. */
function detailOf(ev) {
  const { type, ...d } = ev;
  switch (type) {
    case 'status':
      return { online: false, syncing: false, pending: 0, lastSyncedAt: 0, ...ev.status };
    case 'progress':
      return { done: 0, total: 0, ...d };
    case 'change':
      return { ids: [], ...d };
    case 'dataMerged':
      return { localFields: [], serverFields: [], ...d };
    case 'operationPushed':
      return { statusCode: 0, ...d };
    case 'operationFailed':
      return { statusCode: 0, ...d, error: errorFromJSON(d.error) };
  }
  if (d.error) d.error = errorFromJSON(d.error);
  return d;
}

// Node 18 has EventTarget but no global CustomEvent.
function customEvent(type, detail) {
  if (typeof CustomEvent === 'function') return new CustomEvent(type, { detail });
  const ev = new Event(type);
  Object.defineProperty(ev, 'detail', { value: detail });
  return ev;
}

function reportListenerError(e) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
  else console.error('offsync: a listener threw', e);
}

// indexes: { kind: [field | [field, ...]] } (JS-API.md "Queries and live queries").
function checkIndexes(indexes, kinds) {
  if (indexes === null || typeof indexes !== 'object' || Array.isArray(indexes)) throw invalid('options.indexes must be an object of kind → index list');
  const field = (f) => typeof f === 'string' && f !== '' && !f.split('.').includes('');
  for (const [kind, list] of Object.entries(indexes)) {
    if (!kinds.includes(kind)) throw invalid(`options.indexes: unknown kind ${kind}`);
    if (!Array.isArray(list) || !list.every((ix) => field(ix) || (Array.isArray(ix) && ix.length > 0 && ix.every(field)))) {
      throw invalid(`options.indexes.${kind} must be a list of field names or of non-empty field lists`);
    }
  }
  return indexes;
}

// resolveBaseUrl: a relative baseUrl ('/api') is resolved against the page's (or worker's)
// location; without one (Node) only an absolute URL works. A query or fragment is refused:
// request paths are appended to the root, so they would land inside it.
function resolveBaseUrl(baseUrl) {
  const href = absoluteBaseUrl(baseUrl);
  if (/[?#]/.test(href)) throw invalid(`options.baseUrl '${href}' has a query or fragment: pass the server root only`);
  return href;
}

function absoluteBaseUrl(baseUrl) {
  if (baseUrl instanceof URL) return baseUrl.href;
  if (typeof baseUrl !== 'string' || baseUrl === '') throw invalid('options.baseUrl must be a URL string');
  if (URL.canParse ? URL.canParse(baseUrl) : /^[a-z][a-z0-9+.-]*:/i.test(baseUrl)) return baseUrl;
  const here = globalThis.location?.href;
  if (!here) {
    throw invalid(`options.baseUrl '${baseUrl}' is relative, and there is no page location to resolve it against: pass an absolute URL (e.g. 'http://127.0.0.1:8080/api')`);
  }
  try {
    return new URL(baseUrl, here).href;
  } catch {
    throw invalid(`options.baseUrl '${baseUrl}' is not a URL`);
  }
}

// wasmUrlOf: the app's wasmUrl as given, or the sync.wasm beside this file named with its build
// (?v=, the content hash make put in wasm_exec.js): a server may then let the browser keep that URL
// for good, and a returning page reads sync.wasm and V8's compiled code for it from its caches
// without asking the server (docs/DESIGN.md "sync.wasm's URL names its build"). A name a bundler
// gave it (sync-1a2b3c.wasm) is versioned already and left as it is, so that service-worker
// precaches keyed on it still match.
function wasmUrlOf(options) {
  if (options.wasmUrl != null) return new URL(options.wasmUrl, import.meta.url);
  const url = new URL('./sync.wasm', import.meta.url);
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.pathname.endsWith('/sync.wasm')) url.searchParams.set('v', WASM_VERSION);
  return url;
}

/**
 * Loads sync.wasm (download, compile, Go runtime start) ahead of open(), e.g. while the app
 * starts: open() then only opens the database. Resolves once loaded; rejects as open() would
 * (a later open() tries again). See offsync.d.ts.
 */
export async function preload(options = {}) {
  if (!options || typeof options !== 'object') throw invalid('preload(options): options must be an object');
  await runtime(wasmUrlOf(options));
}

/**
 * Opens (or creates) a local database and returns its client. See offsync.d.ts for every
 * option and method.
 */
export async function open(options) {
  if (!options || typeof options !== 'object') throw invalid('open(options): an options object is required');
  const { name, baseUrl, kinds, token, mergeFunction, conflictResolver, conflictStrategy } = options;
  if (typeof name !== 'string' || name === '') throw invalid('options.name must be a non-empty string');
  const base = resolveBaseUrl(baseUrl);
  if (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((k) => typeof k === 'string')) {
    throw invalid('options.kinds must be a non-empty array of kind names');
  }
  for (const [key, fn] of [['token', token], ['mergeFunction', mergeFunction], ['conflictResolver', conflictResolver]]) {
    if (fn !== undefined && typeof fn !== 'function') throw invalid(`options.${key} must be a function`);
  }
  const tables = tableConfigs(options.tableConflictConfigs);
  const pushDebounceMs = timerMs(options.pushDebounceMs ?? DEFAULT_PUSH_DEBOUNCE_MS, 'options.pushDebounceMs (0: off)');
  const storage = options.storage ?? (globalThis.indexedDB ? 'indexeddb' : 'memory');
  const wasmUrl = wasmUrlOf(options);
  const config = { name, baseUrl: base, kinds, storage, conflictStrategy, tableConflictConfigs: tables.strategies };
  for (const k of TUNING) if (options[k] !== undefined) config[k] = tuning(k, options[k]);
  if (options.indexes !== undefined) config.indexes = checkIndexes(options.indexes, kinds);

  const warm = storage === 'indexeddb' && globalThis.indexedDB ? warmIndexedDB(name) : null;
  let handedOver = () => false;
  const cool = () => warm?.then((h) => {
    if (h && !handedOver()) h.db.close();
  });
  const rt = await runtime(wasmUrl).catch((e) => {
    cool();
    throw e;
  });
  const helpers = storage === 'indexeddb' ? idbHelpers() : undefined;
  if (helpers && warm) handedOver = handOver(helpers, name, warm);
  const db = new Client(name, kinds, storage, pushDebounceMs, helpers);
  const adapters = {
    events: (batch) => db[DELIVER](batch),
    idbHelpers: helpers,
    fetchHelper: fetchHelper(),
    token: token && tokenAdapter(token),
    merge: mergeFunction && mergeAdapter(mergeFunction),
    resolve: conflictResolver && resolveAdapter(conflictResolver),
    kindMerge: tables.merge,
    kindResolve: tables.resolve,
  };
  const release = rt.hold();
  try {
    db[ATTACH](await rt.api.open(toJSON(config, 'options'), adapters), release);
  } catch (e) {
    release();
    throw fromGo(e);
  } finally {
    cool();
  }
  if (options.backgroundSync && storage === 'indexeddb') armBackgroundSync(db, name);
  return db;
}

// tuning passes a tuning option on to Go, which checks its range: a number JSON cannot hold
// (NaN, ±Infinity) would reach it as null and silently take the default.
function tuning(key, value) {
  if (typeof value === 'number' && !Number.isFinite(value)) throw invalid(`options.${key} must be a finite number`);
  return value;
}

// The adapter around the app's token provider. A token that is no header value (CR, LF, NUL,
// a character past U+00FF) makes fetch throw, which Go would report as a retryable network
// error: a throw here makes it what it is, an auth error (wasm/callbacks_js_wasm.go tokenFunc).
function tokenAdapter(token) {
  return async () => {
    const t = await token();
    const s = t == null ? '' : String(t);
    if (/[\0\r\n]|[^\0-\xff]/.test(s)) throw new Error('the token is not a valid HTTP header value (CR, LF, NUL or a character past U+00FF)');
    return s;
  };
}

// The adapters around the app's conflict callbacks: JSON in, JSON out (wasm/callbacks_js_wasm.go).
// What they return is checked as put checks a record: a throw defers the conflict with an
// 'error' event, where plain JSON would push NaN as null or a Set as {}.
function mergeAdapter(mergeFunction) {
  return async (conflictJSON) => {
    const c = JSON.parse(conflictJSON);
    const merged = await mergeFunction(c.local, c.server, c);
    if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
      throw new Error('mergeFunction must return a record object');
    }
    return dataJSON(merged, 'the mergeFunction\'s record');
  };
}

function resolveAdapter(conflictResolver) {
  return async (conflictJSON) => {
    const r = await conflictResolver(JSON.parse(conflictJSON));
    if (!r || typeof r.action !== 'string') throw new Error('conflictResolver must return {action}');
    return dataJSON(r, 'the conflictResolver\'s resolution');
  };
}

// tableConfigs splits tableConflictConfigs (the seed's TableConflictConfig per kind) into the
// strategies, which travel as JSON, and the per-kind callbacks' adapters.
function tableConfigs(configs) {
  const out = { strategies: undefined, merge: {}, resolve: {} };
  if (configs === undefined || configs === null) return out;
  if (typeof configs !== 'object' || Array.isArray(configs)) throw invalid('options.tableConflictConfigs must be an object');
  out.strategies = {};
  for (const [kind, cfg] of Object.entries(configs)) {
    if (!cfg || typeof cfg !== 'object') throw invalid(`options.tableConflictConfigs.${kind} must be an object`);
    const { strategy, mergeFunction, conflictResolver } = cfg;
    for (const [key, fn] of [['mergeFunction', mergeFunction], ['conflictResolver', conflictResolver]]) {
      if (fn !== undefined && typeof fn !== 'function') throw invalid(`options.tableConflictConfigs.${kind}.${key} must be a function`);
    }
    out.strategies[kind] = strategy === undefined ? {} : { strategy };
    if (mergeFunction) out.merge[kind] = mergeAdapter(mergeFunction);
    if (conflictResolver) out.resolve[kind] = resolveAdapter(conflictResolver);
  }
  return out;
}

/** The client of one open database (JS-API.md). Create it with open(). */
class Client {
  /** EventTarget view of the events: each is a CustomEvent whose detail is the payload. */
  events = new EventTarget();
  #h = null;
  #name;
  #kinds;
  #shared;
  #closed = false;
  #closing = null;
  #listeners = new Map();
  #channel = null;
  #outgoing = null;
  // Changes go to other tabs only once one is known to be there (#meet): a postMessage costs
  // about as much as a small IndexedDB write, and most pages run alone. Until then #unsent
  // keeps what would have gone (kind → ids, or null for the whole kind), sent when a tab shows
  // up, so that one opened meanwhile misses nothing.
  #peers = false;
  #unsent = new Map();
  #auto = null;
  #live = new LiveQueries({
    query: async (kind, queryJSON) => (await this.#direct('query', kind, normalizeQuery(JSON.parse(queryJSON), invalid), () => queryJSON)) ?? JSON.parse(await this.#call('query', kind, queryJSON)),
    getMany: async (kind, ids) => JSON.parse(await this.#call('getMany', kind, JSON.stringify(ids))),
  }, (e) => { if (e.code !== 'closed') this.#emit('error', { error: e }); },
  // Go leaves the records out of a local write's change event for a kind nobody watches.
  (kind, on) => { this.#call('watching', kind, on).catch(() => {}); });
  // Lets the Go runtime's timers go (Node) once no database of it is open.
  #release = null;
  #pushDebounceMs;

  // idbstore's helpers (IndexedDB storage), for the queries run here (#direct); the
  // connection of Go's last direct plan and its indexes per kind, to plan here while it is open.
  #idb;
  #conn = null;
  #indexes = null;

  constructor(name, kinds, storage, pushDebounceMs, helpers) {
    this.#idb = helpers;
    this.#name = name;
    this.#pushDebounceMs = pushDebounceMs;
    this.#kinds = new Set(kinds);
    // Tabs share data only through IndexedDB: memory databases never coordinate.
    this.#shared = storage === 'indexeddb';
  }

  [ATTACH](h, release) {
    this.#h = h;
    this.#release = release;
    if (this.#shared && typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel('offsync:' + this.#name);
      this.#channel.onmessage = (m) => {
        if (this.#closed) return;
        const { kind, ids, hello, here } = m.data || {};
        if (hello || here) {
          if (hello) this.#channel?.postMessage({ here: true });
          this.#meet();
          return;
        }
        if (typeof kind !== 'string') return;
        // The store's kept pending count no longer holds (DESIGN.md "The pending count").
        this.#call('othersChanged').catch(() => {});
        const detail = { kind, ids: Array.isArray(ids) ? ids : [], origin: 'tab' };
        this.#live.change(kind, detail.ids);
        this.#emit('change', detail);
      };
      this.#channel.postMessage({ hello: true });
    }
  }

  // #meet: another tab (or worker) has this database open. Broadcasting starts, with what was
  // kept meanwhile.
  #meet() {
    if (this.#peers) return;
    this.#peers = true;
    for (const [kind, ids] of this.#unsent) this.#broadcast({ kind, ids: ids === null ? [] : [...ids] });
    this.#unsent.clear();
  }

  /** Receives one batch of engine events (a JSON array) from sync.wasm. */
  [DELIVER](batch) {
    for (const ev of JSON.parse(batch)) {
      const detail = detailOf(ev);
      if (ev.type === 'change') {
        // The stored records a local write carries feed the live queries only.
        const { records } = detail;
        delete detail.records;
        this.#live.change(detail.kind, detail.ids, records);
        if (this.#channel && detail.origin !== 'tab') this.#broadcast(detail);
      }
      this.#emit(ev.type, detail);
    }
  }

  // Changes go to other tabs in one message per kind per event batch (a microtask: timers are
  // throttled in hidden tabs), not one per change event: a postMessage costs about as much as
  // a small IndexedDB write. Ids merge; an event without ids (the whole kind changed) makes the
  // kind's message carry none.
  #broadcast({ kind, ids }) {
    if (!this.#peers) {
      const kept = this.#unsent.has(kind) ? this.#unsent.get(kind) : new Set();
      if (kept !== null) for (const id of ids) kept.add(id);
      this.#unsent.set(kind, kept === null || ids.length === 0 || kept.size > MAX_UNSENT_IDS ? null : kept);
      return;
    }
    if (this.#outgoing === null) {
      this.#outgoing = new Map();
      queueMicrotask(() => this.#flushBroadcast());
    }
    const set = this.#outgoing.has(kind) ? this.#outgoing.get(kind) : new Set();
    if (set === null || ids.length === 0) {
      this.#outgoing.set(kind, null);
      return;
    }
    for (const id of ids) set.add(id);
    this.#outgoing.set(kind, set);
  }

  #flushBroadcast() {
    const out = this.#outgoing;
    this.#outgoing = null;
    if (out === null || this.#channel === null) return;
    for (const [kind, set] of out) this.#channel.postMessage({ kind, ids: set === null ? [] : [...set] });
  }

  #emit(type, detail) {
    const set = this.#listeners.get(type);
    // Over a copy: one added meanwhile waits for the next event; one removed is not called.
    for (const cb of set ? [...set] : []) {
      if (!set.has(cb)) continue;
      try {
        cb(detail);
      } catch (e) {
        reportListenerError(e);
      }
    }
    this.events.dispatchEvent(customEvent(type, detail));
  }

  #call(method, ...args) {
    if (this.#closed) return Promise.reject(offsyncError('closed', `${method}: the database is closed`));
    try {
      return this.#h.call(method, ...args).then(undefined, rejectFromGo);
    } catch (e) {
      // Only a dead Go runtime throws here ("Go program has already exited").
      return Promise.reject(offsyncError('closed', `${method}: sync.wasm is not running: ${e.message}`));
    }
  }

  // #callTo is #call for the local writes: the Promise is made here and Go settles it, which
  // saves a JS→Go call per write (the executor of a Promise made in Go).
  #callTo(method, ...args) {
    if (this.#closed) return Promise.reject(offsyncError('closed', `${method}: the database is closed`));
    return new Promise((resolve, reject) => {
      try {
        this.#h.callTo(resolve, (e) => reject(fromGo(e)), method, ...args);
      } catch (e) {
        // Only a dead Go runtime throws here ("Go program has already exited").
        reject(offsyncError('closed', `${method}: sync.wasm is not running: ${e.message}`));
      }
    });
  }

  #lockName(suffix = '') {
    return 'offsync:' + this.#name + suffix;
  }

  #locks() {
    return this.#shared ? globalThis.navigator?.locks : undefined;
  }

  async put(kind, record, options = {}) {
    checkId(record?.id, 'record.id');
    const text = dataJSON(record, 'record');
    const args = [kind, text];
    // changedFields' JSON, or undefined: derived.
    args.push(options && options.changedFields !== undefined ? toJSON(options.changedFields, 'changedFields') : undefined);
    const H = this.#idb;
    if (H === undefined || text.length < PUT_UTF8_MIN) return JSON.parse(await this.#callTo('put', ...args));
    // With IndexedDB, a record whose UTF-8 may reach the bridge's putTextMin goes to Go as
    // UTF-8, encoded once for Go and its row both (arrayUTF8's reasons; helpers.js utf8), with
    // its texts for the row (idbstore.WithTexts); the Promise resolves with what was sent when
    // the stored record is the text.
    const utf8 = H.utf8(text);
    args[1] = utf8;
    args.push([{ text, utf8 }]);
    const out = await this.#callTo('put', ...args);
    return JSON.parse(out === utf8 ? text : out);
  }

  async putMany(kind, records) {
    if (!Array.isArray(records)) throw invalid('putMany: records must be an array');
    checkIds(records, 'records', 'id');
    const parts = recordTexts(records);
    if (parts === null) return JSON.parse(await this.#callTo('putMany', kind, dataJSON(records, 'records')));
    // The array's text goes to Go as UTF-8, and the stored records' data is taken from texts
    // (idbstore.WithTexts), not sent back from Go. The Promise resolves with what was sent when
    // the stored records are the items as given: each item's text is then its record's.
    const { utf8, texts } = arrayUTF8(parts);
    const out = await this.#callTo('putMany', kind, checkedJSON(records, 'records', utf8), texts);
    return out === utf8 ? parts.map((p) => JSON.parse(p)) : JSON.parse(out);
  }

  async delete(kind, id) {
    checkId(id, 'id');
    await this.#callTo('delete', kind, id);
  }

  async get(kind, id) {
    checkId(id, 'id');
    const s = await this.#call('get', kind, id);
    return s === undefined ? undefined : JSON.parse(s);
  }

  async list(kind) {
    return JSON.parse(await this.#call('list', kind));
  }

  async query(kind, query) {
    const q = normalizeQuery(query, invalid);
    const text = () => toJSON(query ?? {}, 'query');
    return (await this.#direct('query', kind, q, text)) ?? JSON.parse(await this.#call('query', kind, text()));
  }

  // #direct runs a query or count (op) here when it is one index read (DESIGN.md "Queries
  // read in JS", "Queries planned in JS"): no goroutine, wake-up or second encoding of the
  // rows. While the connection of Go's last plan is open, query.js plans it (q: normalized)
  // without calling Go; otherwise idbstore does (idbstore/query_direct.go; text() is the
  // query's JSON). undefined when it goes through Go instead: any other plan, and any error
  // (Go's path retries and classifies it).
  #direct(op, kind, q, text) {
    const H = this.#idb;
    if (H === undefined || this.#closed) return undefined;
    let conn = this.#conn;
    let p;
    try {
      if (conn !== null && !conn.closed && this.#kinds.has(kind)) {
        p = planIndexRead(this.#indexes.get(kind) ?? [], q, op === 'count');
      } else {
        const plan = this.#h.direct(op, kind, text());
        if (plan == null) return undefined;
        [conn, p] = plan;
        if (conn !== this.#conn) [this.#conn, this.#indexes] = [conn, indexesByKind(H.ixNames(conn.db))];
      }
    } catch {
      this.#conn = null;
      return undefined;
    }
    if (p === null) return undefined;
    return new Promise((resolve) => {
      const cb = (_, ok, v) => {
        if (!ok) this.#conn = null;
        resolve(ok ? v : undefined);
      };
      try {
        H.ro(conn, { index: p.index, helper: op === 'count' ? H.ixCount : H.ixQuery, args: p }, cb);
      } catch {
        cb(0, false);
      }
    });
  }

  // count: how many rows query(kind, query) would return (offset and limit apply).
  async count(kind, query) {
    const q = normalizeQuery(query, invalid);
    const text = () => toJSON({ where: query?.where }, 'query');
    const n = (await this.#direct('count', kind, q, text)) ?? await this.#call('count', kind, text());
    return Math.min(Math.max(n - q.offset, 0), q.limit);
  }

  // watch(kind, cb) or watch(kind, query, cb): live.js keeps the result up to date.
  watch(kind, query, callback) {
    if (typeof query === 'function' && callback === undefined) [query, callback] = [undefined, query];
    if (typeof kind !== 'string' || !this.#kinds.has(kind)) throw invalid(`watch: unknown kind ${String(kind)}`);
    if (typeof callback !== 'function') throw invalid('watch: callback must be a function');
    if (this.#closed) throw offsyncError('closed', 'watch: the database is closed');
    return this.#live.watch(kind, query, invalid, callback);
  }

  async enqueue(op) {
    if (!op || typeof op !== 'object') throw invalid('enqueue: op must be an object');
    checkId(op.id, 'op.id');
    checkId(op.opId, 'op.opId');
    checkId(op.payload?.id, 'op.payload.id');
    return JSON.parse(await this.#call('enqueue', dataJSON(op, 'op')));
  }

  async sync(options = {}) {
    const { kinds, pushKinds, pullKinds, signal } = options ?? {};
    const run = () => this.#call('sync', toJSON({ kinds, pushKinds, pullKinds }, 'sync options'), signal);
    return JSON.parse(await this.#exclusive(run, signal));
  }

  async fullResync(options = {}) {
    const { clearData = false, signal } = options ?? {};
    return JSON.parse(await this.#exclusive(() => this.#call('fullResync', !!clearData, signal), signal));
  }

  // Across tabs of one IndexedDB database one sync runs at a time: a sync() here waits for the
  // lock held by another tab's sync, then runs (usually with little left to do). The call
  // settles as soon as run does: the lock's own promise settles only once the browser has taken
  // the release back (a round trip nobody waits for; the lock is held until run settles).
  #exclusive(run, signal) {
    const locks = this.#locks();
    if (!locks) return run();
    if (signal?.aborted) return Promise.reject(offsyncError('cancelled', 'sync: aborted before it started'));
    const aborted = (e) => (e?.name === 'AbortError' ? offsyncError('cancelled', 'sync: aborted while waiting for another tab') : e);
    return new Promise((resolve, reject) => {
      locks.request(this.#lockName(), signal ? { signal } : {}, () => {
        const p = run();
        p.then(resolve, (e) => reject(aborted(e)));
        return p.catch(() => {});
      }).catch((e) => reject(aborted(e)));
    });
  }

  startAuto(options = {}) {
    const intervalMs = timerMs(options?.intervalMs ?? DEFAULT_AUTO_MS, 'startAuto: intervalMs');
    if (!(intervalMs > 0)) throw invalid('startAuto: intervalMs must be a positive number');
    if (this.#closed) throw offsyncError('closed', 'startAuto: the database is closed');
    this.stopAuto();
    const auto = { leader: false, running: false, timer: null, release: null, cleanups: [] };
    this.#auto = auto;
    // Each tick is a plain sync(), so it takes the same cross-tab lock as the app's own calls
    // and runs a full resync when one is due. A tick while a sync runs joins it.
    // A tick while this tab's previous tick is still running (or waiting for the lock) is
    // skipped, so slow syncs never pile up lock requests.
    const tick = () => {
      if (this.#auto !== auto || !auto.leader || auto.running) return;
      auto.running = true;
      this.sync().catch(() => {}).finally(() => { auto.running = false; });
    };
    // Leading starts with a sync: a new tab, or one taking over from a closed leader, catches
    // up at once instead of an interval later.
    const lead = () => {
      auto.leader = true;
      auto.timer = setInterval(tick, intervalMs);
      tick();
    };
    const locks = this.#locks();
    if (locks) {
      // Only the tab holding the auto lock syncs by itself; another tab's startAuto waits in
      // line and takes over when the leader stops, closes or dies (the browser frees its lock).
      locks.request(this.#lockName(':auto'), () => new Promise((resolve) => {
        auto.release = resolve;
        if (this.#auto === auto) lead();
        else resolve();
      })).catch(() => {});
    } else {
      lead();
    }
    const listen = (target, type, fn) => {
      target.addEventListener(type, fn);
      auto.cleanups.push(() => target.removeEventListener(type, fn));
    };
    if (typeof globalThis.addEventListener === 'function') listen(globalThis, 'online', tick);
    const doc = globalThis.document;
    if (doc?.addEventListener) listen(doc, 'visibilitychange', () => { if (doc.visibilityState === 'visible') tick(); });
    if (this.#pushDebounceMs > 0) this.#pushSoon(auto);
  }

  // #pushSoon pushes this tab's local writes soon while auto sync runs (the seed's
  // pushImmediately), in any tab, leader or not: pushDebounceMs after the last write of a burst,
  // at the latest PUSH_MAX_WAIT_FACTOR periods after its first. The push is a sync() of no kind
  // to pull, so it takes the same cross-tab lock as every sync: one at a time. It waits while
  // this database syncs (a sync() then would join that run, which may be past its push), and
  // gives way to the auto tick while the browser says it is offline: back online, the leading
  // tab syncs everything (one sync, not two: each re-pushes deferred conflicts, and a manual-mode
  // app asks about them again). The outbox is durable: a write whose push never came (the tab
  // closed first) goes with the next sync.
  #pushSoon(auto) {
    const wait = this.#pushDebounceMs;
    const soon = { timer: null, first: 0, waiting: false, pushing: false, syncing: false, pending: null };
    const schedule = () => {
      if (this.#auto !== auto) return;
      const now = Date.now();
      if (soon.timer === null) soon.first = now;
      clearTimeout(soon.timer);
      soon.timer = setTimeout(fire, Math.max(0, Math.min(wait, soon.first + wait * PUSH_MAX_WAIT_FACTOR - now)));
    };
    const fire = () => {
      soon.timer = null;
      if (this.#auto !== auto || this.#closed) return;
      if (globalThis.navigator?.onLine === false) return;
      if (soon.pushing || soon.syncing) {
        soon.waiting = true;
        return;
      }
      soon.pushing = true;
      this.sync({ pullKinds: [] }).catch(() => {}).finally(() => {
        soon.pushing = false;
        if (soon.waiting) {
          soon.waiting = false;
          schedule();
        }
      });
    };
    auto.cleanups.push(
      this.on('change', (e) => { if (e.origin === 'local') schedule(); }),
      // enqueue() and retryParked() add ops without a 'change': the pending count rises.
      this.on('status', (st) => {
        if (soon.pending !== null && st.pending > soon.pending) schedule();
        soon.pending = st.pending;
        soon.syncing = st.syncing;
        if (!st.syncing && soon.waiting && !soon.pushing) {
          soon.waiting = false;
          schedule();
        }
      }),
      () => clearTimeout(soon.timer),
    );
  }

  stopAuto() {
    const auto = this.#auto;
    if (!auto) return;
    this.#auto = null;
    clearInterval(auto.timer);
    auto.cleanups.forEach((f) => f());
    auto.release?.();
  }

  async pendingCount() {
    return this.#call('pendingCount');
  }

  async conflicts() {
    return JSON.parse(await this.#call('conflicts'));
  }

  // resolveConflict, retryParked and dropParked change the outbox, the conflicts and the
  // refetch list that a sync reads and writes: they take the sync's cross-tab lock, so none of
  // them runs in the middle of another tab's sync.
  async resolveConflict(conflictId, resolution) {
    if (!resolution || typeof resolution !== 'object') throw invalid('resolveConflict: resolution must be an object');
    checkId(conflictId, 'conflictId');
    const arg = dataJSON(resolution, 'resolution');
    await this.#exclusive(() => this.#call('resolveConflict', conflictId, arg));
  }

  async outbox() {
    return JSON.parse(await this.#call('outbox'));
  }

  async cursors() {
    return JSON.parse(await this.#call('cursors'));
  }

  async parked() {
    return JSON.parse(await this.#call('parked'));
  }

  async setAside() {
    return JSON.parse(await this.#call('setAside'));
  }

  async retryParked(opIds) {
    checkIds(opIds, 'opIds');
    const arg = toJSON(opIds, 'opIds');
    await this.#exclusive(() => this.#call('retryParked', arg));
  }

  async dropParked(opIds) {
    checkIds(opIds, 'opIds');
    const arg = toJSON(opIds, 'opIds');
    await this.#exclusive(() => this.#call('dropParked', arg));
  }

  async status() {
    return { online: false, syncing: false, pending: 0, lastSyncedAt: 0, ...JSON.parse(await this.#call('status')) };
  }

  on(type, callback) {
    if (!EVENT_TYPES.includes(type)) throw invalid(`on: unknown event type ${String(type)}`);
    if (typeof callback !== 'function') throw invalid('on: callback must be a function');
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    const entry = (d) => callback(d);
    set.add(entry);
    return () => set.delete(entry);
  }

  get closed() {
    return this.#closed;
  }

  // Every call returns the first one's promise: it settles once the database is closed.
  close() {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close() {
    this.stopAuto();
    const done = this.#call('close').catch((e) => {
      // A runtime that already died has nothing left to close.
      if (e.code !== 'closed') throw e;
    });
    this.#closed = true;
    this.#live.stop();
    try {
      await done;
    } finally {
      // Other tabs hear this one's last changes: the change events of writes that resolved just
      // before close() come after their Promises (DESIGN.md), so the channel stays open until Go
      // has closed; what was kept while no other tab had answered goes too, as one may have
      // opened without being heard yet.
      if (this.#unsent.size > 0) this.#meet();
      this.#flushBroadcast();
      this.#channel?.close();
      this.#channel = null;
      this.#release?.();
    }
  }
}

// Push after the tab is closed (DESIGN.md): with open({ backgroundSync: true }) a page asks its
// service worker (offsync/background) to push what the page could not. While ops are pending
// it registers the Background Sync tag 'offsync:<name>' once per sync attempt when the device
// is offline, a sync failed for a reason worth retrying, or the page is hidden (it may never
// come back). Ops an earlier session left are pushed at open when online: where the API or an
// active service worker is missing that is the only push they get.
function armBackgroundSync(db, name) {
  const nav = globalThis.navigator;
  const offline = () => nav?.onLine === false;
  const registration = async () => {
    const reg = await nav?.serviceWorker?.getRegistration?.();
    return reg?.active && reg.sync ? reg : null;
  };
  let pending = -1; // unknown until the first status
  let failed = false;
  let asked = false;
  const ask = () => {
    if (asked || pending === 0 || db.closed) return;
    asked = true;
    registration().then((reg) => reg?.sync.register('offsync:' + name)).catch(() => { asked = false; });
  };
  db.on('status', (s) => {
    pending = s.pending;
    if (pending === 0) asked = false;
    else if (offline() || failed) ask();
  });
  db.on('completed', (d) => {
    asked = false;
    failed = !!d.error?.retryable;
    if (failed) ask();
  });
  const doc = globalThis.document;
  if (doc?.addEventListener) {
    const hidden = () => {
      if (db.closed) doc.removeEventListener('visibilitychange', hidden);
      else if (doc.visibilityState === 'hidden') ask();
    };
    doc.addEventListener('visibilitychange', hidden);
  }
  db.pendingCount().then((n) => {
    if (pending < 0) pending = n;
    if (n === 0) return undefined;
    // Its outcome reaches the app through the events, like an auto sync's.
    return offline() ? ask() : db.sync();
  }).catch(() => {});
}
