// The loader in headless Chromium, served by the real server (-static, API under /api): no
// globals left behind in a page or a worker (an app's own `process` survives), a relative
// baseUrl, and clear, non-retryable load errors: HTTP 404, a wrong MIME type, a file that is
// not wasm, and a Content-Security-Policy blocking the compilation or the fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, unique } from '../support/server.js';
import { PACKAGE_FILES } from '../support/modules.js';
import { browserFixture } from '../support/fixtures.js';

const FILES = [
  ...PACKAGE_FILES,
  // The same module served as text/plain: a wrong MIME type.
  ['js/sync.wasm', 'sync.wasm.txt'],
  ...['globals.html', 'globals-worker.js', 'csp-nowasm.html', 'csp-noconnect.html', 'expose.js']
    .map((f) => [`js/test/pkg/browser/${f}`, f]),
];

const h = browserFixture({
  prefix: 'offsync-load-',
  files: FILES,
  // Served as application/wasm, but no WebAssembly module.
  prepare: (staticDir) => writeFile(join(staticDir, 'broken.wasm'), 'this is not WebAssembly'),
});

async function withPage(path, fn) {
  const context = await h.browser.newContext();
  try {
    const page = await h.newPage(context, path);
    return await fn(page);
  } finally {
    await context.close();
  }
}

const token = () => 'Bearer ' + unique('tok');

/** open() in the page with wasmUrl (relative to the page); resolves with the error it rejected with. */
function openError(page, wasmUrl) {
  return page.evaluate(async (wasmUrl) => {
    try {
      const db = await window.offsync.open({ name: 'load', baseUrl: '/api', kinds: ['note'], wasmUrl: new URL(wasmUrl, location.href) });
      await db.close();
      return null;
    } catch (e) {
      return { isOffsyncError: e instanceof window.offsync.OffsyncError, name: e.name, code: e.code, retryable: e.retryable, message: e.message };
    }
  }, wasmUrl);
}

test('a page: no Go globals after import and after open(); relative baseUrl syncs', async () => {
  const r = await withPage('/globals.html', (page) => page.evaluate(async (tok) => {
    const db = await window.offsync.open({ name: 'g1', baseUrl: '/api', kinds: ['note'], token: () => tok, maxRetries: 0 });
    await db.put('note', { id: 'rel', at: new Date(Date.UTC(2026, 0, 2)) });
    const stats = await db.sync();
    const rec = await db.get('note', 'rel');
    const afterOpen = { process: typeof process, fs: typeof fs, path: typeof path, Go: typeof Go };
    await db.close();
    return { before: window.before, afterImport: window.afterImport, afterOpen, pushed: stats.pushed, at: rec.at };
  }, token()));
  const none = { process: 'undefined', fs: 'undefined', path: 'undefined', Go: 'undefined' };
  assert.deepEqual(r.before, none);
  assert.deepEqual(r.afterImport, none);
  assert.deepEqual(r.afterOpen, none);
  assert.equal(r.pushed, 1, "'/api' resolved against the page's location");
  assert.equal(r.at, '2026-01-02T00:00:00.000Z', 'a Date is stored as its ISO string');
});

// sync.wasm is asked for under its build's content version (make puts it in wasm_exec.js), and
// the reference server lets the browser keep that URL for good: a returning page reads the file,
// and V8's compiled code for it, from its caches without a round trip (docs/DESIGN.md).
test("open() asks for sync.wasm by its content version, which the server answers as immutable", async () => {
  const version = createHash('sha256').update(await readFile(join(repoRoot, 'js/sync.wasm'))).digest('hex').slice(0, 16);
  const r = await withPage('/globals.html', async (page) => {
    const answers = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname.endsWith('/sync.wasm')) answers.push({ url: res.url(), cacheControl: res.headers()['cache-control'] });
    });
    await page.evaluate(async () => {
      const db = await window.offsync.open({ name: 'ver', baseUrl: '/api', kinds: ['note'] });
      await db.close();
    });
    return answers;
  });
  assert.equal(r.length, 1);
  assert.equal(new URL(r[0].url).search, `?v=${version}`);
  assert.equal(r[0].cacheControl, 'public, max-age=31536000, immutable');
});

test("a page's own process global survives loading the Go runtime", async () => {
  const r = await withPage('/globals.html?shim', (page) => page.evaluate(async () => {
    const db = await window.offsync.open({ name: 'g2', baseUrl: '/api', kinds: ['note'] });
    await db.close();
    // The common check an app (or a library in it) makes.
    const mode = typeof process !== 'undefined' && process.env.MODE;
    return { same: globalThis.process === window.shim, mode, fs: typeof fs, Go: typeof Go };
  }));
  assert.deepEqual(r, { same: true, mode: 'app', fs: 'undefined', Go: 'undefined' });
});

