// Scenario 2: two devices (two browser contexts, separate storage) edit one entry offline.
// autoPreserve merges both edits with no field lost; manual mode asks, and each choice does
// what it says; a delete never silently beats an edit. Switching the conflict mode in Settings,
// twice in a row too, leaves the page one open database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newDevice, openApp, addEntry, editEntry, waitFor, syncNow, localEntry, shownNotes, pendingShown, screenshot, pick } from './helpers.mjs';

let server;
let browser;
let a;
let b;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  a = { context: await newDevice(browser) };
  b = { context: await newDevice(browser) };
  a.page = await openApp(a.context, `${server.url}/`);
  b.page = await openApp(b.context, `${server.url}/`);
});
after(async () => { await browser?.close(); await server?.stop(); });

const fields = (r) => r && { date: r.date, mood: r.mood, energy: r.energy, notes: r.notes };
const onServer = async (id) => fields((await server.entries()).find((r) => r.id === id));

/** Both devices hold entry id at the server's current version. */
async function settle(id) {
  const want = await onServer(id);
  for (const d of [a, b]) {
    await syncNow(d.page);
    await waitFor(async () => JSON.stringify(fields(await localEntry(d.page, id))) === JSON.stringify(want), { what: 'device caught up' });
  }
  return want;
}

/** Device a edits and syncs; device b, offline meanwhile, edits too and then reconnects. */
async function race(id, editA, editB) {
  await b.context.setOffline(true);
  await editEntry(b.page, id, editB);
  await editEntry(a.page, id, editA);
  assert.equal(await syncNow(a.page), null);
  await waitFor(async () => (await pendingShown(a.page)) === 0, { what: 'a pushed' });
  await b.context.setOffline(false); // b syncs by itself on reconnect and meets a's version
}

test('autoPreserve: both offline edits survive, on the server and on both devices', { timeout: 120_000 }, async () => {
  const id = await addEntry(a.page, { date: '2026-11-22', mood: 3, energy: 3, notes: 'Quiet Sunday' });
  assert.equal(await syncNow(a.page), null);
  await waitFor(() => onServer(id), { what: 'entry on the server' });
  await settle(id);

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await editEntry(a.page, id, { mood: 5 });
  await editEntry(b.page, id, { notes: 'Quiet Sunday, long call with mum' });
  await a.context.setOffline(false);
  await waitFor(async () => (await onServer(id))?.mood === 5, { what: "a's mood on the server" });
  await b.context.setOffline(false);
  const merged = { date: '2026-11-22', mood: 5, energy: 3, notes: 'Quiet Sunday, long call with mum' };
  await waitFor(async () => JSON.stringify(await onServer(id)) === JSON.stringify(merged), { what: 'merged entry on the server' });
  await waitFor(async () => /Merged/.test(await b.page.textContent('#notices')), { what: 'merge notice on b' });
  assert.deepEqual(await settle(id), merged);
  assert.equal(await shownNotes(a.page, id), merged.notes);
  assert.equal(await b.page.getAttribute(`li[data-id="${id}"]`, 'data-mood'), '5');
});

test('autoPreserve: a delete loses to an edit made elsewhere, and the app says so', { timeout: 120_000 }, async () => {
  const id = await addEntry(a.page, { date: '2026-11-21', mood: 2, energy: 2, notes: 'Rainy' });
  assert.equal(await syncNow(a.page), null);
  await settle(id);

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await a.page.click(`li[data-id="${id}"] button:text("Delete")`);
  await a.page.locator(`li[data-id="${id}"]`).waitFor({ state: 'detached' });
  await editEntry(b.page, id, { notes: 'Rainy, but a good book' });
  await b.context.setOffline(false);
  await waitFor(async () => (await onServer(id))?.notes === 'Rainy, but a good book', { what: "b's edit on the server" });
  await a.context.setOffline(false);
  await a.page.locator(`li[data-id="${id}"]`).waitFor();
  assert.equal(await shownNotes(a.page, id), 'Rainy, but a good book');
  await waitFor(async () => /delete was undone/.test(await a.page.textContent('#notices')), { what: 'notice on a' });
  assert.deepEqual(await onServer(id), { date: '2026-11-21', mood: 2, energy: 2, notes: 'Rainy, but a good book' });
});

test('an edit form left open across a sync writes only the fields changed in it', { timeout: 120_000 }, async () => {
  const id = await addEntry(a.page, { date: '2026-11-20', mood: 3, energy: 3, notes: 'Before' });
  assert.equal(await syncNow(a.page), null);
  await settle(id);

  await a.page.click(`li[data-id="${id}"] button:text("Edit")`);
  await editEntry(b.page, id, { notes: 'Written on b meanwhile' });
  assert.equal(await syncNow(b.page), null);
  assert.equal(await syncNow(a.page), null);
  await waitFor(async () => (await shownNotes(a.page, id)) === 'Written on b meanwhile', { what: "b's notes on a" });
  await pick(a.page, 'mood', 1);
  await a.page.click('#save');
  // The click only dispatches the save; the form closes once the put has resolved. A sync started
  // before that may read the outbox without the edit (it would go with the next sync).
  await a.page.waitForSelector('#cancel-edit', { state: 'hidden' });
  assert.equal(await syncNow(a.page), null);
  await waitFor(async () => (await onServer(id))?.mood === 1, { what: "a's mood on the server" });
  assert.deepEqual(await onServer(id), { date: '2026-11-20', mood: 1, energy: 3, notes: 'Written on b meanwhile' });
});

