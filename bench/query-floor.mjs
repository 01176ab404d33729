// The floor under offsync's indexed query rows, in one page: offsync's call, the same IndexedDB
// read made directly on offsync's own database (its index keys [tag, value], primary keys
// [kind, id] and a JSON.parse per record: the floor of its schema), and the read the bench's raw
// side makes on a plain database (plain keys, plain values). Batches of 10 calls, the variants
// taking turns, 40 rounds (no forced gc between batches: it cools offsync's larger JavaScript,
// bench/page/bench.js); medians of the per-call times in ms.
//
//   node bench/query-floor.mjs [records]      # default 100,000, as make bench
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const records = Number(process.argv[2] ?? 100_000);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, records]) => {
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const groups = records / 100;
    const rec = (i) => ({ id: 'q' + String(i).padStart(7, '0'), title: 'lorem ipsum', body: 'lorem ipsum dolor sit amet', done: i % 2 === 0, grp: i % groups, n: (i * 7919) % 1000003 });
    const mod = await import('/js/offsync.js');
    const name = 'floor' + Math.random();
    const db = await mod.open({ name, baseUrl, kinds: ['q'], indexes: { q: ['grp', 'n'] }, token: async () => 'Bearer dev', storage: 'indexeddb' });
    for (let i = 0; i < records; i += 5000) await db.putMany('q', Array.from({ length: Math.min(5000, records - i) }, (_, j) => rec(i + j)));
    const oidb = await new Promise((res, rej) => { const o = indexedDB.open(name); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
    const names = [...oidb.transaction('records').objectStore('records').indexNames];
    const ixn = (f) => names.find((n) => n.includes(`"${f}"`));
    const pidb = await new Promise((res, rej) => {
      const o = indexedDB.open('plain' + Math.random(), 1);
      o.onupgradeneeded = () => { const st = o.result.createObjectStore('r'); st.createIndex('n', 'n'); st.createIndex('grp', 'grp'); };
      o.onsuccess = () => res(o.result);
      o.onerror = () => rej(o.error);
    });
    for (let i = 0; i < records; i += 5000) {
      const tx = pidb.transaction('r', 'readwrite');
      for (let j = i; j < Math.min(records, i + 5000); j++) { const x = rec(j); tx.objectStore('r').put(x, x.id); }
      await new Promise((r) => { tx.oncomplete = r; });
    }
    const lo = (i) => (i * 90001) % 900000;
    const own = (f) => oidb.transaction('records').objectStore('records').index(ixn(f));
    const plain = (f) => pidb.transaction('r').objectStore('r').index(f);
    const ownRange = (i) => IDBKeyRange.bound([3, lo(i)], [3, lo(i) + 100000], false, true);
    const plainRange = (i) => IDBKeyRange.bound(lo(i), lo(i) + 100000, false, true);
    const variants = {
      'count offsync': (i) => db.count('q', { where: { n: { gte: lo(i), lt: lo(i) + 100000 } } }),
      'count own index': (i) => req(own('n').count(ownRange(i))),
      'count plain': (i) => req(plain('n').count(plainRange(i))),
      'page offsync': (i) => db.query('q', { where: { n: { gte: lo(i), lt: lo(i) + 100000 } }, orderBy: [['n', 'desc']], limit: 50 }),
      'page own index (51)': (i) => req(own('n').getAll({ query: ownRange(i), count: 51, direction: 'prev' })).then((vs) => vs.slice(0, 50).map((v) => JSON.parse(v.data))),
      'page own index (50)': (i) => req(own('n').getAll({ query: ownRange(i), count: 50, direction: 'prev' })).then((vs) => vs.map((v) => JSON.parse(v.data))),
      'page plain': (i) => req(plain('n').getAll({ query: plainRange(i), count: 50, direction: 'prev' })),
      'eq offsync': (i) => db.query('q', { where: { grp: i % groups } }),
      'eq own index': (i) => req(own('grp').getAll(IDBKeyRange.only([3, i % groups]))).then((vs) => vs.map((v) => JSON.parse(v.data))),
      'eq plain': (i) => req(plain('grp').getAll(i % groups)),
    };
    const keys = Object.keys(variants);
    const t = Object.fromEntries(keys.map((k) => [k, []]));
    const B = 10;
    for (let round = 0; round < 40; round++) {
      for (let s = 0; s < keys.length; s++) {
        const k = keys[(s + round) % keys.length];
        await new Promise((r) => setTimeout(r, 0));
        const t0 = performance.now();
        for (let j = 0; j < B; j++) await variants[k](round * B + j);
        t[k].push((performance.now() - t0) / B);
      }
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    return Object.fromEntries(keys.map((k) => [k, med(t[k])]));
  }, [server.baseUrl, records]);
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(20)} ${v.toFixed(3)} ms`);
} finally {
  await browser.close();
  await server.stop();
}
