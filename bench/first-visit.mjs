// The first-visit open() scenario's setup: sync.wasm served as brotli, as a production server
// (and the reference server's static handler, server/static.go) serves it. The harness serves
// the repository root, so js/sync.wasm.br (gitignored) is made here, beside js/sync.wasm, with
// Node's zlib at quality 11 as `make webapp-lib` makes the example's (no `brotli` CLI needed).
// Chromium asks for br over loopback HTTP (a potentially trustworthy origin).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from './harness.mjs';

// ensureBrotliWasm writes js/sync.wasm.br unless a copy at least as new as sync.wasm is there
// (the server ignores an older one).
export function ensureBrotliWasm() {
  const src = join(ROOT, 'js/sync.wasm');
  const out = src + '.br';
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  const buf = readFileSync(src);
  const { BROTLI_PARAM_QUALITY: Q, BROTLI_PARAM_SIZE_HINT: H } = zlib.constants;
  writeFileSync(out, zlib.brotliCompressSync(buf, { params: { [Q]: 11, [H]: buf.length } }));
  return out;
}
