// Scenario 1: offline first. With the network cut the app starts from the service worker,
// takes and keeps edits across a reload, and sends them once the network is back. The worker's
// cache holds one release of the app whole: a new one reaches pages only once all of it is
// fetched, and opening another of the app's files in a tab leaves the app page cached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { startServer, launchBrowser, newDevice, openApp, addEntry, editEntry, waitFor, pendingShown, shownNotes, screenshot } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('offline: edits survive a reload served by the service worker and reach the server on reconnect', { timeout: 120_000 }, async () => {
  const context = await newDevice(browser);
  const page = await openApp(context, `${server.url}/`);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  await cdp.detach(); // a CDP session left attached keeps the reloaded page believing it is online
  assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), [], 'installable (test profiles are incognito)');

  await context.setOffline(true);
  await waitFor(async () => (await page.textContent('#badge')) === 'Offline', { what: 'offline badge' });
  const walk = await addEntry(page, { date: '2026-11-20', mood: 4, energy: 3, notes: 'Walk in the rain' });
  const work = await addEntry(page, { date: '2026-11-21', mood: 2, energy: 2, notes: 'Long day <script>alert(1)</script>' });
  await editEntry(page, walk, { mood: 5, notes: 'Walk in the rain, then cocoa' });
  await waitFor(async () => (await pendingShown(page)) === 2, { what: '2 pending changes' });

  const reloaded = await page.reload();
  assert.ok(reloaded.fromServiceWorker(), 'the page came from the service worker');
  await page.waitForSelector('body[data-ready=true]');
  await waitFor(async () => (await page.textContent('#badge')) === 'Offline', { what: 'offline badge after reload' });
  assert.equal(await shownNotes(page, walk), 'Walk in the rain, then cocoa');
  assert.equal(await shownNotes(page, work), 'Long day <script>alert(1)</script>', 'notes render as text');
  assert.equal(await page.locator('#entries script').count(), 0, 'no markup from records');
  assert.equal(await pendingShown(page), 2);
  assert.deepEqual(await server.entries(), [], 'nothing reached the server while offline');

  await page.locator('#inspector-panel > summary').press('Enter');
  await waitFor(async () => (await page.locator('#insp-outbox tbody tr').count()) === 2, { what: '2 ops in the inspector' });
  await page.locator('#inspector-panel > summary').press('Enter');

  await context.setOffline(false); // the app syncs by itself on reconnect
  const onServer = await waitFor(async () => {
    const items = await server.entries();
    return items.length === 2 && items;
  }, { what: 'both entries on the server' });
  const byId = Object.fromEntries(onServer.map((r) => [r.id, r]));
  assert.deepEqual({ mood: byId[walk].mood, energy: byId[walk].energy, notes: byId[walk].notes, date: byId[walk].date },
    { mood: 5, energy: 3, notes: 'Walk in the rain, then cocoa', date: '2026-11-20' });
  assert.equal(byId[work].notes, 'Long day <script>alert(1)</script>');
  await waitFor(async () => (await pendingShown(page)) === 0, { what: 'no pending changes' });
  await waitFor(async () => (await page.textContent('#badge')) === 'Online', { what: 'online badge' });
  assert.match(await page.textContent('#last-synced'), /synced/);
  const yoga = await addEntry(page, { date: '2026-11-22', mood: 3, energy: 4, notes: 'Yoga before work, calm day.' });
  await page.locator(`li[data-id="${yoga}"] .pending-tag`).waitFor();
  assert.equal(await page.locator('#entries .pending-tag').count(), 1, 'only the new entry is marked not synced');
  await screenshot(page, 'main');
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** wasmGate forwards to target; answers for lib/sync.wasm wait while it is shut (a slow download). */
async function wasmGate(target) {
  let open = () => {};
  let opened = Promise.resolve();
  const gate = { asked: 0 };
  const server = http.createServer((req, res) => {
    const wasm = new URL(req.url, target).pathname === '/lib/sync.wasm';
    if (wasm) gate.asked++;
    const up = http.request(new URL(req.url, target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, async (upRes) => {
      if (wasm) await opened;
      if (res.destroyed) return;
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  gate.url = `http://127.0.0.1:${server.address().port}`;
  gate.shut = () => { opened = new Promise((r) => { open = r; }); };
  gate.open = () => open();
  gate.close = () => { open(); server.closeAllConnections(); return new Promise((r) => server.close(r)); };
  return gate;
}

/** loads lists the release of each wasm_exec.js and sync.wasm the page is given (2: the new one). */
function recordLoads(page, oldWasmSize) {
  const loads = [];
  page.on('response', async (res) => {
    const name = new URL(res.url()).pathname;
    if (name !== '/lib/wasm_exec.js' && name !== '/lib/sync.wasm') return;
    try {
      const body = await res.body();
      const two = name.endsWith('.js') ? body.toString().includes('// release 2') : body.length !== oldWasmSize;
      loads.push({ name, release: two ? 2 : 1 });
    } catch { /* a body the page let go */ }
  });
  return loads;
}

/** startOnce reloads the page and returns the releases of the wasm_exec.js and sync.wasm it ran. */
async function startOnce(page, loads) {
  loads.length = 0;
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  await waitFor(() => loads.length >= 2, { what: 'wasm_exec.js and sync.wasm loaded' });
  const of = (name) => loads.find((l) => l.name === name)?.release;
  return { js: of('/lib/wasm_exec.js'), wasm: of('/lib/sync.wasm') };
}

test('a new release reaches pages whole: never its wasm_exec.js with the old sync.wasm, and it starts offline', { timeout: 120_000 }, async (t) => {
  const app = await startServer({ copy: true });
  t.after(() => app.stop());
  const gate = await wasmGate(app.url);
  t.after(() => gate.close());
  const context = await newDevice(browser);
  t.after(() => context.close());
  const page = await openApp(context, `${gate.url}/`);

  // A new release: sync.wasm (a custom section "v2" more) and the wasm_exec.js naming its build.
  const lib = (f) => path.join(app.web, 'lib', f);
  const oldWasm = await readFile(lib('sync.wasm'));
  const newWasm = Buffer.concat([oldWasm, Buffer.from([0x00, 0x03, 0x02, 0x76, 0x32])]);
  const version = createHash('sha256').update(newWasm).digest('hex').slice(0, 16);
  const glue = (await readFile(lib('wasm_exec.js'), 'utf8')).replace(/WASM_VERSION = '[0-9a-f]+'/, `WASM_VERSION = '${version}'`);
  await writeFile(lib('wasm_exec.js'), `${glue}\n// release 2\n`);
  await writeFile(lib('sync.wasm'), newWasm);
  const loads = recordLoads(page, oldWasm.length);

  // The user starts the app while the new sync.wasm is still downloading, then again.
  gate.shut();
  await startOnce(page, loads);
  await waitFor(() => gate.asked > 0, { what: 'the new sync.wasm asked for' });
  const second = await startOnce(page, loads);
  assert.equal(second.js, second.wasm, `the page got wasm_exec.js of release ${second.js} with sync.wasm of release ${second.wasm}`);

  // Downloaded: the next starts run the new release, offline too.
  gate.open();
  await waitFor(async () => (await startOnce(page, loads)).js === 2, { what: 'a start on the new release', timeout: 30_000 });
  await context.setOffline(true);
  assert.deepEqual(await startOnce(page, loads), { js: 2, wasm: 2 }, 'the new release, whole, from the cache');
});

test('opening another file of the app in a tab (its icon) leaves the app page cached for an offline start', { timeout: 120_000 }, async () => {
  const context = await newDevice(browser);
  await openApp(context, `${server.url}/`);
  const icon = await context.newPage();
  await icon.goto(`${server.url}/icons/icon.svg`);
  await new Promise((r) => setTimeout(r, 1000)); // time for anything the worker does in the background

  await context.setOffline(true);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  const ok = await page.waitForSelector('body[data-ready=true]', { timeout: 15_000 }).then(() => true, () => false);
  assert.ok(ok, `the offline start did not show the app; the page was: ${ok ? '' : (await page.content()).slice(0, 120)}`);
  await context.close();
});
