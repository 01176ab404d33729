// `make bench`: runs the full harness in headless Chromium against the reference server,
// measures sizes, runs the host Go benchmarks, and writes BENCHMARKS.md. It builds nothing:
// make builds sync.wasm, the server and the RxDB bundle first.
//
// node bench/run.mjs [--out FILE] [--quick] [--sides offsync,raw,rxdb] [--only STEPS] [--render]
//   --quick: the smoke sizes, for trying the report; --sides: run only these sides;
//   --only pull,write,push,noop,open: run only these scenario groups and print their medians
//   (for iterating on one figure; BENCHMARKS.md is not written);
//   --render: write the report again from the last run's bench/dist/results.json (e.g. after
//   editing bench/where-the-time-goes.md), measuring nothing;
//   --postgres (with --only): the reference server on a throw-away PostgreSQL cluster
//   (server/internal/pgtest/pgcluster) instead of SQLite;
//   --shape large (with --only): the large record shape (bench/page/records.js) at its own
//   sizes (harness.mjs LARGE). The full run measures the small shape, then LARGE_STEPS of the
//   large one.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { runBench, median, FULL, SMOKE, STEPS, ROOT, LARGE, LARGE_SMOKE, LARGE_STEPS } from './harness.mjs';
import { renderReport } from './report.mjs';
import { renderLargeSection } from './report-large.mjs';
import { SHAPES } from './page/records.js';
import { renderChart } from './chart.mjs';

const argv = process.argv.slice(2);
const outFile = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : join(ROOT, 'BENCHMARKS.md');
const params = argv.includes('--quick') ? SMOKE : FULL;
const sides = argv.includes('--sides') ? argv[argv.indexOf('--sides') + 1].split(',') : undefined;
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : undefined;
if (only?.some((s) => !STEPS.includes(s))) throw new Error(`--only takes ${STEPS.join(',')}`);
const shape = argv.includes('--shape') ? argv[argv.indexOf('--shape') + 1] : 'small';
if (!SHAPES.includes(shape)) throw new Error(`--shape takes ${SHAPES.join(', ')}`);
if (shape !== 'small' && !only) throw new Error('--shape goes with --only: the full run measures every shape');
const largeParams = argv.includes('--quick') ? LARGE_SMOKE : LARGE;
const GO_BENCH = ['test', '-run', '^$', '-bench', '.', '-benchtime', '200ms', '-count', '1', './core/...', './internal/...', './server/...'];

// compressedSizes uses Node's own zlib (gzip -9, brotli quality 11, as `make webapp-lib` serves
// them), so the bench needs no compressor installed: a missing `brotli` once failed a whole run
// at its last step.
function compressedSizes(file) {
  const buf = readFileSync(file);
  const { BROTLI_PARAM_QUALITY: Q, BROTLI_PARAM_SIZE_HINT: H } = zlib.constants;
  return {
    file: file.slice(ROOT.length + 1),
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, { params: { [Q]: 11, [H]: buf.length } }).length,
  };
}

function sizes() {
  const out = {};
  for (const [k, f] of [['wasm', 'js/sync.wasm'], ['offsyncJs', 'js/offsync.js'], ['wasmExec', 'js/wasm_exec.js'], ['rxdbBundle', 'bench/dist/rxdb-side.js']]) {
    if (existsSync(join(ROOT, f))) out[k] = compressedSizes(join(ROOT, f));
  }
  return out.wasm ? out : null;
}

// goBenchmarks runs the host benchmarks that exist; its summary is the Benchmark lines.
function goBenchmarks() {
  const r = spawnSync('go', GO_BENCH, { cwd: ROOT, encoding: 'utf8', timeout: 6 * 60_000, maxBuffer: 1 << 26 });
  const lines = (r.stdout || '').split('\n').filter((l) => /^(Benchmark|ok|FAIL|pkg:|---)/.test(l) && !/no test files/.test(l));
  const benches = lines.filter((l) => l.startsWith('Benchmark'));
  return {
    lines: benches.length ? lines : [],
    note: r.status === 0 ? 'No host Go benchmarks exist yet in ./core/... or ./server/....' : `go test -bench failed (exit ${r.status}): ${(r.stderr || r.stdout || '').slice(0, 500)}`,
  };
}

