// The JS package in headless Chromium (playwright-core, Debian's /usr/bin/chromium), served
// with a tiny test page by the real server's -static: IndexedDB storage through the public
// API (data survives a reload), two tabs (one syncer, watch across tabs), a Web Worker host,
// and the open()-to-ready time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unique } from './support/server.js';
import { browserFixture } from './support/fixtures.js';
import { PACKAGE_FILES } from './support/modules.js';

const FILES = [
  ...PACKAGE_FILES,
  ['js/test/browser/csp.html', 'csp.html'],
  ['js/test/browser/csp.js', 'csp.js'],
  ['js/test/browser/page.html', 'page.html'],
  ['js/test/browser/worker.js', 'worker.js'],
];

const h = browserFixture({ prefix: 'offsync-static-', files: FILES });

const newPage = (context, path) => h.newPage(context, path);

/** Opens window.db in page with the public API and records its events in window.seen. */
async function openIn(page, cfg) {
  return page.evaluate(async (cfg) => {
    const t0 = performance.now();
    window.db = await window.offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0 });
    const ms = performance.now() - t0;
    window.seen = { syncStarted: 0, changes: [], watch: [] };
    window.db.on('syncStarted', () => { window.seen.syncStarted += 1; });
    window.db.on('change', (e) => window.seen.changes.push(e));
    window.db.watch('note', (recs) => window.seen.watch.push(recs.map((r) => r.id)));
    return ms;
  }, cfg);
}

// listener is a page with a bare listener on a database's channel (window.heard): it never says
// hello, so it counts as no tab.
async function listener(context, name) {
  const ear = await newPage(context);
  await ear.evaluate((name) => {
    window.heard = [];
    new BroadcastChannel('offsync:' + name).onmessage = (m) => window.heard.push(m.data);
  }, name);
  return ear;
}

const cfgFor = () => ({ name: unique('idb'), baseUrl: h.server.baseUrl, token: 'Bearer ' + unique('tok') });

test('IndexedDB storage: writes survive a reload, then sync; open() time to ready', async (t) => {
  const context = await h.browser.newContext();
  try {
    const page = await newPage(context);
    const cfg = cfgFor();
    const coldMs = await openIn(page, cfg);
    const put = await page.evaluate(async () => {
      const created = await window.db.put('note', { id: 'p1', v: 0 });
      const edited = await window.db.put('note', { id: 'p1', v: 1 });
      const many = await window.db.putMany('note', [{ id: 'p2' }, { id: 'p3' }]);
      await window.db.delete('note', 'p3');
      // A put (or putMany) resolves when its write commits; its events follow in a task of their own.
      await new Promise((r) => setTimeout(r, 50));
      const puts = window.seen.changes.filter((e) => e.ids.includes('p1'));
      const manyEvents = window.seen.changes.filter((e) => e.ids.includes('p2'));
      return { created, edited, many, puts, manyEvents, pending: await window.db.pendingCount() };
    });
    assert.deepEqual(put.created, { id: 'p1', v: 0 });
    assert.deepEqual(put.edited, { id: 'p1', v: 1 });
    assert.deepEqual(put.many, [{ id: 'p2' }, { id: 'p3' }]);
    assert.deepEqual(put.manyEvents, [{ kind: 'note', ids: ['p2', 'p3'], origin: 'local' }]);
    assert.deepEqual(put.puts, [{ kind: 'note', ids: ['p1'], origin: 'local' }, { kind: 'note', ids: ['p1'], origin: 'local' }]);
    assert.equal(put.pending, 2, 'the edit coalesced into the create; p3 cancelled out');
    await page.reload();
    await page.waitForFunction(() => window.ready === true);
    const warmMs = await openIn(page, cfg);
    const r = await page.evaluate(async () => {
      const db = window.db;
      const before = { rec: await db.get('note', 'p1'), ids: (await db.list('note')).map((x) => x.id), pending: await db.pendingCount() };
      const stats = await db.sync();
      return { before, stats, after: await db.pendingCount(), rec: await db.get('note', 'p1') };
    });
    assert.deepEqual(r.before.rec, { id: 'p1', v: 1 });
    assert.deepEqual(r.before.ids, ['p1', 'p2']);
    assert.equal(r.before.pending, 2);
    assert.equal(r.stats.pushed, 2);
    assert.equal(r.after, 0);
    assert.ok(r.rec.updatedAt, 'the server version was stored');

    // A fresh page (new database) for more open() samples; the wasm comes from the HTTP cache.
    const samples = [coldMs, warmMs];
    for (let i = 0; i < 3; i++) {
      const p = await newPage(context);
      samples.push(await openIn(p, cfgFor()));
      await p.close();
    }
    t.diagnostic(`open() to ready in Chromium, ms: ${samples.map((x) => x.toFixed(0)).join(', ')}`);
  } finally {
    await context.close();
  }
});

