// What the push's store work costs IndexedDB alone, with no engine and no server: 3,000 of the
// bench's small records written into bare stores, then pushed back in batches of 100 with only
// the store requests of each side (no fetch). Per batch:
//   - ack+claim: offsync's transaction (idbstore changeAck with a claim): the marks and the
//     acked rows read through the pending index, each row put back without its op, the batch's
//     mark deleted, then the next batch's rows read through the pending index and marked;
//   - claim first: the same requests with the claim's reads issued beside the ack's;
//   - ack only: the ack's requests without the claim;
//   - raw: the raw side's two transactions (bench/page/raw.js push): the outbox's next 100 read,
//     then each record put and its outbox entry deleted.
// Rounds in one page; per pattern and round the total ms, the median batch, and the CPU time
// the renderer and the browser process (IndexedDB's backend) spent.
//
//   node bench/ack-idb.mjs [rounds, default 3]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
import { cpuByProcess, cpuSince } from './proc-cpu.mjs';

const rounds = Number(process.argv[2] ?? 3);

const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  await page.evaluate(async () => {
    const { makeRecords } = await import('/bench/page/records.js');
    const { request: req, done } = await import('/bench/page/idb.js');
    const N = 3000, B = 100;
    const recs = makeRecords('p', 0, N, 0, 'small');
    const open = (up) => new Promise((ok, no) => {
      const o = indexedDB.open('ack' + Math.random(), 1);
      o.onupgradeneeded = () => up(o.result);
      o.onsuccess = () => ok(o.result);
      o.onerror = () => no(o.error);
    });
    // offsync's layout (idbstore/schema.go v5+): one row per entity carrying its pending op.
    const offsyncStores = async () => {
      const db = await open((d) => {
        const s = d.createObjectStore('records', { keyPath: ['kind', 'id'] });
        s.createIndex('pending', 'pseq');
        s.createIndex('opIds', 'oids', { unique: true, multiEntry: true });
        d.createObjectStore('marks', { keyPath: 'n', autoIncrement: true });
      });
      const tx = db.transaction('records', 'readwrite');
      recs.forEach((r, i) => {
        const opId = crypto.randomUUID();
        tx.objectStore('records').put({ kind: 'p', id: r.id, data: JSON.stringify(r), ops: [{ seq: i + 1, opId, type: 'upsert', pd: 1 }], pseq: i + 1, oids: [opId] });
      });
      await done(tx);
      return db;
    };
    const acked = (row) => ({ kind: row.kind, id: row.id, data: row.data, updatedAt: '2026-01-01T00:00:00Z', version: 2 });
    const batchRange = (b) => IDBKeyRange.bound(b * B + 1, (b + 1) * B);
    // One transaction acknowledging batch b, with the next batch's claim read after the ack's
    // writes (claim 'after', offsync's), beside the ack's reads ('first'), or not at all.
    const ackBatch = async (db, b, claim) => {
      const tx = db.transaction(['records', 'marks'], 'readwrite');
      const st = tx.objectStore('records'), marks = tx.objectStore('marks');
      const readNext = () => req(st.index('pending').getAll(IDBKeyRange.lowerBound((b + 1) * B + 1), B));
      const reads = [req(marks.getAll()), req(st.index('pending').getAll(batchRange(b), 2 * B + 16))];
      if (claim === 'first') reads.push(readNext());
      const [, rows, early] = await Promise.all(reads);
      for (const row of rows) st.put(acked(row));
      marks.delete(1);
      const next = claim === 'after' ? (await Promise.all([req(marks.getAll()), readNext()]))[1] : early;
      if (next) marks.add({ ids: next.map((x) => x.oids[0]) });
      tx.commit();
      await done(tx);
    };
    const patterns = {
      'ack+claim': (db, b) => ackBatch(db, b, 'after'),
      'claim first': (db, b) => ackBatch(db, b, 'first'),
      'ack only': (db, b) => ackBatch(db, b, null),
      async raw(db) {
        const ob = db.transaction('outbox').objectStore('outbox');
        const [keys, ops] = await Promise.all([req(ob.getAllKeys(null, B)), req(ob.getAll(null, B))]);
        const tx = db.transaction(['r', 'outbox'], 'readwrite');
        ops.forEach((o, i) => { tx.objectStore('r').put(o.payload, o.id); tx.objectStore('outbox').delete(keys[i]); });
        await done(tx);
      },
    };
    const rawStores = async () => {
      const db = await open((d) => { d.createObjectStore('r'); d.createObjectStore('outbox', { autoIncrement: true }); });
      const tx = db.transaction(['r', 'outbox'], 'readwrite');
      for (const r of recs) {
        tx.objectStore('r').put(r, r.id);
        tx.objectStore('outbox').add({ opId: crypto.randomUUID(), kind: 'p', id: r.id, type: 'upsert', payload: r });
      }
      await done(tx);
      return db;
    };
    // One pattern's pass over the stores ackFill made: [total ms, median batch ms].
    let db = null;
    window.ackFill = async (name) => { db = name === 'raw' ? await rawStores() : await offsyncStores(); };
    window.ackPass = async (name) => {
      const spans = [];
      const t0 = performance.now();
      for (let b = 0; b < N / B; b++) {
        const s = performance.now();
        await patterns[name](db, b);
        spans.push(performance.now() - s);
      }
      const total = performance.now() - t0;
      db.close();
      spans.sort((a, b) => a - b);
      return [total, spans[spans.length >> 1]];
    };
    window.ackPatterns = Object.keys(patterns);
  });
  const names = await page.evaluate(() => window.ackPatterns);
  const r = {};
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      await page.evaluate((n) => window.ackFill(n), name);
      const c0 = cpuByProcess();
      const [total, batch] = await page.evaluate((n) => window.ackPass(n), name);
      const d = cpuSince(c0);
      (r[name] ||= []).push(`${total.toFixed(0)} (batch ${batch.toFixed(1)}; cpu renderer ${d.renderer ?? 0}, browser ${d.browser ?? 0})`);
    }
  }

  for (const [name, runs] of Object.entries(r)) console.log(`${name.padEnd(12)} ${runs.join(', ')} ms`);
} finally {
  await browser.close();
  await server.stop();
}