test('a module worker: no Go globals after open(); relative baseUrl against the worker location', async () => {
  const r = await withPage('/globals.html', (page) => page.evaluate((msg) => new Promise((resolve) => {
    const w = new Worker('./globals-worker.js', { type: 'module' });
    w.onmessage = (e) => { resolve(e.data); w.terminate(); };
    w.onerror = (e) => resolve({ ok: false, message: e.message });
    w.postMessage(msg);
  }), { name: unique('w'), token: token() }));
  assert.equal(r.ok, true, r.message);
  assert.equal(r.pushed, 1);
  assert.deepEqual(r.globals, { process: 'undefined', fs: 'undefined', path: 'undefined', Go: 'undefined' });
});

test('load errors are invalid, not retryable, and name the cause', async () => {
  const cases = [
    ['/globals.html', './missing/sync.wasm', /HTTP 404/],
    ['/globals.html', './sync.wasm.txt', /served as 'text\/plain', not 'application\/wasm'/],
    ['/globals.html', './broken.wasm', /not a WebAssembly module/],
    ['/csp-nowasm.html', './sync.wasm', /Content-Security-Policy \(script-src needs 'wasm-unsafe-eval'\)/],
    ['/csp-noconnect.html', './sync.wasm', /blocked by the page's Content-Security-Policy \(connect-src/],
  ];
  for (const [path, wasm, cause] of cases) {
    const e = await withPage(path, (page) => openError(page, wasm));
    assert.ok(e, `${path} ${wasm}: open() resolved`);
    assert.deepEqual({ isOffsyncError: e.isOffsyncError, name: e.name, code: e.code, retryable: e.retryable },
      { isOffsyncError: true, name: 'OffsyncError', code: 'invalid', retryable: false }, `${path} ${wasm}: ${e.message}`);
    assert.match(e.message, /^cannot load sync\.wasm from http:\/\/127\.0\.0\.1:\d+\//, e.message);
    assert.match(e.message, cause, `${path} ${wasm}`);
  }
});

test('a server that cannot be reached while loading is a retryable network error', async () => {
  const e = await withPage('/globals.html', (page) => openError(page, 'http://127.0.0.1:9/sync.wasm'));
  assert.equal(e.code, 'network', e.message);
  assert.equal(e.retryable, true);
  assert.ok(e.isOffsyncError);
});

test('preload() loads sync.wasm once, ahead of open(); it fails as open() does, and tries again when called again', async () => {
  const r = await withPage('/globals.html', (page) => page.evaluate(async (tok) => {
    const { offsync } = window;
    const missing = new URL('./missing/sync.wasm', location.href);
    // sync.wasm's own URL carries its build (?v=): entries are matched without the query.
    const fetches = (url) => performance.getEntriesByType('resource').filter((e) => e.name.split('?')[0] === url.href).length;
    const errors = [];
    for (let i = 0; i < 2; i++) {
      try {
        await offsync.preload({ wasmUrl: missing });
      } catch (e) {
        errors.push({ isOffsyncError: e instanceof offsync.OffsyncError, code: e.code, retryable: e.retryable, message: e.message });
      }
    }
    const wasm = new URL('./sync.wasm', location.href);
    await offsync.preload();
    const afterPreload = fetches(wasm);
    const db = await offsync.open({ name: 'pre', baseUrl: '/api', kinds: ['note'], token: () => tok, maxRetries: 0 });
    await db.put('note', { id: 'p' });
    const stats = await db.sync();
    await db.close();
    return { errors, missingFetches: fetches(missing), afterPreload, afterOpen: fetches(wasm), pushed: stats.pushed, Go: typeof Go };
  }, token()));
  assert.equal(r.errors.length, 2, 'both preloads of a missing file rejected');
  for (const e of r.errors) {
    assert.deepEqual({ isOffsyncError: e.isOffsyncError, code: e.code, retryable: e.retryable }, { isOffsyncError: true, code: 'invalid', retryable: false }, e.message);
    assert.match(e.message, /HTTP 404/);
  }
  assert.equal(r.missingFetches, 2, 'a failed load is not kept: the second preload fetched again');
  assert.equal(r.afterPreload, 1);
  assert.equal(r.afterOpen, 1, 'open() used the preloaded runtime');
  assert.equal(r.pushed, 1);
  assert.equal(r.Go, 'undefined');
});
