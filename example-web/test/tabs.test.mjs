// Scenario 3: two tabs of one device. A write in one tab shows in the other without a reload,
// and while both ask to sync only one tab talks to the server at a time (counted at a proxy
// in front of the server, which tells the tabs apart by their ?tab= page address, and the
// service worker by its script address).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startProxy, launchBrowser, newDevice, openApp, addEntry, waitFor, entryIds, pendingShown, isPush, pushedIds, shownNotes, syncNow, shownCount } from './helpers.mjs';

let server;
let proxy;
let browser;
before(async () => { server = await startServer(); proxy = await startProxy(server.url); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.close(); await server?.stop(); });

test('two tabs: changes cross tabs live; one tab syncs at a time; every op pushed once', { timeout: 120_000 }, async () => {
  const context = await newDevice(browser);
  const tabA = await openApp(context, `${proxy.url}/?tab=a`);
  const tabB = await openApp(context, `${proxy.url}/?tab=b`);

  const id = await addEntry(tabA, { date: '2026-11-24', mood: 4, energy: 4, notes: 'Written in tab A' });
  await waitFor(async () => (await entryIds(tabB)).includes(id), { what: "tab A's entry in tab B" });
  assert.equal(await shownNotes(tabB, id), 'Written in tab A');

  assert.equal(await syncNow(tabA), null);
  await waitFor(async () => (await server.entries()).length === 1, { what: 'the first entry on the server' });

  // A backlog written while offline, so that neither tab starts sending it early.
  await context.setOffline(true);
  const ids = await tabB.evaluate(async () => {
    const recs = Array.from({ length: 300 }, (_, i) => ({ id: crypto.randomUUID(), date: '2026-10-01', mood: 1 + (i % 5), energy: 3, notes: `bulk ${i}` }));
    await globalThis.journal.db.putMany('daily_feeling', recs);
    return recs.map((r) => r.id);
  });
  await waitFor(async () => (await shownCount(tabA)) === 301, { what: 'the backlog counted in tab A' });

  // Back online both tabs are told to sync (by the online event, and twice each by hand).
  const from = proxy.log.length;
  await context.setOffline(false);
  await Promise.all([tabA, tabB].map((p) => p.evaluate(() => Promise.all([
    globalThis.journal.db.sync().catch(() => null), globalThis.journal.db.sync().catch(() => null),
  ]))));
  await waitFor(async () => (await pendingShown(tabA)) === 0 && (await pendingShown(tabB)) === 0, { what: 'outbox empty in both tabs' });
  await waitFor(() => proxy.log.slice(from).every((e) => e.end !== null), { what: 'all requests answered' });

  // The service worker may sync too (tab B wrote offline, so it asked for a background sync):
  // it takes the same lock, so it counts as a third syncer.
  const api = proxy.log.slice(from).filter((e) => e.path.startsWith('/api/'))
    .map((e) => (e.headers.referer?.endsWith('/sw.js') ? { ...e, tab: 'worker' } : e));
  assert.ok(api.length > 0, 'the sync talked to the server');
  assert.ok(api.every((e) => ['a', 'b', 'worker'].includes(e.tab)), 'every request came from a tab or the worker');
  // Runs of consecutive requests from one tab, each as the span from its first start to its
  // last end: if both tabs synced at once their runs would overlap.
  const runs = [];
  for (const e of [...api].sort((x, y) => x.start - y.start)) {
    const run = runs.at(-1);
    if (run?.tab === e.tab) run.end = Math.max(run.end, e.end);
    else runs.push({ tab: e.tab, start: e.start, end: e.end });
  }
  for (let i = 1; i < runs.length; i++) {
    assert.ok(runs[i].start >= runs[i - 1].end, `tabs ${runs[i - 1].tab} and ${runs[i].tab} talked to the server at once`);
  }

  const pushed = api.filter(isPush).flatMap(pushedIds);
  assert.deepEqual([...pushed].sort(), [...ids].sort(), 'each op pushed exactly once');
  const stored = await server.entries();
  assert.equal(stored.length, 301);
  assert.deepEqual(new Set(stored.map((r) => r.id)), new Set([...ids, id]));
  assert.deepEqual([...tabA.errors, ...tabB.errors], []);
});
