// npm pack / npm publish run this first (package.json "prepack"): the package must not ship
// without sync.wasm, wasm_exec.js and idb-helpers.js, or with ones older than their sources.
// It runs `make wasm` at the repository root when make and Go are there (make rebuilds only
// what is stale), then checks the files; otherwise it fails, saying what is missing and how to
// build it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const js = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(js);

function goSources(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...goSources(p));
    else if (e.name.endsWith('.go')) out.push(p);
  }
  return out;
}

// Each built file and what it is made from (the Makefile's rules).
const BUILT = {
  'sync.wasm': () => [...['core', 'memstore', 'idbstore', 'wasm'].flatMap((d) => goSources(join(root, d))),
    join(root, 'go.mod'), join(root, 'go.sum')],
  'wasm_exec.js': () => [join(js, 'scripts', 'wasm-exec.mjs'), join(js, 'sync.wasm'), join(root, 'wasm', 'fetch.js')],
  'idb-helpers.js': () => [join(root, 'idbstore', 'helpers.js')],
};

function problems() {
  const out = [];
  for (const [file, sources] of Object.entries(BUILT)) {
    const p = join(js, file);
    if (!existsSync(p)) {
      out.push(`js/${file} is missing`);
      continue;
    }
    const built = statSync(p).mtimeMs;
    const newer = sources().filter((s) => existsSync(s) && statSync(s).mtimeMs > built);
    if (newer.length > 0) out.push(`js/${file} is older than ${relative(root, newer[0])}${newer.length > 1 ? ` and ${newer.length - 1} more` : ''}`);
  }
  if (existsSync(join(js, 'wasm_exec.js')) && !readFileSync(join(js, 'wasm_exec.js'), 'utf8').includes('export function withGoGlobals')) {
    out.push('js/wasm_exec.js is a plain copy of Go\'s file, not the one make wasm makes');
  }
  return out;
}

const have = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
if (existsSync(join(root, 'Makefile')) && have('make', ['--version']) && have('go', ['version'])) {
  const r = spawnSync('make', ['--no-print-directory', '-C', root, 'wasm'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('offsync prepack: `make wasm` failed: the package would ship without a working sync.wasm.');
    process.exit(1);
  }
}
const left = problems();
if (left.length > 0) {
  console.error(`offsync prepack: refusing to pack a broken package:\n  - ${left.join('\n  - ')}\n` +
    'Build them with `make wasm` at the repository root (needs Go, see go.mod, and Node).');
  process.exit(1);
}