// open() opens the database early, at the version it has, while sync.wasm loads: that
// connection must give way to idbstore's upgrade (else the upgrade waits for it, and open()
// for the upgrade, until the store's open times out).
test('open() upgrades a database of an older schema: its early connection gives way', async () => {
  const context = await h.browser.newContext();
  try {
    const page = await newPage(context);
    const cfg = cfgFor();
    await page.evaluate((name) => new Promise((resolve, reject) => {
      // idbstore's schema v1 (idbstore/schema.go), empty.
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore('records', { keyPath: ['kind', 'id'] });
        db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        db.createObjectStore('cursors', { keyPath: 'kind' });
        db.createObjectStore('meta');
      };
      req.onsuccess = () => { req.result.close(); resolve(); };
      req.onerror = () => reject(req.error);
    }), cfg.name);
    await openIn(page, cfg);
    const r = await page.evaluate(async (name) => {
      await window.db.put('note', { id: 'u1' });
      const stats = await window.db.sync();
      const ids = (await window.db.list('note')).map((x) => x.id);
      return { ids, pushed: stats.pushed, version: (await indexedDB.databases()).find((d) => d.name === name)?.version };
    }, cfg.name);
    assert.deepEqual(r.ids, ['u1']);
    assert.equal(r.pushed, 1);
    assert.ok(r.version > 1, `upgraded from v1 to ${r.version}`);
  } finally {
    await context.close();
  }
});

// The early connection is idbstore's own when the database exists at this code's layout: one
// indexedDB.open per open(), and the store works on it (reads, writes, a sync, a reopen after
// another tab's upgrade takes it away).
test('open() of an existing database makes one connection: idbstore takes the early one', async () => {
  const context = await h.browser.newContext();
  try {
    const cfg = cfgFor();
    const first = await newPage(context);
    await openIn(first, cfg);
    await first.evaluate(() => window.db.put('note', { id: 'e1' }));
    await first.evaluate(() => window.db.close());
    await first.close();

    const page = await newPage(context);
    await page.evaluate(() => {
      window.opens = [];
      const open = indexedDB.open.bind(indexedDB);
      indexedDB.open = (name, version) => {
        window.opens.push(version ?? null);
        return open(name, version);
      };
    });
    await openIn(page, cfg);
    const r = await page.evaluate(async (name) => {
      const opens = [...window.opens];
      await window.db.put('note', { id: 'e2' });
      const stats = await window.db.sync();
      const ids = (await window.db.list('note')).map((x) => x.id);
      // Another tab asks for the next version of the same layout (a new generation of query
      // indexes, idbstore/query_schema.go): idbstore's connection gives way, then reopens.
      const version = (await indexedDB.databases()).find((d) => d.name === name).version;
      await new Promise((resolve, reject) => {
        const req = indexedDB.open(name, version + 1);
        req.onupgradeneeded = () => {};
        req.onsuccess = () => { req.result.close(); resolve(); };
        req.onerror = () => reject(req.error);
      });
      return { opens, stats, ids, after: (await window.db.list('note')).length };
    }, cfg.name);
    assert.deepEqual(r.opens, [null], 'one connection, at the version the database has');
    assert.equal(r.stats.pushed, 2);
    assert.deepEqual(r.ids, ['e1', 'e2']);
    assert.equal(r.after, 2, 'the store reconnected after giving way');
  } finally {
    await context.close();
  }
});

