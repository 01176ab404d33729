// The raw limit: hand-written JavaScript doing only the work no sync library can avoid —
// the same fetches of the same pages, JSON.parse, and one IndexedDB transaction per page (or
// per write, or per batch) putting the same records plus a cursor or outbox entries.
import { request, done, deleteDatabase, openStores } from './idb.js';
import { getJSON } from './http.js';
import { rawQuery } from './queries.js';

const EPOCH = '1970-01-01T00:00:00Z';

export function createRaw(cfg) {
  const dbs = new Map();
  const headers = { Authorization: cfg.token };

  function pageURL(kind, cur) {
    const q = new URLSearchParams({ updatedSince: cur ? cur.updatedAt : EPOCH, limit: String(cfg.pageSize) });
    if (cur) q.set('afterId', cur.id);
    return `${cfg.baseUrl}/${kind}?${q}`;
  }

  async function pull(name, kind) {
    const db = dbs.get(name);
    const cur = await request(db.transaction('cursors').objectStore('cursors').get(kind));
    let url = pageURL(kind, cur);
    let pulled = 0;
    for (;;) {
      const page = await getJSON(url, { headers });
      if (page.items.length > 0) {
        const tx = db.transaction([`r:${kind}`, 'cursors'], 'readwrite');
        const st = tx.objectStore(`r:${kind}`);
        for (const it of page.items) st.put(it, it.id);
        const last = page.items[page.items.length - 1];
        tx.objectStore('cursors').put({ updatedAt: last.updatedAt, id: last.id }, kind);
        await done(tx);
        pulled += page.items.length;
      }
      if (!page.nextPageToken) return pulled;
      url = `${cfg.baseUrl}/${kind}?${new URLSearchParams({ pageToken: page.nextPageToken, limit: String(cfg.pageSize) })}`;
    }
  }

  // The app's own writes commit with strict durability on both sides: offsync's default (a
  // resolved put is on disk and survives power loss), so putOne/putMany compare equal work.
  // Pulls and push write-backs keep the browser's default on both sides. (The harness's fresh
  // browser context keeps IndexedDB in memory, where strict costs nothing measurable: 300
  // one-put transactions took 0.27–0.40 ms each strict, 0.38–0.42 relaxed; on a profile on
  // disk, offsync's strict single write took 2.9–5.5 ms vs 1.3–1.4 ms relaxed.)
  function writeTx(db, kind, records) {
    const tx = db.transaction([`r:${kind}`, 'outbox'], 'readwrite', { durability: 'strict' });
    const st = tx.objectStore(`r:${kind}`);
    const ob = tx.objectStore('outbox');
    for (const r of records) {
      st.put(r, r.id);
      ob.add({ opId: crypto.randomUUID(), kind, id: r.id, type: 'upsert', payload: r });
    }
    return done(tx);
  }

  return {
    name: 'raw',
    async open(name, kinds, indexes = {}) {
      dbs.set(name, await openStores(name, kinds, indexes));
    },
    async close(name) {
      dbs.get(name)?.close();
      dbs.delete(name);
    },
    async destroy(name) {
      await this.close(name);
      await deleteDatabase(name);
    },
    pull,
    async sync(name, kinds) {
      // Nothing pending is a count on the outbox; the pulls run in parallel.
      const db = dbs.get(name);
      const pending = await request(db.transaction('outbox').objectStore('outbox').count());
      if (pending > 0) throw new Error('raw no-op sync found pending ops');
      const counts = await Promise.all(kinds.map((k) => pull(name, k)));
      return counts.reduce((a, b) => a + b, 0);
    },
    async putOne(name, kind, records) {
      const db = dbs.get(name);
      for (const r of records) await writeTx(db, kind, [r]);
    },
    async putMany(name, kind, records, batch) {
      const db = dbs.get(name);
      for (let i = 0; i < records.length; i += batch) await writeTx(db, kind, records.slice(i, i + batch));
    },
    // push sends the outbox in batches of pushBatchSize; each answer is written back (ops
    // removed, server records stored) in one transaction.
    async push(name) {
      const db = dbs.get(name);
      let pushed = 0;
      for (;;) {
        const tx = db.transaction('outbox');
        const ob = tx.objectStore('outbox');
        const [keys, ops] = await Promise.all([request(ob.getAllKeys(null, cfg.pushBatchSize)), request(ob.getAll(null, cfg.pushBatchSize))]);
        if (ops.length === 0) return pushed;
        const out = await getJSON(`${cfg.baseUrl}/batch`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ ops }),
        });
        const wtx = db.transaction([...new Set(ops.map((o) => `r:${o.kind}`)), 'outbox'], 'readwrite');
        out.results.forEach((res, i) => {
          if (res.statusCode >= 300) throw new Error(`raw push: op ${res.opId} got ${res.statusCode}`);
          wtx.objectStore(`r:${ops[i].kind}`).put(res.data, ops[i].id);
          wtx.objectStore('outbox').delete(keys[i]);
        });
        await done(wtx);
        pushed += ops.length;
      }
    },
    async records(name, kind) {
      return request(dbs.get(name).transaction(`r:${kind}`).objectStore(`r:${kind}`).getAll());
    },
    query(name, kind, spec) {
      return rawQuery(dbs.get(name), kind, spec);
    },
    async pending(name) {
      return request(dbs.get(name).transaction('outbox').objectStore('outbox').count());
    },
  };
}
