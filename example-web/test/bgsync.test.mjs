// Scenario 5: push after the tab is closed. Changes written offline are pushed by the service
// worker (sw.js with offsync/background) once the device is online again, with no tab of the
// app open; the worker takes the same sync lock as the pages; where Background Sync is missing,
// the next open pushes them. The server is asked over HTTP (pull API and the proxy's log).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, startProxy, launchBrowser, newDevice, openApp, waitFor, pendingShown, isPush, pushedIds, KIND, TOKEN } from './helpers.mjs';

const TAG = 'offsync:mood-journal'; // the Background Sync tag, also the name of the sync lock
let server;
let proxy;
let browser;
before(async () => { server = await startServer(); proxy = await startProxy(server.url); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.close(); await server?.stop(); });

const entry = (i) => ({ id: crypto.randomUUID(), date: '2026-10-01', mood: 1 + (i % 5), energy: 1 + (i % 3), notes: `offline ${i}` });
const fromWorker = (e) => e.headers.referer?.endsWith('/sw.js');

/**
 * fireSync dispatches the Background Sync event through the DevTools protocol, from a blank
 * page (a session on an app page would change what its network emulation reports).
 */
async function fireSync(context, lastChance) {
  const blank = await context.newPage();
  try {
    const cdp = await context.newCDPSession(blank);
    const regs = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => regs.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const reg = await waitFor(() => regs.find((r) => r.scopeURL === `${proxy.url}/` && !r.isDeleted), { what: 'the registration' });
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: proxy.url, registrationId: reg.registrationId, tag: TAG, lastChance });
    await cdp.detach();
  } finally {
    await blank.close();
  }
}

/** pushCounts maps each entity id to the number of times a logged push carried it. */
function pushCounts(log) {
  const n = new Map();
  for (const e of log.filter(isPush)) for (const id of pushedIds(e)) n.set(id, (n.get(id) ?? 0) + 1);
  return n;
}

test('changes written offline are pushed by the service worker after the tab has closed, exactly once', { timeout: 150_000 }, async (t) => {
  const context = await newDevice(browser);
  const page = await openApp(context, `${proxy.url}/`);
  await context.setOffline(true);
  const recs = Array.from({ length: 300 }, (_, i) => entry(i));
  await page.evaluate(async ({ kind, recs }) => {
    const { db } = globalThis.journal;
    await db.putMany(kind, recs.slice(0, 250));
    for (const r of recs.slice(250)) await db.put(kind, r);
    await db.put(kind, { ...recs[0], notes: 'edited offline' });
    await db.delete(kind, recs[1].id);
  }, { kind: KIND, recs });
  await waitFor(async () => (await pendingShown(page)) === 299, { what: '299 pending' });
  await waitFor(() => page.evaluate(async (tag) => (await (await navigator.serviceWorker.ready).sync.getTags()).includes(tag), TAG), { what: 'the sync tag registered' });
  assert.deepEqual(page.errors, []);
  await page.close();
  assert.deepEqual(await server.entries(), [], 'nothing reached the server while offline');
  const logged = proxy.log.length;

  // Online again with no tab of the app open. Chromium may fire 'sync' by itself when the
  // emulated network comes back; the test fires it through the DevTools protocol either way,
  // so the worker may run twice: it pushes each op once.
  const online = performance.now();
  await context.setOffline(false);
  await fireSync(context, false);
  const want = new Set(recs.filter((_, i) => i !== 1).map((r) => r.id));
  const stored = await waitFor(async () => {
    const all = await server.entries();
    return all.length === want.size && all;
  }, { timeout: 90_000, what: 'every entry on the server' });
  // Worker start, Go runtime, IndexedDB open and the push, as seen from here (a figure, not a bound).
  t.diagnostic(`online → ${want.size} entries on the server, pushed by the worker: ${Math.round(performance.now() - online)} ms`);
  assert.deepEqual(new Set(stored.map((r) => r.id)), want);
  assert.equal(stored.find((r) => r.id === recs[0].id).notes, 'edited offline');
  assert.ok(context.pages().every((p) => !p.url().startsWith(proxy.url)), 'no page of the app was open');

  const pushes = proxy.log.slice(logged).filter(isPush);
  assert.ok(pushes.length > 0 && pushes.every(fromWorker), 'the service worker pushed');
  const counts = pushCounts(proxy.log);
  assert.deepEqual(new Set(counts.keys()), want, 'every op pushed, the deleted entry never');
  assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no op pushed twice');

  // A last-chance event with nothing left pushes nothing.
  const before = proxy.log.filter(isPush).length;
  await fireSync(context, true);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(proxy.log.filter(isPush).length, before, 'an empty outbox sends nothing');

  const again = await openApp(context, `${proxy.url}/`);
  await waitFor(async () => (await pendingShown(again)) === 0, { what: 'nothing pending on the next open' });
  assert.equal((await server.entries()).length, want.size);
  assert.deepEqual(again.errors, []);
  await context.close();
});