test('IndexedDB storage works under a Content-Security-Policy without unsafe-eval', async () => {
  const context = await h.browser.newContext();
  try {
    const page = await newPage(context, '/csp.html');
    await openIn(page, cfgFor());
    const r = await page.evaluate(async () => {
      const db = window.db;
      await db.put('note', { id: 'c1', v: 1 });
      await db.putMany('note', [{ id: 'c2' }, { id: 'c3' }]);
      const stats = await db.sync();
      return { ids: (await db.list('note')).map((x) => x.id), stats, pending: await db.pendingCount(), violations: window.violations };
    });
    assert.deepEqual(r.violations, [], 'no CSP violation');
    assert.deepEqual(r.ids, ['c1', 'c2', 'c3']);
    assert.equal(r.stats.pushed, 3);
    assert.equal(r.pending, 0);
  } finally {
    await context.close();
  }
});

test('two tabs: only the leader auto-syncs, watch in one tab sees the other tab\'s writes', async () => {
  const context = await h.browser.newContext();
  try {
    const a = await newPage(context);
    const b = await newPage(context);
    const cfg = cfgFor();
    await openIn(a, cfg);
    await openIn(b, cfg);

    await b.evaluate(() => window.db.put('note', { id: 'from-b' }));
    await a.waitForFunction(() => window.seen.watch.at(-1)?.includes('from-b'), null, { timeout: 10_000 });
    const tabChange = await a.evaluate(() => window.seen.changes.find((e) => e.origin === 'tab'));
    assert.deepEqual(tabChange, { kind: 'note', ids: ['from-b'], origin: 'tab' });

    await a.evaluate(() => window.db.startAuto({ intervalMs: 100 }));
    await b.evaluate(() => window.db.startAuto({ intervalMs: 100 }));
    await a.waitForTimeout(1500);
    const counts = [await a.evaluate(() => window.seen.syncStarted), await b.evaluate(() => window.seen.syncStarted)];
    const [leader, other] = counts[0] > 0 ? [a, b] : [b, a];
    assert.ok(Math.max(...counts) >= 3, `the leader synced repeatedly (${counts})`);
    assert.equal(Math.min(...counts), 0, `the other tab did not sync (${counts})`);
    assert.equal(await other.evaluate(() => window.db.pendingCount()), 0, 'the leader pushed the other tab\'s write');

    // A write in the leader reaches the other tab's watch.
    await leader.evaluate(() => window.db.put('note', { id: 'from-a' }));
    await other.waitForFunction(() => window.seen.watch.at(-1)?.join() === 'from-a,from-b', null, { timeout: 10_000 });

    // The leader goes away: the other tab takes over.
    await leader.close();
    await other.waitForFunction(() => window.seen.syncStarted >= 2, null, { timeout: 10_000 });

    // An explicit sync() in any tab works.
    const stats = await other.evaluate(async () => { window.db.stopAuto(); return window.db.sync(); });
    assert.equal(stats.errors, 0);
  } finally {
    await context.close();
  }
});

test('a tab alone posts no change messages; one that opens later hears of the writes made meanwhile', async () => {
  const context = await h.browser.newContext();
  try {
    const cfg = cfgFor();
    const ear = await listener(context, cfg.name);
    const a = await newPage(context);
    await openIn(a, cfg);
    await a.evaluate(async () => {
      await window.db.put('note', { id: 'alone-1' });
      await window.db.put('note', { id: 'alone-2' });
    });
    await ear.waitForTimeout(300);
    assert.deepEqual(await ear.evaluate(() => window.heard), [{ hello: true }], 'only the hello');

    const b = await newPage(context);
    await openIn(b, cfg);
    await ear.waitForFunction(() => window.heard.some((m) => m.kind === 'note'), null, { timeout: 10_000 });
    const heard = await ear.evaluate(() => window.heard);
    assert.deepEqual(heard.filter((m) => m.kind !== undefined), [{ kind: 'note', ids: ['alone-1', 'alone-2'] }]);
    assert.equal(heard.filter((m) => m.hello).length, 2);
    assert.ok(heard.some((m) => m.here), 'a answered b');

    await b.evaluate(() => window.db.put('note', { id: 'from-b' }));
    await a.waitForFunction(() => window.seen.changes.some((e) => e.origin === 'tab' && e.ids.includes('from-b')), null, { timeout: 10_000 });
  } finally {
    await context.close();
  }
});

