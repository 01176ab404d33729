// How a large row's data costs IndexedDB: 2,000 of the bench's large records (bench/page/
// records.js) put into a bare store with offsync's layout (inline key [kind, id], the pending
// and unique multiEntry opIds indexes), 4 transactions of 500 (strict durability, commit()
// called), the row's data held as: the record's JSON text (offsync's rows), its UTF-8 bytes, the
// parsed object (as RxDB's documents), the text with \uXXXX escapes (a one-byte string), the
// UTF-8 bytes as a one-byte string, and the JSON text in a row carrying a pending op. 4 runs;
// per run [total, put() calls, waiting for completion] ms.
//
//   node bench/row-data.mjs
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';

const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async () => {
    const { makeRecords } = await import('/bench/page/records.js');
    const objs = makeRecords('x', 0, 2000, 0, 'large');
    const texts = objs.map((o) => JSON.stringify(o));
    const enc = new TextEncoder();
    const bytes = texts.map((s) => enc.encode(s));
    const data = {
      'JSON text': texts,
      'UTF-8 bytes': bytes,
      'parsed object': objs,
      '\\u-escaped text': texts.map((s) => s.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))),
      'UTF-8 as one-byte string': bytes.map((b) => { let s = ''; for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096)); return s; }),
      'JSON text, pending op': texts,
    };
    const open = (name) => new Promise((resolve) => {
      const q = indexedDB.open(name, 1);
      q.onupgradeneeded = () => {
        const st = q.result.createObjectStore('records', { keyPath: ['kind', 'id'] });
        st.createIndex('pending', 'pseq');
        st.createIndex('opIds', 'oids', { unique: true, multiEntry: true });
      };
      q.onsuccess = () => resolve(q.result);
    });
    const out = {};
    let seq = 0;
    for (let run = 0; run < 4; run++) {
      for (const [mode, values] of Object.entries(data)) {
        const db = await open(`rd-${run}-${mode}-${Math.random()}`);
        let putMs = 0, waitMs = 0;
        const t0 = performance.now();
        for (let b = 0; b < values.length; b += 500) {
          const tx = db.transaction('records', 'readwrite', { durability: 'strict' });
          const st = tx.objectStore('records');
          const p0 = performance.now();
          for (let i = b; i < b + 500; i++) {
            const v = { kind: 'k', id: 'x' + i, data: values[i] };
            if (mode.endsWith('pending op')) {
              const opId = crypto.randomUUID();
              v.ops = [{ seq: ++seq, opId, kind: 'k', eid: v.id, type: 'upsert', pd: 1, changed: null, ts: 1 }];
              v.pseq = seq;
              v.oids = [opId];
            }
            st.put(v);
          }
          tx.commit();
          const w0 = performance.now();
          putMs += w0 - p0;
          await new Promise((res) => { tx.oncomplete = res; });
          waitMs += performance.now() - w0;
        }
        (out[mode] ??= []).push([performance.now() - t0, putMs, waitMs].map(Math.round));
        db.close();
      }
    }
    return { chars: texts[0].length, bytes: bytes[0].length, out };
  });
  console.log(`record 0: ${r.chars} characters, ${r.bytes} B of UTF-8; per run [total, put() calls, waiting] ms:`);
  for (const [k, v] of Object.entries(r.out)) console.log(`  ${k.padEnd(26)} ${v.map((x) => x.join('/')).join('  ')}`);
} finally {
  await browser.close();
  await server.stop();
}
