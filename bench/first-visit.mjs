// The first-visit open() scenario (`firstVisitOpen`): every repetition in a new browser context,
// so nothing is cached (no HTTP cache, no compiled wasm, no database), with sync.wasm served
// as brotli, as a production server (and the reference server's static handler, see
// server/static.go) serves it. The harness serves the repository root: the brotli copy is
// made here under bench/dist/first-visit/ (gitignored), with Node's zlib at quality 11 as
// `make webapp-lib` makes the example's (no `brotli` CLI needed), so the cached `open` scenario
// keeps loading js/sync.wasm as it is. Chromium asks for br over loopback HTTP (a potentially
// trustworthy origin).
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIRST_VISIT_WASM = '/bench/dist/first-visit/sync.wasm';

// ensureBrotliWasm puts js/sync.wasm and its brotli copy at FIRST_VISIT_WASM unless both are
// there and at least as new (the server ignores a copy older than its file).
export function ensureBrotliWasm() {
  const src = join(ROOT, 'js/sync.wasm');
  const dst = join(ROOT, FIRST_VISIT_WASM);
  const br = dst + '.br';
  const fresh = (f) => existsSync(f) && statSync(f).mtimeMs >= statSync(src).mtimeMs;
  if (fresh(dst) && fresh(br)) return;
  mkdirSync(dirname(dst), { recursive: true });
  copyFileSync(src, dst);
  const buf = readFileSync(src);
  const { BROTLI_PARAM_QUALITY: Q, BROTLI_PARAM_SIZE_HINT: H } = zlib.constants;
  writeFileSync(br, zlib.brotliCompressSync(buf, { params: { [Q]: 11, [H]: buf.length } }));
}

// firstVisitOpen times, per side and repetition, loading the side's code and opening a new
// database in a page of a new browser context; the wasm answer must have come as br.
export async function firstVisitOpen({ browser, origin, cfg, reps, sides, record, rotate, errors }) {
  ensureBrotliWasm();
  for (let r = 0; r < reps; r++) {
    for (const side of rotate(sides, r)) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        let encoding = null;
        page.on('response', (res) => {
          if (res.url().endsWith(FIRST_VISIT_WASM)) encoding = res.headers()['content-encoding'] ?? 'none';
        });
        await page.goto(`${origin}/bench/page/index.html`);
        await page.waitForFunction(() => window.bench);
        await page.evaluate((c) => window.bench.init(c), { ...cfg, wasmUrl: FIRST_VISIT_WASM });
        const kinds = ['fv1', 'fv2', 'fv3', 'fv4', 'fv5'];
        const { ms } = await page.evaluate(([s, k]) => window.bench.openTimed(s, `${s}-first`, k), [side, kinds]);
        record('firstVisitOpen', side, ms);
        if (side === 'offsync' && encoding !== 'br') errors.push(`first-visit open: sync.wasm came with Content-Encoding ${encoding}, not br`);
      } finally {
        await context.close();
      }
    }
  }
}
