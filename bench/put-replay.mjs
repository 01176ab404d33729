// Where a pulled page's puts go: offsync pulls N small records while its record-store puts are
// timed in place and their values kept; then the very same values are put again into fresh
// stores of three layouts, 500 a transaction, with the put() calls timed: offsync's (inline key
// [kind, id], the pending and unique multiEntry opIds indexes), the same with plain-object
// copies of the values (not slices of the framed page text), and an out-of-line key with no
// index (raw's). 3 runs each; ms for all puts, then the whole (puts and completions).
//
//   make wasm server && node bench/put-replay.mjs [N, default 20000]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
import { writeRecords, range } from './seed.mjs';

const N = Number(process.argv[2] ?? 20000);
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
await writeRecords({ baseUrl: server.baseUrl, token: 'Bearer dev', kind: 'pl', indexes: range(N), shape: 'small' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async (baseUrl) => {
    const now = () => performance.now();
    const put = IDBObjectStore.prototype.put;
    let kept = null, putMs = 0;
    IDBObjectStore.prototype.put = function (v, k) {
      const t0 = now();
      const x = put.call(this, v, k);
      putMs += now() - t0;
      if (kept && this.name === 'records') kept.push(v);
      return x;
    };
    const m = await import('/js/offsync.js');
    const db = await m.open({ name: 'rp' + Math.random(), baseUrl, kinds: ['pl'], token: async () => 'Bearer dev', storage: 'indexeddb', pageSize: 500 });
    kept = [];
    await db.sync({ kinds: ['pl'] });
    const rows = kept, inPull = putMs;
    kept = null;
    await db.close();
    const open = (name, inline) => new Promise((resolve) => {
      const q = indexedDB.open(name, 1);
      q.onupgradeneeded = () => {
        const st = q.result.createObjectStore('records', inline ? { keyPath: ['kind', 'id'] } : undefined);
        if (inline) { st.createIndex('pending', 'pseq'); st.createIndex('opIds', 'oids', { unique: true, multiEntry: true }); }
      };
      q.onsuccess = () => resolve(q.result);
    });
    const layouts = { 'offsync layout': [true, false], 'offsync layout, copied values': [true, true], 'no key path, no index': [false, false] };
    const out = { 'inside the pull': [[Math.round(inPull), NaN]] };
    for (let run = 0; run < 3; run++) {
      for (const [name, [inline, copied]] of Object.entries(layouts)) {
        const d = await open(`rp-${run}-${name}-${Math.random()}`, inline);
        const vs = copied ? rows.map((v) => JSON.parse(JSON.stringify(v))) : rows;
        let ms = 0;
        const t0 = now();
        for (let b = 0; b < vs.length; b += 500) {
          const tx = d.transaction('records', 'readwrite');
          const st = tx.objectStore('records');
          const p0 = now();
          for (let i = b; i < Math.min(b + 500, vs.length); i++) { if (inline) put.call(st, vs[i]); else put.call(st, vs[i], [vs[i].kind, vs[i].id]); }
          ms += now() - p0;
          await new Promise((res) => { tx.oncomplete = res; });
        }
        (out[name] ??= []).push([Math.round(ms), Math.round(now() - t0)]);
        d.close();
      }
    }
    return { n: rows.length, out };
  }, server.baseUrl);
  console.log(`${r.n} rows; per layout, [put() calls ms, whole ms] a run:`);
  for (const [k, v] of Object.entries(r.out)) console.log(`  ${k}: ${v.map(([a, b]) => (Number.isNaN(b) ? `${a}` : `${a} / ${b}`)).join(', ')}`);
} finally {
  await browser.close();
  await server.stop();
}
