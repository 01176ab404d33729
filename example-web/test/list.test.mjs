// Scenario 5: the list is a live query. It shows the newest page of entries (indexed, ordered
// by date, limited) with "Show more", a mood filter narrows it, and it follows writes in
// another tab and entries another device synced, without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newDevice, openApp, waitFor, entryIds, shownCount, syncNow, KIND } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const day = (i) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

// What the list must show: newest date first, ties by id.
const newest = (recs, mood) => recs.filter((r) => !mood || r.mood === mood)
  .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.id < b.id ? -1 : 1)).map((r) => r.id);

test('the list: newest page first, show more, a mood filter, live across tabs and syncs', { timeout: 120_000 }, async () => {
  const context = await newDevice(browser);
  const tabA = await openApp(context, `${server.url}/`);
  const tabB = await openApp(context, `${server.url}/`);

  const recs = Array.from({ length: 150 }, (_, i) => ({ id: `e${String(i).padStart(3, '0')}`, date: day(i % 120), mood: 1 + (i % 5), energy: 3, notes: `entry ${i}` }));
  await tabB.evaluate(async ([kind, recs]) => { await globalThis.journal.db.putMany(kind, recs); }, [KIND, recs]);

  // Tab A (written in tab B): the newest 100, counted 150.
  await waitFor(async () => (await shownCount(tabA)) === 150, { what: 'the 150 entries counted in tab A' });
  await waitFor(async () => (await entryIds(tabA)).length === 100, { what: 'one page shown' });
  assert.deepEqual(await entryIds(tabA), newest(recs).slice(0, 100));
  assert.equal(await tabA.textContent('#more'), 'Show 50 more');
  await tabA.click('#more');
  await waitFor(async () => (await entryIds(tabA)).length === 150, { what: 'all shown after Show more' });
  assert.deepEqual(await entryIds(tabA), newest(recs));
  assert.ok(await tabA.isHidden('#more'), 'nothing more to show');

  // The filter: only "great" (5) entries, newest first.
  await tabA.selectOption('#mood-filter', '5');
  await waitFor(async () => (await entryIds(tabA)).join() === newest(recs, 5).join(), { what: 'the mood-5 entries' });
  assert.equal(await shownCount(tabA), 30);

  // Tab B writes: a new great day on top, and one great day turned awful leaves the list.
  const top = { id: 'zz-new', date: day(200), mood: 5, energy: 4, notes: 'best day' };
  await tabB.evaluate(async ([kind, top]) => {
    const db = globalThis.journal.db;
    await db.put(kind, top);
    await db.put(kind, { ...(await db.get(kind, 'e004')), mood: 1 }, { changedFields: ['mood'] });
  }, [KIND, top]);
  recs.push(top);
  recs.find((r) => r.id === 'e004').mood = 1;
  await waitFor(async () => (await entryIds(tabA)).join() === newest(recs, 5).join(), { what: "tab B's writes in tab A's filtered list" });
  assert.equal((await entryIds(tabA))[0], 'zz-new');
  await waitFor(async () => (await shownCount(tabA)) === 30, { what: 'the count follows' });

  // Another device writes a great day; after the syncs it shows in both tabs' list.
  assert.equal(await syncNow(tabA), null);
  const other = await newDevice(browser);
  const phone = await openApp(other, `${server.url}/`);
  const fromPhone = { id: 'zz-phone', date: day(300), mood: 5, energy: 2, notes: 'from the phone' };
  await phone.evaluate(async ([kind, rec]) => { await globalThis.journal.db.put(kind, rec); }, [KIND, fromPhone]);
  assert.equal(await syncNow(phone), null);
  assert.equal(await syncNow(tabB), null);
  recs.push(fromPhone);
  await waitFor(async () => (await entryIds(tabA))[0] === 'zz-phone', { what: "the phone's entry on top in tab A" });
  assert.deepEqual(await entryIds(tabA), newest(recs, 5));
  await tabB.selectOption('#mood-filter', '5');
  await waitFor(async () => (await entryIds(tabB)).join() === newest(recs, 5).join(), { what: 'the same list in tab B' });

  // Back to all moods: one page again, the newest first.
  await tabA.selectOption('#mood-filter', '0');
  await waitFor(async () => (await entryIds(tabA)).join() === newest(recs).slice(0, 100).join(), { what: 'all moods, one page' });
  assert.equal(await shownCount(tabA), 152);
  assert.deepEqual([...tabA.errors, ...tabB.errors, ...phone.errors], []);
  await other.close();
  await context.close();
});
