// Timeline of a no-op sync of 5 kinds, offsync against the raw side in one page (300 syncs
// each, alternating): the median time (ms after the call) of the n-th fetch() call and return,
// response, body chunk/end (a stream reader), arrayBuffer()/text() answer, Web Lock grant and
// run end, engine event, and the call's end. It wraps only those few browser functions, so the
// two sides compare (bench/timeline.mjs wraps many more, offsync alone). The n-th of a kind is
// by rank, not one request followed through.
//
//   make wasm server && node bench/noop-timeline.mjs [module URL of offsync.js, default /js/offsync.js]
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
const mod = process.argv[2] ?? '/js/offsync.js';
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, mod]) => {
    const { noteSteps, stepLines } = await import('/bench/page/steps.js');
    const now = () => performance.now();
    let cur = null;
    const f = globalThis.fetch;
    globalThis.fetch = function (...a) {
      const rec = cur; const c = now(); const p = f.apply(this, a); const c2 = now();
      rec?.push(['call', c]); rec?.push(['ret', c2]);
      return p.then((res) => { rec?.push(['resp', now()]); return res; });
    };
    const rd = ReadableStreamDefaultReader.prototype.read;
    ReadableStreamDefaultReader.prototype.read = function (...a) {
      const rec = cur;
      return rd.apply(this, a).then((x) => { rec?.push([x.done ? 'bodyEnd' : 'chunk', now()]); return x; });
    };
    const ab = Response.prototype.arrayBuffer;
    Response.prototype.arrayBuffer = function (...a) { const rec = cur; return ab.apply(this, a).then((x) => { rec?.push(['ab', now()]); return x; }); };
    const text = Response.prototype.text;
    Response.prototype.text = function (...a) { const rec = cur; return text.apply(this, a).then((x) => { rec?.push(['text', now()]); return x; }); };
    const lr = navigator.locks.request.bind(navigator.locks);
    navigator.locks.request = (name, opts, cb) => { const rec = cur; return lr(name, opts, (...a) => { rec?.push(['granted', now()]); return Promise.resolve(cb(...a)).then((v) => { rec?.push(['runDone', now()]); return v; }); }); };
    const kinds = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const m = await import(mod);
    const db = await m.open({ name: 'tl' + Math.random(), baseUrl, kinds, token: async () => 'Bearer dev', storage: 'indexeddb' });
    await db.sync({ kinds });
    for (const t of ['progress', 'completed', 'status', 'syncStarted']) db.on(t, () => cur?.push([t, now()]));
    const { createRaw } = await import('/bench/page/raw.js');
    const raw = createRaw({ baseUrl, token: 'Bearer dev', pageSize: 500 });
    await raw.open('rawtl', kinds);
    await raw.sync('rawtl', kinds);
    const sides = { off: () => db.sync({ kinds }), raw: () => raw.sync('rawtl', kinds) };
    const acc = { off: new Map(), raw: new Map() };
    for (let i = 0; i < 300; i++) {
      for (const s of i % 2 ? ['off', 'raw'] : ['raw', 'off']) {
        cur = [];
        const t0 = now();
        await sides[s]();
        cur.push(['done', now()]);
        noteSteps(acc[s], cur, t0);
        cur = null;
      }
    }
    return stepLines(acc.off, acc.raw, 12).join('\n');
  }, [server.baseUrl, mod]);
  console.log(r);
} finally { await browser.close(); await server.stop(); }
