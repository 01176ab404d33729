// Timeline of an incremental pull, offsync against the raw side in one page, alternating (the
// first to pull after the server's write is slower: the server's, not the client's, cost), so
// that load hits both alike: N records pulled untimed, then per round 1,000 of them (--shape
// large: 500) changed on the server and pulled by each side. Prints the median time (ms after
// the call) of the n-th fetch() call, response and body, IndexedDB transaction (by mode) and
// its completion, first put of a batch (put0: a put more than 3 ms after the one before),
// commit() call, pending-index read (idxKeys) and its answer, Web Lock grant, engine event;
// then the medians of the whole pull, of the time spent in the Go program's wake-ups (its JS
// calls included) and in IDBObjectStore.put calls. The n-th of a kind is by rank.
//
//   make wasm server && node bench/incr-timeline.mjs [module URL of offsync.js] [N, 20000] [rounds, 10] [--shape large]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
import { writeRecords, range } from './seed.mjs';
const mod = process.argv[2] ?? '/js/offsync.js';
const N = Number(process.argv[3] ?? 20000);
const rounds = Number(process.argv[4] ?? 10);
const shape = process.argv.includes('--shape') ? process.argv[process.argv.indexOf('--shape') + 1] : 'small';
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
await writeRecords({ baseUrl: server.baseUrl, token: 'Bearer dev', kind: 'pl', indexes: range(N), shape });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, mod, N, rounds, shape]) => {
    const { noteSteps, median, stepLines } = await import('/bench/page/steps.js');
    const now = () => performance.now();
    let cur = null; let goMs = 0;
    const ev = (k) => cur?.push([k, now()]);
    const f = globalThis.fetch;
    globalThis.fetch = function (...a) { ev('fetch'); return f.apply(this, a).then((res) => { ev('resp'); return res; }); };
    const ab = Response.prototype.arrayBuffer;
    Response.prototype.arrayBuffer = function (...a) { return ab.apply(this, a).then((x) => { ev('ab'); return x; }); };
    const text = Response.prototype.text;
    Response.prototype.text = function (...a) { return text.apply(this, a).then((x) => { ev('text'); return x; }); };
    const json = Response.prototype.json;
    Response.prototype.json = function (...a) { return json.apply(this, a).then((x) => { ev('json'); return x; }); };
    const tx = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (s, mode, ...rest) {
      ev('tx-' + (mode ?? 'ro')); const t = tx.call(this, s, mode, ...rest);
      t.addEventListener('complete', () => ev('complete-' + (mode ?? 'ro'))); return t;
    };
    const put = IDBObjectStore.prototype.put; let puts = 0; let putMs = 0;
    let lastPut = 0;
    IDBObjectStore.prototype.put = function (...a) { puts++; const t0 = now(); if (t0 - lastPut > 3) ev('put0'); const x = put.apply(this, a); lastPut = now(); putMs += lastPut - t0; return x; };
    const cm = IDBTransaction.prototype.commit;
    IDBTransaction.prototype.commit = function () { ev('putN'); ev('commit'); return cm.call(this); };
    const gak = IDBIndex.prototype.getAllKeys;
    IDBIndex.prototype.getAllKeys = function (...a) { ev('idxKeys'); const r = gak.apply(this, a); r.addEventListener('success', () => ev('idxKeysOK')); return r; };
    const lr = navigator.locks.request.bind(navigator.locks);
    navigator.locks.request = (name, opts, cb) => lr(name, opts, (...a) => { ev('granted'); return Promise.resolve(cb(...a)).then((v) => { ev('runDone'); return v; }); });
    const { Go } = await import(new URL('wasm_exec.js', new URL(mod, location.href)).href);
    const resume = Go.prototype._resume;
    Go.prototype._resume = function () { const t0 = now(); try { return resume.call(this); } finally { goMs += now() - t0; } };
    const m = await import(mod);
    const dbName = 'tl' + Math.random();
    const db = await m.open({ name: dbName, baseUrl, kinds: ['pl'], token: async () => 'Bearer dev', storage: 'indexeddb', pageSize: 500 });
    await db.sync({ kinds: ['pl'] });
    for (const t of ['progress', 'completed', 'change']) db.on(t, () => ev('ev-' + t));
    const { createRaw } = await import('/bench/page/raw.js');
    const raw = createRaw({ baseUrl, token: 'Bearer dev', pageSize: 500 });
    await raw.open('rawtl', ['pl']);
    await raw.pull('rawtl', 'pl');
    const { makeRecords } = await import('/bench/page/records.js');
    const sides = { off: () => db.sync({ kinds: ['pl'] }), raw: () => raw.pull('rawtl', 'pl') };
    const acc = { off: new Map(), raw: new Map() }; const tot = { off: [], raw: [] }; const go = []; const pm = { off: [], raw: [] };
    const changed = shape === 'large' ? 500 : 1000;
    for (let i = 0; i < rounds; i++) {
      for (let at = 0; at < changed; at += 500) {
        const ops = makeRecords('pl', (i * 397 + at) % (N - 500), 500, i + 1, shape).map((payload) => ({ opId: crypto.randomUUID(), kind: 'pl', id: payload.id, type: 'upsert', payload, force: true }));
        const res = await fetch(`${baseUrl}/batch`, { method: 'POST', headers: { Authorization: 'Bearer dev', 'Content-Type': 'application/json' }, body: JSON.stringify({ ops }) });
        if (!res.ok) throw new Error('batch');
      }
      await new Promise((r) => setTimeout(r, 30));
      for (const s of i % 2 ? ['off', 'raw'] : ['raw', 'off']) {
        cur = []; goMs = 0; puts = 0; putMs = 0;
        const t0 = now();
        await sides[s]();
        const t1 = now();
        tot[s].push(t1 - t0); pm[s].push(putMs);
        if (s === 'off') go.push(goMs);
        noteSteps(acc[s], cur, t0);
        cur = null;
      }
    }
    const out = stepLines(acc.off, acc.raw, 16);
    out.push(`total median off ${median(tot.off).toFixed(2)} raw ${median(tot.raw).toFixed(2)}; go in _resume ${median(go).toFixed(2)}; put() calls ms off ${median(pm.off).toFixed(2)} raw ${median(pm.raw).toFixed(2)}`);
    out.push(`off: ${tot.off.map((x) => x.toFixed(0)).join(' ')}\nraw: ${tot.raw.map((x) => x.toFixed(0)).join(' ')}`);
    return out.join('\n');
  }, [server.baseUrl, mod, N, rounds, shape]);
  console.log(r);
} finally { await browser.close(); await server.stop(); }