function version(cmd, args) {
  try { return execFileSync(cmd, args, { encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
}

const RESULTS = join(ROOT, 'bench/dist/results.json');

// measure runs everything and returns what the report is made of.
async function measure() {
  // The tree measured is the one make just built: note it before the long run.
  const dirty = version('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no']) !== '';
  const commit = version('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']) + (dirty ? ' plus uncommitted changes in the tree' : '');
  const pkg = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  const machine = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown CPU',
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: version('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']) + `, kernel ${os.release()}`,
    go: version('go', ['version']),
    node: process.versions.node,
    playwright: pkg('playwright-core'),
    rxdb: pkg('rxdb'),
  };
  const commands = [
    'make bench        # = make chromium npm wasm server; esbuild bench/page/rxdb-side.js → bench/dist; node bench/run.mjs',
    `go ${GO_BENCH.map((a) => (a === '^$' ? "'^$'" : a)).join(' ')}`,
    "node -e \"const z=require('zlib'),b=require('fs').readFileSync('js/sync.wasm');console.log(z.gzipSync(b,{level:9}).length,z.brotliCompressSync(b).length)\"",
  ];
  // Results are written as they come (bench/dist/results.json after every figure), so a late
  // failure keeps what was measured: `node bench/run.mjs --render` makes BENCHMARKS.md from it.
  const input = { res: null, machine, size: sizes(), goBench: { lines: [], note: 'not run (the run stopped before it)' }, commands, commit };
  const save = () => {
    mkdirSync(join(ROOT, 'bench/dist'), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(input, null, 1));
  };
  input.res = await runBench({ params, sides, onRecord: (res) => { input.res = res; save(); } });
  save();
  process.stderr.write('[bench] the large record shape\n');
  input.large = await runBench({ params: largeParams, shape: 'large', only: LARGE_STEPS, sides, onRecord: (res) => { input.large = res; save(); } });
  save();
  process.stderr.write('[bench] host Go benchmarks\n');
  input.goBench = goBenchmarks();
  return input;
}

// printMedians prints each scenario's median per side and its ratio to the raw side (with
// four runs or more, also the lower quartiles' ratio).
function printMedians(res) {
  const quartile = (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 4)];
  for (const [name, sc] of Object.entries(res.scenarios)) {
    const raw = median(sc.values.raw);
    const cells = Object.entries(sc.values).map(([side, v]) => {
      const m = median(v);
      const q = v.length >= 4 && sc.values.raw ? `; lower quartile ${(quartile(v) / quartile(sc.values.raw)).toFixed(2)}×` : '';
      return `${side} ${m.toFixed(m < 10 ? 2 : 1)} ms${raw ? ` (${(m / raw).toFixed(2)}× raw${q})` : ''}`;
    });
    process.stdout.write(`${name}: ${cells.join('; ')}\n`);
  }
  for (const e of res.errors) process.stdout.write(`ERROR ${e}\n`);
}

// startPostgres builds and starts pgcluster; it answers an empty database's URL and stops
// the cluster when its stdin closes (also when this process dies).
async function startPostgres() {
  const bin = join(ROOT, 'bench/dist/pgcluster');
  execFileSync('go', ['build', '-o', bin, './server/internal/pgtest/pgcluster'], { cwd: ROOT, stdio: 'inherit' });
  const proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.on('exit', (code) => reject(new Error(`pgcluster exited (${code})`)));
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0].trim());
    });
  });
  proc.removeAllListeners('exit');
  return { url, stop: () => new Promise((r) => { proc.once('exit', r); proc.stdin.end(); }) };
}

let input;
if (only) {
  const pg = argv.includes('--postgres') ? await startPostgres() : null;
  try {
    printMedians(await runBench({ params: shape === 'large' ? largeParams : params, shape, sides, only, db: pg?.url }));
  } finally {
    await pg?.stop();
  }
  process.exit(0);
}
if (argv.includes('--postgres')) throw new Error('--postgres goes with --only: BENCHMARKS.md is measured on SQLite');
if (argv.includes('--render')) {
  input = JSON.parse(readFileSync(RESULTS, 'utf8'));
} else {
  input = await measure();
  mkdirSync(join(ROOT, 'bench/dist'), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(input, null, 1));
}
// The chart sits beside the report: bench-chart.svg next to BENCHMARKS.md.
const chartFile = join(dirname(outFile), basename(outFile).replace(/\.md$/, '') + '-chart.svg');
writeFileSync(chartFile, renderChart(input.res));
let md = renderReport(input).replace('## Targets', `![per-scenario chart](${basename(chartFile)})\n\n## Targets`);
// The large shape's verdicts and figures follow the small shape's targets.
if (input.large) md = md.replace('## What each side does', `${renderLargeSection(input.large)}\n## What each side does`);
const notes = join(ROOT, 'bench/where-the-time-goes.md');
if (existsSync(notes)) md += '\n' + readFileSync(notes, 'utf8');
writeFileSync(outFile, md);
process.stderr.write(`[bench] wrote ${outFile} (${input.res.seconds.toFixed(0)} s in the browser)\n`);
