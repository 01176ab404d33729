// What index key encodings cost IndexedDB, on plain stores in one page (issue 14): a count of
// ~10,000 entries and a descending page of 50 over an index on n, and 100 rows by equality over
// an index on grp, with the index keys encoded as
//   plain   the values themselves (n, grp), primary key the id: raw's layout
//   pk      the values, primary key offsync's [kind, id]
//   array   offsync's [tag, value] arrays (before: [3, n]), primary key [kind, id]
//   string  one string per entry (helpers.js ixEnc: a tag code unit, a number as 4 code units
//           that sort as the double does), primary key [kind, id]
//   binary  the same bytes as an ArrayBuffer (tag byte + 8 bytes), primary key [kind, id]
// Batches of 10 calls, the variants taking turns, 30 rounds; medians and lower quartiles per
// call in ms.
//
//   node bench/query-keys.mjs [records] [rounds] [variants]   # default 100,000, 30, all
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
const records = Number(process.argv[2] ?? 100000);
const rounds = Number(process.argv[3] ?? 30);
const only = process.argv[4]?.split(',');
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ({ records, rounds, only }) => {
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const dv = new DataView(new ArrayBuffer(8));
    // numBits: the double's big-endian bits made to sort as unsigned integers.
    const numBits = (x) => {
      dv.setFloat64(0, x === 0 ? 0 : x);
      if (dv.getUint8(0) & 0x80) { dv.setUint32(0, ~dv.getUint32(0)); dv.setUint32(4, ~dv.getUint32(4)); } else dv.setUint8(0, dv.getUint8(0) | 0x80);
    };
    const strKey = (x) => { numBits(x); return '\x03' + String.fromCharCode(dv.getUint16(0), dv.getUint16(2), dv.getUint16(4), dv.getUint16(6)); };
    const binKey = (x) => { numBits(x); const u = new Uint8Array(9); u[0] = 3; u.set(new Uint8Array(dv.buffer), 1); return u.buffer; };
    const V = {
      plain: { pk: false, enc: (x) => x },
      pk: { pk: true, enc: (x) => x },
      array: { pk: true, enc: (x) => [3, x] },
      string: { pk: true, enc: strKey },
      binary: { pk: true, enc: binKey },
    };
    for (const k of Object.keys(V)) if (only && k !== 'plain' && !only.includes(k)) delete V[k];
    const n = (i) => (i * 7919) % 1000003;
    const db = await new Promise((res, rej) => { const o = indexedDB.open('keys' + Math.random(), 1); o.onupgradeneeded = () => {
      const d = o.result;
      for (const [name, v] of Object.entries(V)) {
        const st = d.createObjectStore(name, v.pk ? { keyPath: ['kind', 'id'] } : undefined);
        st.createIndex('n', 'xn');
        st.createIndex('g', 'xg');
      }
    }; o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
    for (let i = 0; i < records; i += 5000) {
      const tx = db.transaction(Object.keys(V), 'readwrite');
      for (let j = i; j < Math.min(records, i + 5000); j++) {
        for (const [name, v] of Object.entries(V)) {
          const x = { id: 'q' + String(j).padStart(7, '0'), kind: 'q', data: JSON.stringify({ title: 'lorem ipsum', body: 'lorem ipsum dolor sit amet', grp: j % 1000, n: n(j) }), xn: v.enc(n(j)), xg: v.enc(j % 1000) };
          if (v.pk) tx.objectStore(name).put(x); else tx.objectStore(name).put(x, x.id);
        }
      }
      await new Promise((r) => { tx.oncomplete = r; });
    }
    const lo = (i) => (i * 90001) % 900000;
    const sides = {};
    for (const [name, v] of Object.entries(V)) {
      const range = (i) => IDBKeyRange.bound(v.enc(lo(i)), v.enc(lo(i) + 100000), false, true);
      const ix = (k) => db.transaction(name).objectStore(name).index(k);
      sides['count ' + name] = (i) => req(ix('n').count(range(i)));
      sides['page ' + name] = (i) => req(ix('n').getAll({ query: range(i), count: 51, direction: 'prev' }));
      sides['eq ' + name] = (i) => req(ix('g').getAll(IDBKeyRange.only(v.enc((i * 37) % 1000))));
    }
    // Every variant reads the same rows.
    for (const q of ['count', 'page', 'eq']) {
      const want = JSON.stringify(await sides[q + ' plain'](7));
      for (const name of Object.keys(V)) {
        const got = await sides[q + ' ' + name](7);
        const norm = typeof got === 'number' ? got : got.map((x) => x.id);
        const w = JSON.parse(want);
        if (JSON.stringify(norm) !== JSON.stringify(typeof w === 'number' ? w : w.map((x) => x.id))) throw new Error(`${q} ${name} differs`);
      }
    }
    const t = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
    const B = 10;
    for (let rep = 0; rep < rounds; rep++) {
      const keys = Object.keys(sides);
      for (let s = 0; s < keys.length; s++) {
        const k = keys[(s + rep) % keys.length];
        await new Promise((r) => setTimeout(r, 0));
        const t0 = performance.now();
        for (let j = 0; j < B; j++) await sides[k](rep * B + j);
        t[k].push((performance.now() - t0) / B);
      }
    }
    const q = (xs, f) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * f)];
    return Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, [q(xs, 0.5), q(xs, 0.25)]]));
  }, { records, rounds, only });
  for (const [k, [m, lq]] of Object.entries(r)) console.log(`${k.padEnd(14)} median ${m.toFixed(3)} ms  lower quartile ${lq.toFixed(3)} ms`);
} finally {
  await browser.close();
  await server.stop();
}
