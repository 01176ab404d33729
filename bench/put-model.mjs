// A plain-JavaScript model of one awaited local write's IndexedDB transaction, in variants of
// offsync's own request set, against the raw side's (bench/page/raw.js), in ONE page: blocks
// of awaited writes per variant, rotated, so that the machine's noise hits every variant alike.
// It splits the IndexedDB side of an awaited put (which requests and stores a write spans)
// from the rest (Go, the bridge, offsync.js): bench/where-the-time-goes.md.
//
//   node bench/put-model.mjs [writes per block, default 500] [blocks per variant, default 6] [batch]
// With batch (e.g. 500), each transaction writes that many records (putMany's shape) and only
// the variants without reads run: raw, offsync's two rows, and one row per write.
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const per = Number(process.argv[2] ?? 500);
const blocks = Number(process.argv[3] ?? 6);
const batch = Number(process.argv[4] ?? 0);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([per, blocks, batch]) => {
    const open = (name, up) => new Promise((res, rej) => {
      const q = indexedDB.open(name, 1);
      q.onupgradeneeded = () => up(q.result);
      q.onsuccess = () => res(q.result);
      q.onerror = () => rej(q.error);
    });
    // offsync's layout (idbstore/schema.go, v4) and the raw side's (bench/page/idb.js).
    const os = await open('model-os' + Math.random(), (db) => {
      db.createObjectStore('records', { keyPath: ['kind', 'id'] });
      const ob = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      ob.createIndex('entity', ['kind', 'eid']);
      ob.createIndex('opId', 'opId', { unique: true });
      const pk = db.createObjectStore('parked', { keyPath: 'n', autoIncrement: true });
      pk.createIndex('opId', 'opId', { unique: true });
      pk.createIndex('entity', ['op.kind', 'op.eid']);
      db.createObjectStore('marks', { keyPath: 'n', autoIncrement: true }).put({ n: 0, pending: 0 });
      db.createObjectStore('later');
    });
    // The layout: the pending op travels with its record row (one put per write), the
    // outbox an index over the rows that carry one (a sparse index on their pending seq).
    const one = await open('model-one' + Math.random(), (db) => {
      const st = db.createObjectStore('records', { keyPath: ['kind', 'id'] });
      st.createIndex('pending', 'pseq');
    });
    let pseq = 0;
    const raw = await open('model-raw' + Math.random(), (db) => {
      db.createObjectStore('r:k1');
      db.createObjectStore('outbox', { autoIncrement: true });
    });
    const done = (tx) => new Promise((res, rej) => { tx.oncomplete = res; tx.onabort = () => rej(tx.error); });
    const rec = (i, v) => ({ id: `${v}-${i}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: i, tags: ['a', 'b'] });
    const opOf = (r, data) => ({ opId: crypto.randomUUID(), kind: 'k1', eid: r.id, type: 'upsert', payload: data, changed: null, ts: Date.now() });
    // Each variant: one awaited write of record r in its own transaction.
    const variants = {
      raw: (r) => {
        const tx = raw.transaction(['r:k1', 'outbox'], 'readwrite', { durability: 'strict' });
        tx.objectStore('r:k1').put(r, r.id);
        tx.objectStore('outbox').add({ opId: crypto.randomUUID(), kind: 'k1', id: r.id, type: 'upsert', payload: r });
        return done(tx);
      },
      // offsync today (H.writeAhead): 3 checks, 2 adds, the size put after the record's add.
      now: (r) => {
        const tx = os.transaction(['records', 'outbox', 'parked', 'marks'], 'readwrite', { durability: 'strict' });
        const data = JSON.stringify(r), op = opOf(r, data), ob = tx.objectStore('outbox');
        ob.index('entity').getKey(['k1', r.id]);
        tx.objectStore('parked').index('opId').getKey(op.opId);
        const size = tx.objectStore('marks').get(0);
        const a = tx.objectStore('records').add({ kind: 'k1', id: r.id, data });
        ob.add(op);
        a.onsuccess = () => { tx.objectStore('marks').put({ n: 0, pending: size.result.pending + 1 }); tx.commit(); };
        return done(tx);
      },
      // without the stored size's read and write
      noSize: (r) => {
        const tx = os.transaction(['records', 'outbox', 'parked'], 'readwrite', { durability: 'strict' });
        const data = JSON.stringify(r), op = opOf(r, data), ob = tx.objectStore('outbox');
        ob.index('entity').getKey(['k1', r.id]);
        tx.objectStore('parked').index('opId').getKey(op.opId);
        const a = tx.objectStore('records').add({ kind: 'k1', id: r.id, data });
        ob.add(op);
        a.onsuccess = () => tx.commit();
        return done(tx);
      },
      // the size written blind (no read), as a cached value would be
      blindSize: (r) => {
        const tx = os.transaction(['records', 'outbox', 'parked', 'marks'], 'readwrite', { durability: 'strict' });
        const data = JSON.stringify(r), op = opOf(r, data), ob = tx.objectStore('outbox');
        ob.index('entity').getKey(['k1', r.id]);
        tx.objectStore('parked').index('opId').getKey(op.opId);
        const a = tx.objectStore('records').add({ kind: 'k1', id: r.id, data });
        ob.add(op);
        tx.objectStore('marks').put({ n: 0, pending: 1 });
        a.onsuccess = () => tx.commit();
        return done(tx);
      },
      // the size read with the checks, written blind up front (a cached value, checked)
      cachedSize: (r) => {
        const tx = os.transaction(['records', 'outbox', 'parked', 'marks'], 'readwrite', { durability: 'strict' });
        const data = JSON.stringify(r), op = opOf(r, data), ob = tx.objectStore('outbox');
        ob.index('entity').getKey(['k1', r.id]);
        tx.objectStore('parked').index('opId').getKey(op.opId);
        tx.objectStore('marks').get(0);
        const a = tx.objectStore('records').add({ kind: 'k1', id: r.id, data });
        ob.add(op);
        tx.objectStore('marks').put({ n: 0, pending: 1 });
        a.onsuccess = () => tx.commit();
        return done(tx);
      },
      // the size read with the checks and written once they answered, without commit()
      lateNoCommit: (r) => {
        const tx = os.transaction(['records', 'outbox', 'parked', 'marks'], 'readwrite', { durability: 'strict' });
        const data = JSON.stringify(r), op = opOf(r, data), ob = tx.objectStore('outbox');
        ob.index('entity').getKey(['k1', r.id]);
        tx.objectStore('parked').index('opId').getKey(op.opId);
        const size = tx.objectStore('marks').get(0);
        const a = tx.objectStore('records').add({ kind: 'k1', id: r.id, data });
        ob.add(op);
        a.onsuccess = () => { tx.objectStore('marks').put({ n: 0, pending: size.result.pending + 1 }); };
        return done(tx);
      },
      // one row per write: the record with its op (the layout)
      oneRow: (r) => {
        const tx = one.transaction(['records'], 'readwrite', { durability: 'strict' });
        const data = JSON.stringify(r);
        tx.objectStore('records').add({ kind: 'k1', id: r.id, data, pseq: ++pseq, op: opOf(r, null) });
        return done(tx);
      },
      // the record and the op only (offsync's stores and indexes, no checks)
      addsOnly: (r) => {
        const tx = os.transaction(['records', 'outbox'], 'readwrite', { durability: 'strict' });
        const data = JSON.stringify(r);
        tx.objectStore('records').add({ kind: 'k1', id: r.id, data });
        tx.objectStore('outbox').add(opOf(r, data));
        return done(tx);
      },
    };
    // Batches: one transaction of many writes, no reads (what a batch writes after its reads).
    const batches = {
      raw: (rs) => {
        const tx = raw.transaction(['r:k1', 'outbox'], 'readwrite', { durability: 'strict' });
        const st = tx.objectStore('r:k1'), ob = tx.objectStore('outbox');
        for (const r of rs) { st.put(r, r.id); ob.add({ opId: crypto.randomUUID(), kind: 'k1', id: r.id, type: 'upsert', payload: r }); }
        return done(tx);
      },
      twoRows: (rs) => {
        const tx = os.transaction(['records', 'outbox', 'marks'], 'readwrite', { durability: 'strict' });
        const st = tx.objectStore('records'), ob = tx.objectStore('outbox');
        for (const r of rs) { const data = JSON.stringify(r); st.put({ kind: 'k1', id: r.id, data }); ob.put(opOf(r, data)); }
        tx.objectStore('marks').put({ n: 0, pending: 1 });
        return done(tx);
      },
      oneRow: (rs) => {
        const tx = one.transaction(['records'], 'readwrite', { durability: 'strict' });
        const st = tx.objectStore('records');
        for (const r of rs) st.put({ kind: 'k1', id: r.id, data: JSON.stringify(r), pseq: ++pseq, op: opOf(r, null) });
        return done(tx);
      },
    };
    const run = batch > 0 ? batches : variants;
    const names = Object.keys(run), t = Object.fromEntries(names.map((n) => [n, []]));
    for (let b = 0; b < blocks; b++) {
      for (let j = 0; j < names.length; j++) {
        const v = names[(b + j) % names.length];
        const t0 = performance.now();
        if (batch > 0) {
          const rs = Array.from({ length: per }, (_, i) => rec(b * per + i, v));
          for (let i = 0; i < per; i += batch) await run[v](rs.slice(i, i + batch));
        } else {
          for (let i = 0; i < per; i++) await run[v](rec(b * per + i, v));
        }
        t[v].push((performance.now() - t0) / per * 1000);
      }
    }
    const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[s.length >> 1]; };
    return names.map((n) => [n, med(t[n]), t[n].reduce((x, y) => x + y, 0) / t[n].length]);
  }, [per, blocks, batch]);
  const base = r.find(([n]) => n === 'raw')[1];
  for (const [n, m, mean] of r) console.log(`${n.padEnd(10)} median ${m.toFixed(0)} µs/write (${(m / base).toFixed(2)}× raw), mean ${mean.toFixed(0)}`);
} finally {
  await browser.close();
  await server.stop();
}
