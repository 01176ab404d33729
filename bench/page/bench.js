// The page side of the harness: window.bench, called by bench/harness.mjs through
// playwright. Every timing is taken here, with performance.now(), around one side's call.
import { createRaw } from './raw.js';
import { digest, makeRecords } from './records.js';
import { answer, queryRecord } from './queries.js';

let cfg = null;
const sides = new Map();

// Every wasm instance the page creates, so that sync.wasm's linear memory can be read without
// a hook in offsync's API: the page wraps the two instantiation entry points before any side
// loads.
const wasmInstances = [];
for (const fn of ['instantiate', 'instantiateStreaming']) {
  const orig = WebAssembly[fn];
  WebAssembly[fn] = async function (...args) {
    const r = await orig.apply(this, args);
    wasmInstances.push(r instanceof WebAssembly.Instance ? r : r.instance);
    return r;
  };
}

function wasmMemoryBytes() {
  let max = null;
  for (const inst of wasmInstances) {
    for (const v of Object.values(inst.exports)) {
      if (v instanceof WebAssembly.Memory) max = Math.max(max ?? 0, v.buffer.byteLength);
    }
  }
  return max;
}

async function load(side) {
  if (sides.has(side)) return sides.get(side);
  let s;
  if (side === 'raw') s = createRaw(cfg);
  else if (side === 'rxdb') s = (await import(cfg.rxdbUrl)).createRxdbSide(cfg);
  else if (side === 'offsync') s = await (await import('./offsync-side.js')).createOffsyncSide(cfg);
  else throw new Error(`unknown side ${side}`);
  sides.set(side, s);
  return s;
}

async function timed(fn) {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

window.bench = {
  init(config) {
    cfg = config;
    window.benchReady = true;
  },
  async open(side, name, kinds, indexes) {
    await (await load(side)).open(name, kinds, indexes);
  },
  // openTimed measures loading the side's code (if not loaded yet) and opening an existing
  // database to ready.
  async openTimed(side, name, kinds) {
    return timed(async () => (await load(side)).open(name, kinds));
  },
  async close(side, name) {
    await (await load(side)).close(name);
  },
  async destroy(side, name) {
    await (await load(side)).destroy(name);
  },
  async pull(side, name, kind) {
    const s = await load(side);
    return timed(() => s.pull(name, kind));
  },
  async sync(side, name, kinds) {
    const s = await load(side);
    return timed(() => s.sync(name, kinds));
  },
  // write generates the records first, then times only the side's writes.
  async write(side, method, name, kind, prefix, n, batch) {
    const s = await load(side);
    const records = makeRecords(prefix, 0, n, 0, cfg.shape);
    return timed(() => s[method](name, kind, records, batch));
  },
  // push fills the outbox (untimed) with n new records, then times pushing them.
  async push(side, name, kind, prefix, n, batch) {
    const s = await load(side);
    await s.putMany(name, kind, makeRecords(prefix, 0, n, 0, cfg.shape), batch);
    return this.pushOnly(side, name, kind);
  },
  // pushOnly times pushing what the outbox holds.
  async pushOnly(side, name, kind) {
    const s = await load(side);
    const { ms, result } = await timed(() => s.push(name, kind));
    if (result && typeof result === 'object') return { ms: result.ms, result: result.count };
    return { ms, result };
  },
  // fillQuery writes n query records (untimed) in batches of `batch`.
  async fillQuery(side, name, kind, n, groups, batch, version = 0) {
    const s = await load(side);
    for (let i = 0; i < n; i += batch) {
      const recs = [];
      for (let j = i; j < Math.min(n, i + batch); j++) recs.push(queryRecord(j, groups, version));
      await s.putMany(name, kind, recs, recs.length);
    }
  },
  // query times one side's queries of specs (queries.js), one after the other, and answers the
  // time per call, what each read and the rows of the first. A task's pause first, untimed, so
  // that what the side before left queued runs before. No forced gc() here: a full collection
  // before every batch cooled offsync's larger JavaScript (planning measured 0.12 ms a call
  // with it, 0.01 without; bench/where-the-time-goes.md), an unfairness against it.
  async query(side, name, kind, specs) {
    const s = await load(side);
    await new Promise((r) => setTimeout(r, 0));
    const results = [];
    const { ms } = await timed(async () => {
      for (const spec of specs) results.push(await s.query(name, kind, spec));
    });
    const first = results[0];
    return { ms: ms / specs.length, result: results.map(answer).join(';'), rows: typeof first === 'number' ? first : first.length };
  },
  // watchedPuts (offsync): n awaited puts of existing records (new versions) under watches,
  // after n untimed ones (other records).
  async watchedPuts(name, kind, queries, n, total, groups, version) {
    const s = await load('offsync');
    const records = [];
    for (let i = 0; i < 2 * n; i++) records.push(queryRecord((i * 7919 + version * 131) % total, groups, version));
    return s.watchedPuts(name, kind, queries, records.slice(0, n), records.slice(n));
  },
  async digest(side, name, kind) {
    return digest(await (await load(side)).records(name, kind));
  },
  async memory() {
    return {
      wasmBytes: wasmMemoryBytes(),
      jsHeapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
    };
  },
};
