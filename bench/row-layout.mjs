// What the records store's layout costs a write, in a bare page (no offsync): Chromium clones
// (deserializes) every value put into a store with an in-line key or any index, to read the keys
// from it (docs/DESIGN.md "Schema v5: one row per entity"). Four layouts, each written the way a
// local write (the row carries its pending op) and a pull (a clean row) would write it:
//   one-row   offsync's: in-line key [kind, id], the pending and unique multiEntry opIds indexes
//   bare      out-of-line key, no index: the bound (no outbox index at all)
//   pointers  bare, plus per pending row a [0, seq, kind, id] row and per op a [1, opId] row in
//             the same store (an outbox kept by hand)
//   split     bare for the data, plus the ops in a second store with offsync's key and indexes
// Per run and layout: N records in transactions of 500 (putMany's shape) and N/10 records one
// per awaited transaction (put's), strict durability, commit() called. Layouts alternate within
// each run, so the machine's noise hits them alike. Prints medians over the runs, ms.
//
//   node bench/row-layout.mjs [--shape small|large] [--runs R]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const shape = arg('--shape', 'small');
const runs = Number(arg('--runs', 5));
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([shape, runs]) => {
    const { makeRecords } = await import('/bench/page/records.js');
    const n = shape === 'large' ? 2000 : 5000;
    const enc = new TextEncoder();
    // The data as offsync stores it: the JSON text, or its UTF-8 bytes when long and wide.
    const datas = makeRecords('x', 0, n, 0, shape).map((o) => {
      const s = JSON.stringify(o);
      return s.length >= 1024 && /[^\x00-\xff]/.test(s) ? enc.encode(s) : s;
    });
    const layouts = ['one-row', 'bare', 'pointers', 'split'];
    const open = (name, layout) => new Promise((resolve, reject) => {
      const q = indexedDB.open(name, 1);
      q.onupgradeneeded = () => {
        const db = q.result;
        const indexed = (st) => {
          st.createIndex('pending', 'pseq');
          st.createIndex('opIds', 'oids', { unique: true, multiEntry: true });
        };
        if (layout === 'one-row') indexed(db.createObjectStore('records', { keyPath: ['kind', 'id'] }));
        else db.createObjectStore('records');
        indexed(db.createObjectStore('pend', { keyPath: ['kind', 'id'] }));
      };
      q.onsuccess = () => resolve(q.result);
      q.onerror = () => reject(q.error);
    });
    let seq = 0;
    // write issues one record's requests: pending says whether it carries a new op.
    const write = (tx, layout, i, pending) => {
      const rec = tx.objectStore('records');
      const v = { kind: 'k', id: 'x' + i, updatedAt: '2026-12-07T00:00:00.000Z', data: datas[i] };
      let op = null;
      if (pending) {
        const opId = crypto.randomUUID();
        op = { seq: ++seq, opId, kind: 'k', eid: v.id, type: 'upsert', pd: 1, changed: null, ts: 1 };
      }
      if (layout === 'one-row') {
        if (op) Object.assign(v, { ops: [op], pseq: op.seq, oids: [op.opId] });
        rec.put(v);
        return;
      }
      if (layout === 'split') {
        rec.put(v, [v.kind, v.id]);
        if (op) tx.objectStore('pend').put({ kind: 'k', id: v.id, ops: [op], pseq: op.seq, oids: [op.opId] });
        return;
      }
      if (op) Object.assign(v, { ops: [op], pseq: op.seq, oids: [op.opId] });
      rec.put(v, [v.kind, v.id]);
      if (op && layout === 'pointers') {
        rec.put(1, [0, op.seq, v.kind, v.id]);
        rec.put([v.kind, v.id], [1, op.opId]);
      }
    };
    const stores = (layout) => (layout === 'split' ? ['records', 'pend'] : ['records']);
    const done = (tx) => new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    const cases = {};
    const note = (what, layout, ms) => (((cases[what] ??= {})[layout] ??= []).push(ms));
    for (let run = 0; run < runs; run++) {
      for (const layout of layouts) {
        for (const pending of [true, false]) {
          const what = pending ? 'local write' : 'pull';
          // Batches of 500.
          let db = await open(`rl-${run}-${layout}-${what}-${Math.random()}`, layout);
          let t0 = performance.now();
          for (let b = 0; b < n; b += 500) {
            const tx = db.transaction(stores(layout), 'readwrite', { durability: 'strict' });
            for (let i = b; i < b + 500; i++) write(tx, layout, i, pending);
            tx.commit();
            await done(tx);
          }
          note(`${what}, batches of 500`, layout, performance.now() - t0);
          db.close();
          if (!pending) continue;
          // One record per awaited transaction.
          db = await open(`rl1-${run}-${layout}-${Math.random()}`, layout);
          t0 = performance.now();
          for (let i = 0; i < n / 10; i++) {
            const tx = db.transaction(stores(layout), 'readwrite', { durability: 'strict' });
            write(tx, layout, i, true);
            tx.commit();
            await done(tx);
          }
          note(`local write, one per transaction (${n / 10})`, layout, performance.now() - t0);
          db.close();
        }
      }
    }
    return { n, cases };
  }, [shape, runs]);
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
  console.log(`${shape} records, ${r.n} a batch case; medians of ${runs} runs, ms (runs in brackets):`);
  for (const [what, byLayout] of Object.entries(r.cases)) {
    console.log(`  ${what}`);
    for (const [layout, xs] of Object.entries(byLayout)) {
      console.log(`    ${layout.padEnd(9)} ${median(xs).toFixed(0).padStart(6)}  [${xs.map((x) => x.toFixed(0)).join(', ')}]`);
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
