// The seed's push soon after local writes (pushDebounceMs) and its per-op events in headless
// Chromium with IndexedDB storage, served by the real server's -static: a write is pushed by
// itself while auto sync runs, and a write whose tab closed before its push goes with the next
// tab's auto sync (the outbox is durable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from '../offsync.js';
import { unique, eventually } from './support/server.js';
import { PACKAGE_FILES } from './support/modules.js';
import { browserFixture } from './support/fixtures.js';

const h = browserFixture({ prefix: 'offsync-seed-static-', files: [...PACKAGE_FILES, ['js/test/browser/page.html', 'page.html']] });

const newPage = (context) => h.newPage(context);

/** Opens window.db (IndexedDB) with auto sync running, and records its per-op events. */
async function openWithAuto(page, cfg, pushDebounceMs) {
  await page.evaluate(async ({ cfg, pushDebounceMs }) => {
    window.db = await window.offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0, pushDebounceMs });
    window.seen = [];
    for (const type of ['operationPushed', 'operationFailed', 'syncStarted']) {
      window.db.on(type, (d) => window.seen.push({ type, d }));
    }
    const first = new Promise((resolve) => { const off = window.db.on('completed', () => { off(); resolve(); }); });
    window.db.startAuto({ intervalMs: 600_000 });
    await first;
  }, { cfg, pushDebounceMs });
}

/** What the server holds for note id, seen by a fresh Node device of the same tenant. */
async function serverCopy(cfg, id) {
  const db = await open({ name: unique('node'), baseUrl: h.server.baseUrl, kinds: ['note'], storage: 'memory', token: () => cfg.token });
  try {
    await db.sync();
    return await db.get('note', id);
  } finally {
    await db.close();
  }
}

test('Chromium: a local write is pushed soon by itself while auto sync runs, with operationPushed', async () => {
  const context = await h.browser.newContext();
  try {
    const page = await newPage(context);
    const cfg = { name: unique('idb'), baseUrl: h.server.baseUrl, token: 'Bearer ' + unique('tok') };
    await openWithAuto(page, cfg, 100);
    const opId = await page.evaluate(async () => {
      window.seen.length = 0;
      await window.db.put('note', { id: 'soon', v: 1 });
      return (await window.db.outbox())[0].opId;
    });
    await page.waitForFunction(() => window.seen.some((e) => e.type === 'operationPushed'), null, { timeout: 10_000 });
    const seen = await page.evaluate(async () => ({ seen: window.seen, pending: await window.db.pendingCount() }));
    assert.equal(seen.pending, 0);
    assert.deepEqual(seen.seen.filter((e) => e.type === 'operationPushed').map((e) => e.d),
      [{ kind: 'note', id: 'soon', opId, statusCode: 201 }]);
    assert.deepEqual(seen.seen.filter((e) => e.type === 'operationFailed'), []);
    assert.equal((await serverCopy(cfg, 'soon'))?.v, 1, 'on the server, without a sync() call');
  } finally {
    await context.close();
  }
});

test('Chromium: a write whose tab closed before its push goes with the next tab\'s auto sync', async () => {
  const context = await h.browser.newContext();
  try {
    const cfg = { name: unique('idb'), baseUrl: h.server.baseUrl, token: 'Bearer ' + unique('tok') };
    const first = await newPage(context);
    await openWithAuto(first, cfg, 60_000); // the push would come a minute later
    await first.evaluate(() => window.db.put('note', { id: 'orphan', v: 7 }));
    await first.close(); // the tab closes before its push
    assert.equal(await serverCopy(cfg, 'orphan'), undefined, 'not pushed yet');

    const next = await newPage(context);
    await next.evaluate(async (cfg) => {
      window.db = await window.offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0 });
    }, cfg);
    assert.equal(await next.evaluate(() => window.db.pendingCount()), 1, 'the op survived in IndexedDB');
    await next.evaluate(() => window.db.startAuto({ intervalMs: 600_000 }));
    await eventually(() => next.evaluate(async () => (await window.db.pendingCount()) === 0), 10_000, 'pushed by the leading sync');
    assert.equal((await serverCopy(cfg, 'orphan'))?.v, 7);
  } finally {
    await context.close();
  }
});

test('Chromium: a tab that does not lead auto sync pushes its own writes soon; offline, it waits for \'online\'', async () => {
  const context = await h.browser.newContext();
  try {
    const cfg = { name: unique('idb'), baseUrl: h.server.baseUrl, token: 'Bearer ' + unique('tok') };
    const leader = await newPage(context);
    await openWithAuto(leader, cfg, 100);
    const other = await newPage(context);
    await other.evaluate(async (cfg) => {
      window.db = await window.offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0, pushDebounceMs: 100 });
      window.seen = [];
      for (const type of ['operationPushed', 'operationFailed', 'syncStarted']) window.db.on(type, (d) => window.seen.push({ type, d }));
      window.db.startAuto({ intervalMs: 600_000 }); // waits in line behind the leader
      await window.db.put('note', { id: 'from-other', v: 1 });
    }, cfg);
    await other.waitForFunction(() => window.seen.some((e) => e.type === 'operationPushed'), null, { timeout: 10_000 });
    assert.equal((await serverCopy(cfg, 'from-other'))?.v, 1);

    await context.setOffline(true);
    await other.evaluate(async () => {
      window.seen.length = 0;
      await window.db.put('note', { id: 'offline', v: 2 });
      await new Promise((r) => setTimeout(r, 400)); // past the debounce
    });
    assert.deepEqual(await other.evaluate(() => window.seen), [], 'no push tried while offline');
    await context.setOffline(false);
    // Back online, the write is pushed (by this tab, or by the leader's 'online' sync of everything).
    await eventually(() => other.evaluate(async () => (await window.db.pendingCount()) === 0), 10_000, 'pushed once online');
    assert.equal((await serverCopy(cfg, 'offline'))?.v, 2);
  } finally {
    await context.close();
  }
});