test('the service worker waits for the sync lock a tab holds, and pushes nothing twice', { timeout: 120_000 }, async () => {
  const context = await newDevice(browser);
  const page = await openApp(context, `${proxy.url}/`);
  // The tab's first auto sync (pulling the entries earlier tests left) must be over: while it
  // runs, the tab itself holds the lock and the sync below waits in line for it.
  await page.evaluate(async () => {
    const { db } = globalThis.journal;
    db.stopAuto();
    await db.sync();
  });
  const recs = Array.from({ length: 50 }, (_, i) => entry(i));
  const logged = proxy.log.length;
  await page.evaluate(({ kind, recs }) => globalThis.journal.db.putMany(kind, recs), { kind: KIND, recs });
  // The tab's push reaches the server; its answer is held, so the tab keeps the lock.
  const held = proxy.hold((e) => isPush(e) && !fromWorker(e));
  const tabSync = page.evaluate(() => globalThis.journal.db.sync().then(() => null, (e) => e.code));
  await held;
  await fireSync(context, false);
  // The worker's request for the lock waits behind the tab's (the only other client).
  await waitFor(() => page.evaluate(async (tag) => {
    const { held, pending } = await navigator.locks.query();
    const tab = held.find((l) => l.name === tag);
    return tab !== undefined && pending.some((l) => l.name === tag && l.clientId !== tab.clientId);
  }, TAG), { what: 'the worker waiting for the sync lock' });
  assert.equal(proxy.log.slice(logged).filter((e) => isPush(e) && fromWorker(e)).length, 0, 'the worker waits for the lock');
  proxy.release();
  assert.equal(await tabSync, null);
  await waitFor(async () => (await server.entries()).filter((r) => recs.some((x) => x.id === r.id)).length === recs.length, { what: 'the entries stored' });
  // The worker's sync runs once the lock is free: it finds nothing to push, and pulls.
  await waitFor(() => proxy.log.slice(logged).some((e) => fromWorker(e) && e.method === 'GET' && e.path.startsWith(`/api/${KIND}`)), { what: 'the worker\'s sync after the lock' });
  const counts = pushCounts(proxy.log.slice(logged));
  assert.deepEqual(new Set(counts.keys()), new Set(recs.map((r) => r.id)));
  assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no op pushed twice');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('without Background Sync the ops left offline are pushed by the next open with backgroundSync', { timeout: 120_000 }, async () => {
  const context = await newDevice(browser);
  // A browser without the API (Firefox, Safari): pages see no SyncManager.
  await context.addInitScript(() => {
    delete globalThis.SyncManager;
    delete globalThis.ServiceWorkerRegistration?.prototype.sync;
  });
  const app = await openApp(context, `${proxy.url}/`); // installs the service worker
  const name = `fallback-${Date.now()}`;
  const openDb = (page, backgroundSync) => page.evaluate(async ({ name, kind, token, backgroundSync }) => {
    const { open } = await import('/lib/offsync.js');
    globalThis.fallbackDb = await open({ name, baseUrl: new URL('/api', location.href).href, kinds: [kind], token: () => token, backgroundSync });
  }, { name, kind: KIND, token: TOKEN, backgroundSync });
  await context.setOffline(true);
  const recs = Array.from({ length: 20 }, (_, i) => entry(i));
  await openDb(app, true);
  assert.equal(await app.evaluate(() => typeof SyncManager), 'undefined');
  await app.evaluate(async ({ kind, recs }) => {
    await globalThis.fallbackDb.putMany(kind, recs);
    await globalThis.fallbackDb.close();
  }, { kind: KIND, recs });
  await app.close();
  await context.setOffline(false);

  const mine = async () => (await server.entries()).filter((r) => recs.some((x) => x.id === r.id));
  const page = await context.newPage();
  await page.goto(`${proxy.url}/manifest.webmanifest`); // a document of the origin, not the app
  await openDb(page, false);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(await mine(), [], 'an open without backgroundSync pushes nothing by itself');
  await page.evaluate(() => globalThis.fallbackDb.close());

  await openDb(page, true);
  await waitFor(async () => (await mine()).length === recs.length, { what: 'the ops pushed at open' });
  await waitFor(() => page.evaluate(async () => (await globalThis.fallbackDb.pendingCount()) === 0), { what: 'nothing pending' });
  const counts = pushCounts(proxy.log.filter((e) => !fromWorker(e)));
  assert.deepEqual(recs.map((r) => counts.get(r.id)), recs.map(() => 1), 'each op pushed once, by the page');
  await page.evaluate(() => globalThis.fallbackDb.close());
  await context.close();
});

