// The floor under offsync's indexed query rows, in one page: offsync's call, the same IndexedDB
// read made directly on offsync's own database (its index keys, primary keys [kind, id] and a
// JSON.parse per record: the floor of its schema), and the read the bench's raw side makes on a
// plain database (plain keys, plain values). Batches of 10 calls, the variants taking turns, 40
// rounds (no forced gc between batches: it cools offsync's larger JavaScript,
// bench/page/bench.js); medians and lower quartiles of the per-call times in ms.
// OFFSYNC_FLOOR_MODULES (comma-separated, default /js/offsync.js) runs several builds of
// offsync.js side by side in the page, each on its own database (e.g. a copy of main's js/ in
// bench/dist/main: /bench/dist/main/offsync.js,/js/offsync.js), labelled a, b, ...
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
  const modules = (process.env.OFFSYNC_FLOOR_MODULES ?? '/js/offsync.js').split(',');
  const r = await page.evaluate(async ([baseUrl, records, modules]) => {
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const groups = records / 100;
    const rec = (i) => ({ id: 'q' + String(i).padStart(7, '0'), title: 'lorem ipsum', body: 'lorem ipsum dolor sit amet', done: i % 2 === 0, grp: i % groups, n: (i * 7919) % 1000003 });
    const lo = (i) => (i * 90001) % 900000;
    // The index keys of a number as each layout stores them: [3, n] before layout 6, the
    // helpers' string (ixBound) from it on.
    const { idbHelpers } = await import('/js/idb-helpers.js');
    const bound = idbHelpers().ixTest.bound;
    const variants = {};
    for (let m = 0; m < modules.length; m++) {
      const label = String.fromCharCode(97 + m);
      const mod = await import(modules[m]);
      const name = 'floor' + Math.random();
      const db = await mod.open({ name, baseUrl, kinds: ['q'], indexes: { q: ['grp', 'n'] }, token: async () => 'Bearer dev', storage: 'indexeddb' });
      for (let i = 0; i < records; i += 5000) await db.putMany('q', Array.from({ length: Math.min(5000, records - i) }, (_, j) => rec(i + j)));
      const oidb = await new Promise((res, rej) => { const o = indexedDB.open(name); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
      const names = [...oidb.transaction('records').objectStore('records').indexNames];
      const ixn = (f) => names.find((n) => n.includes(`"${f}"`));
      const own = (f) => oidb.transaction('records').objectStore('records').index(ixn(f));
      const anyKey = (await req(own('n').openKeyCursor()))?.key;
      const enc = typeof anyKey === 'string' ? (x) => bound([3, x]) : (x) => [3, x];
      const ownRange = (i) => IDBKeyRange.bound(enc(lo(i)), enc(lo(i) + 100000), false, true);
      Object.assign(variants, {
        [`count ${label} offsync`]: (i) => db.count('q', { where: { n: { gte: lo(i), lt: lo(i) + 100000 } } }),
        [`count ${label} own index`]: (i) => req(own('n').count(ownRange(i))),
        [`page ${label} offsync`]: (i) => db.query('q', { where: { n: { gte: lo(i), lt: lo(i) + 100000 } }, orderBy: [['n', 'desc']], limit: 50 }),
        [`page ${label} own index (51)`]: (i) => req(own('n').getAll({ query: ownRange(i), count: 51, direction: 'prev' })).then((vs) => vs.slice(0, 50).map((v) => JSON.parse(v.data))),
        [`eq ${label} offsync`]: (i) => db.query('q', { where: { grp: i % groups } }),
        [`eq ${label} own index`]: (i) => req(own('grp').getAll(IDBKeyRange.only(enc(i % groups)))).then((vs) => vs.map((v) => JSON.parse(v.data))),
      });
    }
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
    const plain = (f) => pidb.transaction('r').objectStore('r').index(f);
    const plainRange = (i) => IDBKeyRange.bound(lo(i), lo(i) + 100000, false, true);
    Object.assign(variants, {
      'count plain': (i) => req(plain('n').count(plainRange(i))),
      'page plain': (i) => req(plain('n').getAll({ query: plainRange(i), count: 50, direction: 'prev' })),
      'eq plain': (i) => req(plain('grp').getAll(i % groups)),
    });
    // Every variant of a query answers the same.
    for (const q of ['count', 'page', 'eq']) {
      const ks = Object.keys(variants).filter((k) => k.startsWith(q + ' '));
      const norm = (x) => JSON.stringify(typeof x === 'number' ? x : x.map((o) => o.id).sort());
      const want = norm(await variants[ks[0]](3));
      for (const k of ks) if (norm(await variants[k](3)) !== want) throw new Error(`${k} answers differently`);
    }
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
    const q = (xs, f) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * f)];
    return Object.fromEntries(keys.sort().map((k) => [k, [q(t[k], 0.5), q(t[k], 0.25)]]));
  }, [server.baseUrl, records, modules]);
  console.log(`modules: ${modules.map((m, i) => `${String.fromCharCode(97 + i)} ${m}`).join(', ')}; load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const [k, [m, lq]] of Object.entries(r)) console.log(`${k.padEnd(26)} median ${m.toFixed(3)} ms  lower quartile ${lq.toFixed(3)} ms`);
} finally {
  await browser.close();
  await server.stop();
}
