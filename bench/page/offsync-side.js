// offsync through its public JS API (JS-API.md), IndexedDB storage.
import { deleteDatabase } from './idb.js';
import { offsyncQuery } from './queries.js';

export async function createOffsyncSide(cfg) {
  const mod = await import(cfg.offsyncUrl);
  const dbs = new Map();
  const token = async () => cfg.token;

  return {
    name: 'offsync',
    async open(name, kinds, indexes) {
      dbs.set(name, await mod.open({
        name, baseUrl: cfg.baseUrl, kinds, token, storage: 'indexeddb', ...(indexes ? { indexes } : {}),
        pageSize: cfg.pageSize, pushBatchSize: cfg.pushBatchSize,
        ...(cfg.wasmUrl ? { wasmUrl: new URL(cfg.wasmUrl, location.href) } : {}),
      }));
    },
    async close(name) {
      const db = dbs.get(name);
      dbs.delete(name);
      if (db) await db.close();
    },
    async destroy(name) {
      await this.close(name);
      await deleteDatabase(name);
    },
    async pull(name, kind) {
      const stats = await dbs.get(name).sync({ kinds: [kind] });
      return stats.pulled;
    },
    async sync(name) {
      const stats = await dbs.get(name).sync();
      return stats.pulled;
    },
    async putOne(name, kind, records) {
      const db = dbs.get(name);
      for (const r of records) await db.put(kind, r);
    },
    async putMany(name, kind, records, batch) {
      const db = dbs.get(name);
      for (let i = 0; i < records.length; i += batch) await db.putMany(kind, records.slice(i, i + batch));
    },
    // push runs a sync of the kind and reports, besides the op count, when its push phase
    // ended: the first pull-phase event (sync() goes on to pull back what it pushed).
    async push(name, kind) {
      const db = dbs.get(name);
      const t0 = performance.now();
      let pushEnd = 0;
      const mark = (e) => {
        const d = e.detail ?? e;
        if (!pushEnd && d.phase === 'pull') pushEnd = performance.now();
      };
      const offs = [db.on('progress', mark), db.on('syncStarted', mark)];
      try {
        // globalThis.benchPushOnly (profile.mjs --push-only): no pull after the push, so that a
        // profile holds the push alone.
        const stats = await db.sync(globalThis.benchPushOnly ? { pushKinds: [kind], pullKinds: [] } : { kinds: [kind] });
        return { count: stats.pushed, ms: (pushEnd || performance.now()) - t0 };
      } finally {
        for (const off of offs) off();
      }
    },
    async records(name, kind) {
      return dbs.get(name).list(kind);
    },
    query(name, kind, spec) {
      return offsyncQuery(dbs.get(name), kind, spec);
    },
    // watchedPuts starts the watches (queries; null: the whole kind), waits for their first
    // result, makes the awaited puts of warm untimed, then times those of records, and stops
    // the watches. The untimed puts are the steady state's: a watch's first result (10,000
    // records for watch(kind)) is young garbage-collector work that the puts right after it
    // would pay for once (a scavenge copying it, a mark-compact after it is promoted: ~18 ms
    // a run in Chromium's GC trace events), which is not a put's cost under a watch.
    async watchedPuts(name, kind, queries, warm, records) {
      const db = dbs.get(name);
      const calls = queries.map(() => 0);
      let first;
      const ready = new Promise((resolve) => { first = resolve; });
      const check = () => { if (calls.every((c) => c > 0)) first(); };
      const stops = queries.map((q, i) => {
        const cb = () => { calls[i] += 1; check(); };
        return q === null ? db.watch(kind, cb) : db.watch(kind, q, cb);
      });
      if (queries.length === 0) first();
      await ready;
      try {
        for (const r of warm) await db.put(kind, r);
        calls.fill(0);
        const t0 = performance.now();
        for (const r of records) await db.put(kind, r);
        return { ms: performance.now() - t0, calls: calls.reduce((a, b) => a + b, 0) };
      } finally {
        for (const stop of stops) stop();
      }
    },
    async pending(name) {
      return dbs.get(name).pendingCount();
    },
  };
}