test('handleBackgroundSync: other tags are not its business; a push worth retrying rejects the event, then one succeeds', { timeout: 120_000 }, async () => {
  // A port nobody listens on: the push fails with a network error.
  const dead = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
  const context = await newDevice(browser);
  const page = await context.newPage();
  await page.goto(`${proxy.url}/manifest.webmanifest`); // a document of the origin
  const out = await page.evaluate(async ({ kind, token, deadUrl }) => {
    const { handleBackgroundSync } = await import('/lib/background.js');
    const { open } = await import('/lib/offsync.js');
    const name = `unit-${Date.now()}`;
    const good = { name, baseUrl: new URL('/api', location.href).href, kinds: [kind], token: () => token };
    const down = { ...good, baseUrl: deadUrl, maxRetries: 0 };
    const db = await open(good);
    await db.put(kind, { id: `${name}-1`, date: '2026-10-02', mood: 3, energy: 3 });
    await db.close();
    // The parts of a SyncEvent it uses: tag and waitUntil.
    const fire = async (tag, options) => {
      let work = null;
      const handled = handleBackgroundSync({ tag, waitUntil: (p) => { work = p; } }, options);
      const outcome = work && await work.then(() => 'resolved', (e) => `rejected ${e.code} retryable=${e.retryable}`);
      return { handled, outcome };
    };
    const results = {
      otherTag: await fire('not-offsync', good),
      otherDatabase: await fire('offsync:someone-else', good),
      declined: await fire(`offsync:${name}`, () => null),
      serverDown: await fire(`offsync:${name}`, down),
    };
    const check = await open(good);
    results.pendingAfterFailure = await check.pendingCount();
    await check.close();
    results.serverUp = await fire(`offsync:${name}`, async (n) => (n === name ? good : null));
    const after = await open(good);
    results.pendingAfterSuccess = await after.pendingCount();
    await after.close();
    return { name, results };
  }, { kind: KIND, token: TOKEN, deadUrl: `http://127.0.0.1:${dead}/api` });
  const r = out.results;
  assert.deepEqual(r.otherTag, { handled: false, outcome: null });
  assert.deepEqual(r.otherDatabase, { handled: false, outcome: null });
  assert.deepEqual(r.declined, { handled: true, outcome: 'resolved' });
  assert.deepEqual(r.serverDown, { handled: true, outcome: 'rejected network retryable=true' }, 'the browser is asked to fire again');
  assert.equal(r.pendingAfterFailure, 1, 'the op is kept');
  assert.deepEqual(r.serverUp, { handled: true, outcome: 'resolved' });
  assert.equal(r.pendingAfterSuccess, 0);
  assert.ok((await server.entries()).some((e) => e.id === `${out.name}-1`), 'the op reached the server');
  await context.close();
});

test('a page registers the tag after a sync that failed and when it is hidden, not after a write it can push', { timeout: 120_000 }, async () => {
  const dead = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
  const context = await newDevice(browser);
  const app = await openApp(context, `${proxy.url}/`); // installs and activates the service worker
  await app.close();
  const page = await context.newPage();
  await page.goto(`${proxy.url}/manifest.webmanifest`); // a document of the origin, not the app
  const steps = await page.evaluate(async ({ kind, token, deadUrl }) => {
    // Online, the browser fires a registered tag at once and forgets it: the test records the
    // registrations as they are made (the real register still runs).
    const asked = [];
    const register = SyncManager.prototype.register;
    SyncManager.prototype.register = function (tag) {
      asked.push(tag);
      return register.call(this, tag);
    };
    const settle = () => new Promise((r) => setTimeout(r, 500));
    const { open } = await import('/lib/offsync.js');
    const base = { kinds: [kind], token: () => token, backgroundSync: true, maxRetries: 0 };
    const out = {};
    const stamp = Date.now();

    // A sync that cannot reach the server leaves the op to the worker.
    const failing = await open({ ...base, name: `failed-${stamp}`, baseUrl: deadUrl });
    await failing.put(kind, { id: 'f1', date: '2026-10-03', mood: 2, energy: 2 });
    await settle();
    out.afterWrite = [...asked];
    out.syncError = await failing.sync().then(() => null, (e) => e.code);
    await settle();
    out.afterFailedSync = [...asked];
    await failing.close();

    // A page going hidden with ops pending asks too (it may be closed or frozen next).
    const hiding = await open({ ...base, name: `hidden-${stamp}`, baseUrl: new URL('/api', location.href).href });
    await hiding.put(kind, { id: 'h1', date: '2026-10-03', mood: 4, energy: 4 });
    await settle();
    out.beforeHidden = [...asked];
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    out.afterHidden = [...asked];
    await hiding.close();
    return { stamp, out };
  }, { kind: KIND, token: TOKEN, deadUrl: `http://127.0.0.1:${dead}/api` });
  const failed = `offsync:failed-${steps.stamp}`;
  const hidden = `offsync:hidden-${steps.stamp}`;
  assert.deepEqual(steps.out, {
    afterWrite: [], syncError: 'network', afterFailedSync: [failed], beforeHidden: [failed], afterHidden: [failed, hidden],
  });
  await context.close();
});
