// The offsync side loads offsync as an app ships it: js/offsync.js and the modules it imports
// bundled and minified into one file by esbuild, as the RxDB side is (the Makefile's bench
// target), with sync.wasm beside it. Served as six separate modules, each revalidated by the
// page (`no-cache`) in two rounds of imports, loading the code took ~18 ms of a cached open()
// against ~6.5 ms bundled (`OPEN_PHASES_PRELOAD=1 node bench/open-phases.mjs persistent 9
// /js/offsync.js /bench/dist/offsync-app/offsync.js`, docs/DESIGN.md "open() with the wasm
// cached"), a cost no bundled app pays. The bundle is rebuilt on every run from js/, so it
// never lags the sources; sync.wasm keeps its name, so open() asks for it with its `?v=`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const OFFSYNC_BUNDLE = '/bench/dist/offsync-app/offsync.js';

// bundleOffsync writes OFFSYNC_BUNDLE and its sync.wasm from js/ and returns the bundle's URL
// path under the repository root the harness serves.
export async function bundleOffsync() {
  const out = join(ROOT, OFFSYNC_BUNDLE);
  await build({
    entryPoints: [join(ROOT, 'js/offsync.js')], bundle: true, format: 'esm', minify: true,
    outfile: out, logLevel: 'warning',
  });
  mkdirSync(join(ROOT, 'bench/dist/offsync-app'), { recursive: true });
  copyFileSync(join(ROOT, 'js/sync.wasm'), join(ROOT, 'bench/dist/offsync-app/sync.wasm'));
  return OFFSYNC_BUNDLE;
}
