// The peer: RxDB (free Dexie storage + replication plugin) pulling from and pushing to the
// same server through handlers written against CONTRACT.md. Bundled by esbuild into
// bench/dist/rxdb-side.js (see the Makefile's bench targets).
import { createRxDatabase } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getJSON } from './http.js';
import { rxdbQuery } from './queries.js';

const EPOCH = '1970-01-01T00:00:00Z';

const schema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 256 },
    title: { type: 'string' },
    body: { type: 'string' },
    n: { type: 'number' },
    done: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    v: { type: 'number' },
    // The large record shape's nested fields (bench/page/records.js).
    author: { type: 'object' },
    items: { type: 'array', items: { type: 'object' } },
    history: { type: 'array', items: { type: 'object' } },
    updatedAt: { type: 'string' },
  },
  required: ['id'],
};

// The query scenarios' collection: the same fields plus grp, with RxDB indexes on the fields
// the other sides index (RxDB wants bounds on indexed numbers).
const indexedNumber = { type: 'number', minimum: 0, maximum: 1e9, multipleOf: 1 };
const querySchema = {
  ...schema,
  properties: { ...schema.properties, grp: indexedNumber, n: indexedNumber },
  required: ['id', 'grp', 'n'],
  indexes: ['grp', 'n'],
};

// The server's item → an RxDB document (soft delete as _deleted).
function toDoc(item) {
  const { deletedAt, ...doc } = item;
  doc._deleted = Boolean(deletedAt);
  return doc;
}

function fromDoc(doc) {
  const { _deleted, _meta, _rev, _attachments, updatedAt, ...payload } = doc;
  return payload;
}

export function createRxdbSide(cfg) {
  const dbs = new Map(); // name → {db, live: Map(kind → replication state)}
  const headers = { Authorization: cfg.token };

  function pullOptions(kind) {
    return {
      batchSize: cfg.pageSize,
      async handler(cp, batchSize) {
        const q = new URLSearchParams({ updatedSince: cp ? cp.updatedAt : EPOCH, limit: String(batchSize) });
        if (cp) q.set('afterId', cp.id);
        const page = await getJSON(`${cfg.baseUrl}/${kind}?${q}`, { headers });
        const last = page.items[page.items.length - 1];
        return { documents: page.items.map(toDoc), checkpoint: last ? { updatedAt: last.updatedAt, id: last.id } : cp };
      },
    };
  }

  function pushOptions(kind) {
    return {
      batchSize: cfg.pushBatchSize,
      async handler(rows) {
        const ops = rows.map((r) => ({
          opId: crypto.randomUUID(),
          kind,
          id: r.newDocumentState.id,
          type: r.newDocumentState._deleted ? 'delete' : 'upsert',
          payload: fromDoc(r.newDocumentState),
          baseUpdatedAt: r.assumedMasterState?.updatedAt,
        }));
        const out = await getJSON(`${cfg.baseUrl}/batch`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ ops }),
        });
        return out.results.filter((r) => r.statusCode === 409).map((r) => toDoc(r.error.current));
      },
    };
  }

  // replicate runs one replication round of a collection to completion and returns how many
  // documents it received. Its checkpoint lives in RxDB's meta storage, so a later round
  // resumes where this one ended.
  async function replicate(name, kind, { pull, push }) {
    const rs = replicateRxCollection({
      replicationIdentifier: `bench-${kind}`,
      collection: dbs.get(name).db[kind],
      pull: pull ? pullOptions(kind) : undefined,
      push: push ? pushOptions(kind) : undefined,
      live: false,
      waitForLeadership: false,
      autoStart: true,
    });
    const errors = [];
    let received = 0;
    const subs = [rs.error$.subscribe((e) => errors.push(e)), rs.received$.subscribe(() => received++)];
    try {
      await rs.awaitInitialReplication();
    } finally {
      for (const sub of subs) sub.unsubscribe();
      await rs.cancel();
    }
    if (errors.length) throw new Error(`rxdb replication of ${kind}: ${errors[0].message || errors[0]}`);
    return received;
  }

  return {
    name: 'rxdb',
    async open(name, kinds, indexes = {}) {
      const db = await createRxDatabase({ name, storage: getRxStorageDexie(), multiInstance: false });
      await db.addCollections(Object.fromEntries(kinds.map((k) => [k, { schema: indexes[k] ? querySchema : schema }])));
      dbs.set(name, { db, live: new Map() });
    },
    async close(name) {
      const e = dbs.get(name);
      if (!e) return;
      dbs.delete(name);
      await e.db.close();
    },
    async destroy(name) {
      const e = dbs.get(name);
      dbs.delete(name);
      if (e) await e.db.remove();
    },
    async pull(name, kind) {
      return replicate(name, kind, { pull: true });
    },
    // sync of a synced database: each kind's live replication is asked to check again, the
    // way an RxDB app triggers "sync now".
    async sync(name, kinds) {
      const e = dbs.get(name);
      await Promise.all(kinds.map(async (k) => {
        let rs = e.live.get(k);
        if (!rs) {
          rs = replicateRxCollection({
            replicationIdentifier: `bench-${k}`, collection: e.db[k], pull: pullOptions(k), push: pushOptions(k),
            live: true, waitForLeadership: false, autoStart: true,
          });
          e.live.set(k, rs);
        } else {
          rs.reSync();
        }
        await rs.awaitInSync();
      }));
      return 0;
    },
    async putOne(name, kind, records) {
      const col = dbs.get(name).db[kind];
      for (const r of records) await col.insert(r);
    },
    async putMany(name, kind, records, batch) {
      const col = dbs.get(name).db[kind];
      for (let i = 0; i < records.length; i += batch) {
        const res = await col.bulkInsert(records.slice(i, i + batch));
        if (res.error.length) throw new Error(`rxdb bulkInsert: ${res.error.length} errors`);
      }
    },
    async push(name, kind) {
      const col = dbs.get(name).db[kind];
      const n = await col.count().exec();
      await replicate(name, kind, { push: true });
      return n;
    },
    async records(name, kind) {
      const docs = await dbs.get(name).db[kind].find().exec();
      return docs.map((d) => d.toJSON());
    },
    query(name, kind, spec) {
      return rxdbQuery(dbs.get(name).db[kind], spec);
    },
  };
}
