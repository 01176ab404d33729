// offsync/react in headless Chromium with React and react-dom from npm (development builds,
// StrictMode): the page (browser/react-page.jsx) is bundled with esbuild, offsync.js is served
// beside it, and the database is a real IndexedDB one syncing with the real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, unique } from './support/server.js';
import { PACKAGE_FILES } from './support/modules.js';
import { browserFixture } from './support/fixtures.js';

const FILES = [
  ...PACKAGE_FILES,
  ['js/test/browser/react.html', 'react.html'],
  ['js/test/browser/page.html', 'page.html'],
];

const h = browserFixture({
  prefix: 'offsync-react-',
  files: FILES,
  prepare: (staticDir) => promisify(execFile)(join(repoRoot, 'node_modules/.bin/esbuild'), [
    join(repoRoot, 'js/test/browser/react-page.jsx'), '--bundle', '--format=esm', '--jsx=automatic',
    '--external:./offsync.js', '--define:process.env.NODE_ENV="development"', '--log-level=warning',
    `--outfile=${join(staticDir, 'react-page.js')}`,
  ], { cwd: repoRoot }),
}, { pageErrors: 'no page errors and no React warnings' });

// React reports misuse (an uncached snapshot, a missing key, an update after unmount) this way.
const reactWarnings = (page) => page.on('console', (m) => {
  if (m.location().url.endsWith('/favicon.ico')) return;
  if (m.type() === 'error' || m.type() === 'warning') h.pageErrors.push(m.text());
});

const newPage = (context, path) => h.newPage(context, path, { listen: reactWarnings });

const listed = (page) => page.$$eval('#list li', (lis) => lis.map((li) => `${li.dataset.id}=${li.textContent}`).join(','));
const until = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: 10_000 });
const counts = (page) => page.evaluate(() => ({ ...window.app.counts }));

test('useQuery, useRecord and useSyncStatus follow local writes, sync and another tab; unmount stops them', async (t) => {
  const context = await h.browser.newContext();
  try {
    const cfg = { name: unique('react'), baseUrl: h.server.baseUrl, token: 'Bearer ' + unique('tok') };
    const page = await newPage(context, '/react.html');
    await page.evaluate(async (cfg) => {
      await window.app.open(cfg);
      await window.db.putMany('note', [{ id: 'a', v: 1 }, { id: 'b', v: 2 }]);
      window.app.render({ id: 'a' });
    }, cfg);

    // A component renders the rows, the record and the status.
    await until(page, () => document.querySelectorAll('#list li').length === 2);
    assert.equal(await listed(page), 'a=1,b=2');
    await until(page, () => document.getElementById('one')?.textContent === '1');
    await until(page, () => document.getElementById('status')?.dataset.pending === '2');

    // Local put and delete re-render.
    await page.evaluate(async () => {
      await window.db.put('note', { id: 'a', v: 10 });
      await window.db.delete('note', 'b');
      await window.db.put('note', { id: 'c', v: 3 });
    });
    await until(page, () => [...document.querySelectorAll('#list li')].map((li) => li.textContent).join() === '10,3');
    assert.equal(await listed(page), 'a=10,c=3');
    await until(page, () => document.getElementById('one').textContent === '10');

    // A sync empties the outbox: the status hook shows it.
    const stats = await page.evaluate(() => window.db.sync());
    assert.equal(stats.errors, 0);
    await until(page, () => document.getElementById('status').dataset.pending === '0');

    // Re-rendering with equal props keeps every subscription: no new watch, no new listener.
    const held = await counts(page);
    assert.ok(held.watches >= 1 && held.listeners >= 3, `subscriptions held (${JSON.stringify(held)})`);
    for (let i = 0; i < 5; i++) await page.evaluate(() => window.app.render({ id: 'a' }));
    const after5 = await counts(page);
    assert.ok(after5.renders > held.renders, 'the list re-rendered');
    assert.equal(after5.watchCalls, held.watchCalls, 'no new watch on a re-render');
    assert.equal(after5.listeners, held.listeners, 'no new listener on a re-render');

    // Another tab's writes (a plain client on the same database) re-render this one.
    const other = await newPage(context, '/page.html');
    await other.evaluate(async (cfg) => {
      const db = await window.offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0 });
      await db.put('note', { id: 'd', v: 4 });
      await db.delete('note', 'a');
      await db.close();
    }, cfg);
    await until(page, () => [...document.querySelectorAll('#list li')].map((li) => li.dataset.id).join() === 'c,d');
    await until(page, () => document.getElementById('one').textContent === 'none');
    await until(page, () => document.getElementById('status').dataset.pending === '2');

    // A different record id re-subscribes useRecord only.
    await page.evaluate(() => window.app.render({ id: 'd' }));
    await until(page, () => document.getElementById('one').textContent === '4');
    assert.equal((await counts(page)).watchCalls, held.watchCalls, 'the list kept its watch');

    // Unmount drops every subscription; later writes call nothing.
    await page.evaluate(() => window.app.unmount());
    const gone = await counts(page);
    assert.equal(gone.watches, 0, 'no watch left');
    assert.equal(gone.listeners, 0, 'no listener left');
    await page.evaluate(async () => {
      await window.db.put('note', { id: 'e', v: 5 });
      await new Promise((r) => setTimeout(r, 300));
    });
    assert.equal((await counts(page)).rows, gone.rows, 'no watch callback after unmount');
    assert.equal(await page.$('#list'), null, 'nothing rendered');

    await queryForm(t, page);
    await page.evaluate(() => window.db.close());
  } finally {
    await context.close();
  }
});

// useQuery(db, kind, query) needs db.watch(kind, query, cb) (the queries work): tested where
// the client has db.query.
async function queryForm(t, page) {
  if (!(await page.evaluate(() => typeof window.db.query === 'function'))) {
    t.diagnostic('useQuery with a query not tested: this build has no db.watch(kind, query, cb)');
    return;
  }
  await page.evaluate(() => window.app.render({ id: 'c', query: { where: { v: { gte: 4 } }, orderBy: 'v' } }));
  await until(page, () => [...document.querySelectorAll('#list li')].map((li) => li.dataset.id).join() === 'd,e');
  const held = await counts(page);
  // An equal query written the other way round is the same subscription.
  await page.evaluate(() => window.app.render({ id: 'c', query: { orderBy: 'v', where: { v: { gte: 4 } } } }));
  await page.evaluate(() => window.db.put('note', { id: 'f', v: 6 }));
  await until(page, () => [...document.querySelectorAll('#list li')].map((li) => li.dataset.id).join() === 'd,e,f');
  assert.equal((await counts(page)).watchCalls, held.watchCalls, 'an equal query keeps its watch');
  // A different query is a new one.
  await page.evaluate(() => window.app.render({ id: 'c', query: { where: { v: { lt: 5 } }, orderBy: 'v' } }));
  await until(page, () => [...document.querySelectorAll('#list li')].map((li) => li.dataset.id).join() === 'c,d');
  assert.ok((await counts(page)).watchCalls > held.watchCalls, 'a different query watches anew');
  await page.evaluate(() => window.app.unmount());
  assert.equal((await counts(page)).watches, 0);
}