test('a tab that writes and closes at once still tells the others: kept changes and the last write\'s event go out at close', async () => {
  const context = await h.browser.newContext();
  try {
    const cfg = cfgFor();
    const ear = await listener(context, cfg.name); // the writing tab never hears of another tab
    const c = await newPage(context);
    await openIn(c, cfg);
    // close() right after the awaited put: its change event comes after its Promise resolved.
    await c.evaluate(async () => {
      await window.db.put('note', { id: 'quick-1' });
      await window.db.put('note', { id: 'quick-2' });
      await window.db.close();
    });
    await ear.waitForFunction(() => window.heard.some((m) => m.kind === 'note'), null, { timeout: 10_000 });
    const notes = (await ear.evaluate(() => window.heard)).filter((m) => m.kind !== undefined);
    assert.deepEqual(notes, [{ kind: 'note', ids: ['quick-1', 'quick-2'] }]);
  } finally {
    await context.close();
  }
});

test('a tab\'s pending count includes the ops another tab wrote', async () => {
  const context = await h.browser.newContext();
  try {
    const cfg = cfgFor();
    const a = await newPage(context);
    await openIn(a, cfg);
    const b = await newPage(context);
    await openIn(b, cfg);
    await a.evaluate(async () => {
      window.pending = [];
      window.db.on('status', (s) => window.pending.push(s.pending));
      await window.db.put('note', { id: 'a-1' });
    });
    await b.evaluate(async () => {
      await window.db.put('note', { id: 'b-1' });
      await window.db.put('note', { id: 'b-2' });
    });
    await a.waitForFunction(() => window.seen.changes.some((e) => e.origin === 'tab' && e.ids.includes('b-2')), null, { timeout: 10_000 });
    // a's next write reports the outbox as it is: its own two ops and b's two.
    await a.evaluate(() => window.db.put('note', { id: 'a-2' }));
    await a.waitForFunction(() => window.pending.at(-1) === 4, null, { timeout: 10_000 });
    assert.equal(await a.evaluate(() => window.db.pendingCount()), 4);
  } finally {
    await context.close();
  }
});

test('sync() in one tab waits while another tab holds the sync lock; a signal cancels the wait', async () => {
  const context = await h.browser.newContext();
  try {
    const a = await newPage(context);
    const b = await newPage(context);
    const cfg = cfgFor();
    await openIn(b, cfg);
    // Tab A holds the lock a sync of this database takes, as its own sync would.
    await a.evaluate((name) => new Promise((held) => {
      navigator.locks.request('offsync:' + name, () => new Promise((release) => { window.release = release; held(); }));
    }), cfg.name);
    await b.evaluate(() => {
      window.result = null;
      window.db.sync().then((s) => { window.result = s; }, (e) => { window.result = e.code; });
      window.ac = new AbortController();
      window.aborted = window.db.sync({ signal: window.ac.signal }).catch((e) => e.code);
    });
    await b.waitForTimeout(300);
    assert.equal(await b.evaluate(() => window.seen.syncStarted), 0, 'no sync while the other tab holds the lock');
    assert.equal(await b.evaluate(() => { window.ac.abort(); return window.aborted; }), 'cancelled');
    await a.evaluate(() => window.release());
    await b.waitForFunction(() => window.result !== null, null, { timeout: 10_000 });
    assert.equal(typeof (await b.evaluate(() => window.result)).pushed, 'number', 'the sync ran once the lock was free');
    assert.equal(await b.evaluate(() => window.seen.syncStarted), 1);
  } finally {
    await context.close();
  }
});

