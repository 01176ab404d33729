// Scenario 1: offline first. With the network cut the app starts from the service worker,
// takes and keeps edits across a reload, and sends them once the network is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
