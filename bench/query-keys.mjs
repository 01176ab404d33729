// What offsync's key shapes cost IndexedDB, on plain stores in one page: a count of ~10,000
// entries and a descending page of 50 over an index on n, with the index key plain (n) or
// offsync's [tag, value] ([3, n]), and the primary key plain (id) or offsync's [kind, id]:
// s1 plain/plain, s2 array index key, s3 array primary key, s4 both. Batches of 10 calls, the
// variants taking turns, 30 rounds; medians per call in ms.
//
//   node bench/query-keys.mjs [records]      # default 100,000
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
const records = Number(process.argv[2] ?? 100000);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async (records) => {
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const rec = (i) => ({ id: 'q' + String(i).padStart(7, '0'), kind: 'q', title: 'lorem ipsum', body: 'lorem ipsum dolor sit amet', grp: i % 1000, n: (i * 7919) % 1000003, xn: [3, (i * 7919) % 1000003] });
    const db = await new Promise((res, rej) => { const o = indexedDB.open('keys' + Math.random(), 1); o.onupgradeneeded = () => {
      const d = o.result;
      d.createObjectStore('s1').createIndex('i', 'n');
      d.createObjectStore('s2').createIndex('i', 'xn');
      d.createObjectStore('s3', { keyPath: ['kind', 'id'] }).createIndex('i', 'n');
      d.createObjectStore('s4', { keyPath: ['kind', 'id'] }).createIndex('i', 'xn');
    }; o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
    for (let i = 0; i < records; i += 5000) {
      const tx = db.transaction(['s1', 's2', 's3', 's4'], 'readwrite');
      for (let j = i; j < Math.min(records, i + 5000); j++) { const x = rec(j); tx.objectStore('s1').put(x, x.id); tx.objectStore('s2').put(x, x.id); tx.objectStore('s3').put(x); tx.objectStore('s4').put(x); }
      await new Promise((r) => { tx.oncomplete = r; });
    }
    const lo = (i) => (i * 90001) % 900000;
    const range = (s, i) => (s === 's1' || s === 's3' ? IDBKeyRange.bound(lo(i), lo(i) + 100000, false, true) : IDBKeyRange.bound([3, lo(i)], [3, lo(i) + 100000], false, true));
    const sides = {};
    for (const s of ['s1', 's2', 's3', 's4']) {
      sides['count ' + s] = (i) => req(db.transaction(s).objectStore(s).index('i').count(range(s, i)));
      sides['page ' + s] = (i) => req(db.transaction(s).objectStore(s).index('i').getAll({ query: range(s, i), count: 50, direction: 'prev' }));
    }
    const t = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
    const B = 10;
    for (let rep = 0; rep < 30; rep++) {
      const keys = Object.keys(sides);
      for (let s = 0; s < keys.length; s++) {
        const k = keys[(s + rep) % keys.length];
        await new Promise((r) => setTimeout(r, 0));
        const t0 = performance.now();
        for (let j = 0; j < B; j++) await sides[k](rep * B + j);
        t[k].push((performance.now() - t0) / B);
      }
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    return Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, med(xs)]));
  }, records);
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(10)} ${v.toFixed(3)} ms`);
} finally {
  await browser.close();
  await server.stop();
}