test('a dedicated Web Worker hosts the client with IndexedDB; the page sees its data', async () => {
  const context = await h.browser.newContext();
  try {
    const page = await newPage(context);
    const cfg = cfgFor();
    const res = await page.evaluate((cfg) => new Promise((resolve) => {
      const w = new Worker('./worker.js', { type: 'module' });
      w.onmessage = (m) => { resolve(m.data); w.terminate(); };
      w.onerror = (e) => resolve({ ok: false, message: e.message });
      w.postMessage(cfg);
    }), cfg);
    assert.equal(res.ok, true, res.message);
    assert.equal(res.hasWindow, false);
    assert.equal(res.storage, 'object');
    assert.equal(res.stats.pushed, 1);
    assert.equal(res.rec.where, 'worker');
    assert.ok(res.rec.updatedAt);
    assert.ok(res.changes.includes('local'));

    await openIn(page, cfg);
    const rec = await page.evaluate(() => window.db.get('note', 'from-worker'));
    assert.equal(rec?.where, 'worker', 'the worker wrote to the shared IndexedDB database');
  } finally {
    await context.close();
  }
});

// putMany hands IndexedDB its records' JSON texts as offsync.js made them, and their UTF-8
// (idbstore.WithTexts): what it resolves with, and what is stored and read back, is what
// JSON.stringify gave, whatever the records hold.
test('IndexedDB storage: putMany stores its records as JSON.stringify gives them', async () => {
  const context = await h.browser.newContext();
  try {
    const page = await newPage(context);
    await openIn(page, cfgFor());
    const r = await page.evaluate(async () => {
      // The first record large: smaller ones go as one text (offsync.js recordTexts).
      const recs = [
        { id: 'u2', big: 'ü'.repeat(3000), arr: [new Date(1)] },
        { id: 'u1', s: 'é😀\u2028"\\', d: new Date(0), n: { a: [1, null, 'x', { deep: true }] }, gone: undefined },
        { id: 'u3', url: new URL('https://example.com/a?b') },
        { id: 'u5', wide: '日本語😀 '.repeat(400) }, // stored as its UTF-8 (idbstore/helpers.js pack)
      ];
      const many = await window.db.putMany('note', recs);
      const back = await Promise.all(recs.map((x) => window.db.get('note', x.id)));
      const old = { id: 'u4', toJSON: (k) => ({ id: 'u4', key: k }) }; // a toJSON, told its index
      const odd = await window.db.putMany('note', [old]);
      return { want: JSON.parse(JSON.stringify(recs)), many, back, odd, oddBack: await window.db.get('note', 'u4') };
    });
    assert.deepEqual(r.many, r.want);
    assert.deepEqual(r.back, r.want);
    assert.deepEqual(r.odd, [{ id: 'u4', key: '0' }]);
    assert.deepEqual(r.oddBack, { id: 'u4', key: '0' });
  } finally {
    await context.close();
  }
});

// A put of a record of 1 KB or more, whose row's data comes from the record's JS string (wasm
// putTextMin, idbstore.WithTexts; that it does is idbstore's TestWriteAheadStoresTheCallsText),
// written ahead as a create or read first as an edit: what put resolves with and what is read
// back is what JSON.stringify gave, and the edit coalesces into the create's op.
test('IndexedDB storage: a large put stores its record as JSON.stringify gives it', async () => {
  const context = await h.browser.newContext();
  try {
    const page = await newPage(context);
    await openIn(page, cfgFor());
    const r = await page.evaluate(async () => {
      const big = { id: 'p1', text: 'ü😀'.repeat(800), d: new Date(2), n: { a: [1, null, { deep: true }] }, gone: undefined };
      const put = await window.db.put('note', big);
      const back = await window.db.get('note', 'p1');
      const edit = { ...big, text: 'é'.repeat(2000) };
      const put2 = await window.db.put('note', edit);
      const back2 = await window.db.get('note', 'p1');
      const pending = await window.db.pendingCount();
      return { want: JSON.parse(JSON.stringify(big)), put, back, want2: JSON.parse(JSON.stringify(edit)), put2, back2, pending };
    });
    assert.deepEqual(r.put, r.want);
    assert.deepEqual(r.back, r.want);
    assert.deepEqual(r.put2, r.want2);
    assert.deepEqual(r.back2, r.want2);
    assert.equal(r.pending, 1, 'the edit coalesced into the create');
  } finally {
    await context.close();
  }
});
