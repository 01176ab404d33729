// Scenario 4: a tab closed in the middle of a sync with a large backlog loses nothing. The
// proxy holds back the answer to one push the server has already applied, the tab is closed
// while it waits, and a new tab finishes the job: the server ends with every entry exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startProxy, launchBrowser, newDevice, openApp, waitFor, pendingShown, isPush, pushedIds, shownCount } from './helpers.mjs';

const BACKLOG = 2000;
let server;
let proxy;
let browser;
before(async () => { server = await startServer(); proxy = await startProxy(server.url); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.close(); await server?.stop(); });

test('closing a tab mid-sync loses nothing and duplicates nothing', { timeout: 180_000 }, async () => {
  const context = await newDevice(browser);
  const page = await openApp(context, `${proxy.url}/`);

  await context.setOffline(true);
  const ids = await page.evaluate(async (n) => {
    const recs = Array.from({ length: n }, (_, i) => ({ id: crypto.randomUUID(), date: '2026-09-01', mood: 1 + (i % 5), energy: 1 + (i % 3), notes: `backlog entry ${i}` }));
    for (let i = 0; i < n; i += 500) await globalThis.journal.db.putMany('daily_feeling', recs.slice(i, i + 500));
    return recs.map((r) => r.id);
  }, BACKLOG);
  await waitFor(async () => (await pendingShown(page)) === BACKLOG, { what: `${BACKLOG} pending` });

  // The third push is applied by the server, but its answer never reaches this tab.
  let pushes = 0;
  const held = proxy.hold((e) => isPush(e) && ++pushes === 3);
  await context.setOffline(false); // auto sync on reconnect
  const inFlight = await held;
  await waitFor(async () => !(await page.isHidden('#progress')), { what: 'progress bar shown' });
  await page.close();
  proxy.release();

  const stored = await server.entries();
  assert.ok(stored.length > 0 && stored.length < BACKLOG, `the sync was cut midway (${stored.length} on the server)`);
  assert.ok(pushedIds(inFlight).every((id) => stored.some((r) => r.id === id)), 'the unanswered push was applied');

  const again = await openApp(context, `${proxy.url}/`);
  await waitFor(async () => (await pendingShown(again)) === 0, { timeout: 90_000, what: 'the backlog sent' });
  const all = await server.entries();
  assert.equal(all.length, BACKLOG, 'every entry exactly once');
  assert.deepEqual(new Set(all.map((r) => r.id)), new Set(ids));
  const byId = new Map(all.map((r) => [r.id, r]));
  ids.forEach((id, i) => assert.equal(byId.get(id).notes, `backlog entry ${i}`));
  assert.equal(await shownCount(again), BACKLOG);
  assert.equal(await again.locator('#entries li').count(), 100, 'the list shows one page');
  assert.deepEqual(again.errors, []);
});
