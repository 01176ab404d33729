// The npm package as a user gets it: `npm pack` of js/ (its prepack builds or checks sync.wasm),
// the tarball's contents, installed (offline, from the tarball) into a temporary Vite app and a
// temporary esbuild app, both built with the repository's own vite/esbuild, both run in headless
// Chromium against the real server (relative baseUrl, strict CSP), type-checked from a
// TypeScript user, and imported and used in Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'vite';
import { repoRoot, unique } from '../support/server.js';
import { browserHarness } from '../support/browser.js';

const run = promisify(execFile);
const APP = join(repoRoot, 'js/test/pkg/app');
const rootModules = join(repoRoot, 'node_modules');

const h = browserHarness();
let work;
let tarball;
let server;
let browser;

async function sh(cmd, args, cwd) {
  try {
    return (await run(cmd, args, { cwd, timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, CI: 'true' } })).stdout;
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout}\n${e.stderr}`);
  }
}

/** A new app directory with the tarball installed (offline) and the given tools linked in. */
async function app(name, tools) {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  await sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball], dir);
  for (const t of tools) await symlink(join(rootModules, t), join(dir, 'node_modules', t), 'dir');
  for (const f of ['main.js', 'main-esbuild.js', 'index.html', 'consumer.ts', 'node-use.mjs']) await copyFile(join(APP, f), join(dir, f));
  return dir;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'offsync-tarball-'));
  const out = await sh('npm', ['pack', '--pack-destination', work, '--loglevel=error'], join(repoRoot, 'js'));
  tarball = join(work, out.trim().split('\n').pop());
  // The apps' builds are copied under www/ (served by the server's -static) as they are made.
  await mkdir(join(work, 'www'));
  h.staticDir = join(work, 'www');
  ({ server, browser } = await h.start());
});

after(async () => {
  await h.stop();
  if (work) await rm(work, { recursive: true, force: true });
  assert.deepEqual(h.pageErrors, [], 'no uncaught page errors');
});

test('the tarball holds the module, its types, the built wasm, README and LICENSE', async () => {
  const list = (await sh('tar', ['tzf', tarball], work)).trim().split('\n').sort();
  for (const f of ['LICENSE', 'README.md', 'background.js', 'idb-helpers.js', 'live.js', 'merges.js', 'offsync.d.ts', 'offsync.js', 'package.json', 'query.js', 'react.d.ts', 'react.js', 'sync.wasm', 'wasm_exec.js']) {
    assert.ok(list.includes('package/' + f), `package/${f} in ${list.join(', ')}`);
  }
  assert.ok(!list.some((f) => f.includes('/test/') || f.includes('/scripts/')), 'no tests or build scripts shipped');
  const size = Number((await sh('tar', ['tzvf', tarball], work)).split('\n').find((l) => l.endsWith('package/sync.wasm')).trim().split(/\s+/)[2]);
  assert.ok(size > 1_000_000, `sync.wasm is the real build (${size} bytes)`);
});

/** Opens the app at path in Chromium, writes and syncs through '/api'; returns what it saw. */
async function runInChromium(path) {
  const context = await browser.newContext();
  try {
    const page = await h.newPage(context, path);
    return await page.evaluate(async (tok) => {
      const db = await window.offsync.open({ name: 'app', baseUrl: '/api', kinds: ['todo'], token: () => tok, maxRetries: 0 });
      await db.put('todo', { id: 'a1', title: 'from the app' });
      const stats = await db.sync();
      let invalid;
      try {
        await db.put('todo', { id: 'a2', data: new Uint8Array(2) });
      } catch (e) {
        invalid = { instance: e instanceof window.offsync.OffsyncError, code: e.code, message: e.message };
      }
      await db.close();
      return { pushed: stats.pushed, invalid, globals: [typeof process, typeof fs, typeof Go] };
    }, 'Bearer ' + unique('tok'));
  } finally {
    await context.close();
  }
}

function checkApp(r) {
  assert.equal(r.pushed, 1);
  assert.deepEqual(r.invalid, { instance: true, code: 'invalid', message: 'record.data is a Uint8Array (binary data: store it as a base64 string): records hold JSON values only' });
  assert.deepEqual(r.globals, ['undefined', 'undefined', 'undefined']);
}

test('a Vite app built from the tarball runs in Chromium against the server', async () => {
  const dir = await app('vite-app', ['vite']);
  await sh(process.execPath, [join(dir, 'node_modules/vite/bin/vite.js'), 'build', '--base', './', '--logLevel', 'warn', '--outDir', 'dist'], dir);
  const assets = await readdir(join(dir, 'dist/assets'));
  assert.ok(assets.some((f) => /^sync-.*\.wasm$/.test(f)), `vite emitted sync.wasm as an asset: ${assets.join(', ')}`);
  await cp(join(dir, 'dist'), join(work, 'www/vite'), { recursive: true });
  checkApp(await runInChromium('/vite/index.html'));
});

test('the Vite dev server serves the installed package without configuration', async () => {
  const dir = await app('vite-dev-app', ['vite']);
  const vite = await createServer({ root: dir, configFile: false, logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  const context = await browser.newContext();
  try {
    await vite.listen();
    const page = await h.newPage(context, 'index.html', { origin: vite.resolvedUrls.local[0], timeout: 60_000 });
    const r = await page.evaluate(async () => {
      const db = await window.offsync.open({ name: 'dev', baseUrl: '/api', kinds: ['todo'] });
      await db.put('todo', { id: 'd1', title: 'dev' });
      const rec = await db.get('todo', 'd1');
      await db.close();
      return rec;
    });
    assert.deepEqual(r, { id: 'd1', title: 'dev' });
  } finally {
    await context.close();
    await vite.close();
  }
});

test('esbuild apps built from the tarball run in Chromium against the server (sync.wasm copied, or by the file loader)', async () => {
  const dir = await app('esbuild-app', ['esbuild']);
  const esbuild = join(dir, 'node_modules/esbuild/bin/esbuild');
  // js/README.md's two ways: copy sync.wasm beside the bundle, or import it with the file loader.
  await sh(esbuild, ['main.js', '--bundle', '--format=esm', '--outfile=copied/main.js', '--log-level=warning'], dir);
  await copyFile(join(dir, 'node_modules/offsync/sync.wasm'), join(dir, 'copied/sync.wasm'));
  await sh(esbuild, ['main-esbuild.js', '--bundle', '--format=esm', '--loader:.wasm=file', '--outfile=loader/main.js',
    '--log-level=warning'], dir);
  for (const variant of ['copied', 'loader']) {
    await copyFile(join(dir, 'index.html'), join(dir, variant, 'index.html'));
    await cp(join(dir, variant), join(work, 'www/esbuild-' + variant), { recursive: true });
    checkApp(await runInChromium(`/esbuild-${variant}/index.html`));
  }
});

test('the installed package type-checks from TypeScript (Bundler and NodeNext resolution)', async () => {
  const dir = await app('ts-app', ['typescript']);
  for (const [moduleResolution, module] of [['Bundler', 'ESNext'], ['NodeNext', 'NodeNext']]) {
    await sh(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '--strict', '--noEmit', '--skipLibCheck', 'false',
      '--target', 'ES2022', '--lib', 'ES2022,DOM', '--module', module, '--moduleResolution', moduleResolution, 'consumer.ts'], dir);
  }
});

test('Node imports the installed package, syncs, and refuses a relative baseUrl', async () => {
  const dir = await app('node-app', []);
  const out = await sh(process.execPath, ['node-use.mjs', server.baseUrl, unique('tok')], dir);
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.equal(r.pushed, 1);
  assert.equal(r.title, 'from node');
  assert.equal(r.relative.instance, true);
  assert.equal(r.relative.code, 'invalid');
  assert.match(r.relative.message, /options\.baseUrl '\/api' is relative, and there is no page location/);
});
