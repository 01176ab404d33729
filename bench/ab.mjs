// A/B of two sync.wasm builds on no-op syncs of 5 kinds (or putMany batches of 500), interleaved in ONE page (two Go
// runtimes side by side), so that the machine's noise hits both alike: page-to-page variance
// here is larger than the few-percent effects worth checking. Prints median and mean of 300
// syncs (40 batches) each.
//
//   GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o bench/dist/a.wasm ./wasm   # before
//   GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o bench/dist/b.wasm ./wasm   # after
//   node bench/ab-noop.mjs [noop|putMany]
// (both builds must match js/idb-helpers.js and js/offsync.js as served)
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { startServer } from './server.mjs';
const scenario = process.argv[2] ?? 'noop'; // noop | putMany (batches of 500)
const server = await startServer({ bin: join(ROOT, 'bin/offsync-server'), staticDir: ROOT });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page/index.html`);
  const r = await page.evaluate(async ([baseUrl, scenario]) => {
    const mod = await import('/js/offsync.js');
    const kinds = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const dbs = {};
    for (const v of ['a', 'b']) {
      dbs[v] = await mod.open({ name: 'ab' + v + Math.random(), baseUrl, kinds, token: async () => 'Bearer dev', storage: 'indexeddb', wasmUrl: new URL(`/bench/dist/${v}.wasm`, location.href) });
      await dbs[v].sync({ kinds });
    }
    const t = { a: [], b: [] };
    const run = async (v, i) => {
      if (scenario === 'noop') return dbs[v].sync({ kinds });
      const recs = Array.from({ length: 500 }, (_, j) => ({ id: `${v}${i}-${j}`, title: 'lorem ipsum dolor sit amet '.repeat(3), n: j, tags: ['a', 'b'] }));
      return dbs[v].putMany('k1', recs);
    };
    const n = scenario === 'noop' ? 300 : 40;
    for (let i = 0; i < n; i++) for (const v of (i % 2 ? ['a', 'b'] : ['b', 'a'])) { const t0 = performance.now(); await run(v, i); t[v].push(performance.now() - t0); }
    const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[s.length >> 1]; };
    const mean = (xs) => xs.reduce((x, y) => x + y, 0) / xs.length;
    return { a: [med(t.a), mean(t.a)], b: [med(t.b), mean(t.b)] };
  }, [server.baseUrl, scenario]);
  console.log(`a: median ${r.a[0].toFixed(2)} mean ${r.a[1].toFixed(2)} | b: median ${r.b[0].toFixed(2)} mean ${r.b[1].toFixed(2)}`);
} finally { await browser.close(); await server.stop(); }