test('manual: the dialog shows both sides; keep mine, keep theirs and merge each do what they say', { timeout: 180_000 }, async () => {
  for (const d of [a, b]) {
    await d.page.locator('#settings-panel > summary').press('Enter');
    await d.page.check('#settings-form input[name=manual]');
    await d.page.click('#settings-form button[type=submit]');
    await waitFor(async () => /Settings applied/.test(await d.page.textContent('#notices')), { what: 'settings applied' });
    await d.page.locator('#settings-panel > summary').press('Enter');
  }
  const id = await addEntry(a.page, { date: '2026-11-23', mood: 3, energy: 3, notes: 'Start' });
  assert.equal(await syncNow(a.page), null);
  await settle(id);
  const dialog = b.page.locator('#conflict-dialog');

  // Keep mine: b's version goes to the server over a's.
  await race(id, { mood: 1, notes: 'A: rough morning' }, { mood: 4, notes: 'B: fine afternoon' });
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.locator('td.mine').allTextContents().then((t) => t.join('|')), /B: fine afternoon/);
  assert.match(await dialog.locator('td.theirs').allTextContents().then((t) => t.join('|')), /A: rough morning/);
  await screenshot(b.page, 'conflict-dialog', { quiet: true });

  // Decide later: the conflict stays deferred (inspector) until the dialog comes back.
  await b.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await b.page.locator('#inspector-panel > summary').press('Enter');
  await waitFor(async () => (await b.page.locator('#insp-conflicts tbody tr:not(:has(.muted))').count()) === 1, { what: 'the deferred conflict in the inspector' });
  assert.equal(await b.page.locator('#insp-outbox tbody tr:not(:has(.muted))').count(), 1, 'the op waits in the outbox');
  await screenshot(b.page.locator('#inspector-panel'), 'inspector', { quiet: true });
  await b.page.locator('#inspector-panel > summary').press('Enter');
  await b.page.getByRole('button', { name: 'Decide now' }).click();
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByRole('button', { name: 'Keep mine' }).click();
  await waitFor(async () => (await onServer(id))?.notes === 'B: fine afternoon', { what: 'b kept its version' });
  assert.deepEqual(await settle(id), { date: '2026-11-23', mood: 4, energy: 3, notes: 'B: fine afternoon' });

  // Keep theirs: the server's version stays and b's local copy takes it.
  await race(id, { energy: 5, notes: 'A: gym' }, { energy: 1, notes: 'B: sofa' });
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByRole('button', { name: 'Keep theirs' }).click();
  await waitFor(async () => (await localEntry(b.page, id))?.notes === 'A: gym', { what: "b took a's version" });
  await waitFor(async () => (await pendingShown(b.page)) === 0, { what: 'b has nothing to push' });
  assert.deepEqual(await onServer(id), { date: '2026-11-23', mood: 4, energy: 5, notes: 'A: gym' });
  assert.deepEqual(await settle(id), { date: '2026-11-23', mood: 4, energy: 5, notes: 'A: gym' });

  // Merge: mood picked from theirs, energy from mine, notes edited by hand.
  await race(id, { mood: 2, energy: 2, notes: 'A: tired' }, { mood: 5, energy: 4, notes: 'B: happy' });
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('input[name="pick-mood"][value=theirs]').check();
  await dialog.locator('input[name="pick-energy"][value=mine]').check();
  await dialog.locator('textarea[name=notes]').fill('Tired but happy');
  await dialog.getByRole('button', { name: 'Merge' }).click();
  const merged = { date: '2026-11-23', mood: 2, energy: 4, notes: 'Tired but happy' };
  await waitFor(async () => JSON.stringify(await onServer(id)) === JSON.stringify(merged), { what: 'merged result on the server' });
  assert.deepEqual(await settle(id), merged);
  assert.equal(await dialog.isVisible(), false);
  assert.deepEqual([...a.page.errors, ...b.page.errors], []);
});

// Every database client the app starts auto sync on from now on (openDatabase calls startAuto
// on each one it opens), and how many of them are still open.
const trackClients = (page) => page.evaluate(() => {
  window.clients = [window.journal.db];
  const proto = Object.getPrototypeOf(window.journal.db);
  const startAuto = proto.startAuto;
  proto.startAuto = function (...args) { window.clients.push(this); return startAuto.apply(this, args); };
});
const openClients = (page) => page.evaluate(() => window.clients.filter((db) => !db.closed).length);
const applySettings = (page, manual, times) => page.evaluate(([manual, times]) => {
  const form = document.getElementById('settings-form');
  form.elements.manual.checked = manual;
  for (let i = 0; i < times; i++) form.requestSubmit();
}, [manual, times]);
const noticesSaying = (page, text) => page.locator('#notices .notice', { hasText: text }).count();

test('settings applied twice in a row (a double click on Apply) leave one open database, not a leaked second one', { timeout: 90_000 }, async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready=true]');
  await trackClients(page);

  await applySettings(page, true, 2);
  await waitFor(async () => (await noticesSaying(page, 'Settings applied')) === 2, { what: 'both applies done' });
  // Back to automatic, applied once: the one database the app knows of is reopened.
  await applySettings(page, false, 1);
  await waitFor(async () => (await noticesSaying(page, 'merged automatically')) === 1, { what: 'the third apply done' });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await openClients(page), 1,
    'a second database client is still open and auto-syncing (with the manual-mode options) after the reopen');
  await context.close();
});
