// Cross-tab safety in headless Chromium (CONTRACT.md "Client-side handling of responses"):
// resolveConflict, retryParked and dropParked change the outbox, the conflicts and the refetch
// list that a sync reads and writes, so they wait while another tab's sync runs. Tab A's sync
// is held mid-pull by a small proxy in front of the real server; tab B's three calls must not
// settle until it is let go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { once } from 'node:events';
import { unique } from './support/server.js';
import { PACKAGE_FILES } from './support/modules.js';
import { browserFixture } from './support/fixtures.js';

const FILES = [
  ...PACKAGE_FILES,
  ['js/test/browser/page.html', 'page.html'],
];

let proxy;
const h = browserFixture({ prefix: 'offsync-static-', files: FILES }, {
  setUp: async () => { proxy = await startProxy(h.server.origin); },
  tearDown: () => proxy?.stop(),
});

/** A proxy to target that holds the requests hold(req) picks until release(). */
async function startProxy(target) {
  const held = [];
  const p = {
    hold: null,
    held,
    release() {
      p.hold = null;
      held.splice(0).forEach((go) => go());
    },
  };
  const srv = createServer((req, res) => {
    const forward = () => {
      const up = request(target + req.url, { method: req.method, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode, ur.headers);
        ur.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (p.hold?.(req)) held.push(forward);
    else forward();
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  p.origin = `http://127.0.0.1:${srv.address().port}`;
  p.stop = () => {
    p.release();
    srv.closeAllConnections();
    srv.close();
  };
  return p;
}

async function openTab(context, cfg) {
  const page = await h.newPage(context, '/page.html', { origin: proxy.origin });
  await page.evaluate(async (cfg) => {
    window.db = await window.offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0 });
  }, cfg);
  return page;
}

async function until(fn, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('resolveConflict, retryParked and dropParked wait while another tab syncs', async () => {
  const context = await h.browser.newContext();
  try {
    const cfg = { name: unique('idb'), baseUrl: proxy.origin + '/api', token: 'Bearer ' + unique('tok'), conflictStrategy: 'manual' };
    const a = await openTab(context, cfg);
    const b = await openTab(context, cfg);

    // In tab B: two ops the server refuses (over its 1 MiB body limit) are parked, and an edit
    // that meets another device's change is a deferred conflict.
    const setup = await b.evaluate(async () => {
      const db = window.db;
      const pad = 'x'.repeat((1 << 20) + 10);
      await db.put('note', { id: 'big1', pad });
      await db.put('note', { id: 'big2', pad });
      await db.put('note', { id: 'c1', v: 0 });
      await db.sync();
      return { c1: await db.get('note', 'c1'), parked: (await db.parked()).map((p) => p.op.opId) };
    });
    assert.equal(setup.parked.length, 2, 'both big records were parked');
    const other = await fetch(`${h.server.baseUrl}/note/c1`, {
      method: 'PUT',
      headers: { authorization: cfg.token, 'content-type': 'application/json', 'x-idempotency-key': unique('k') },
      body: JSON.stringify({ id: 'c1', v: 'other device', _baseUpdatedAt: setup.c1.updatedAt }),
    });
    assert.equal(other.status, 200);
    const conflictId = await b.evaluate(async () => {
      await window.db.put('note', { id: 'c1', v: 'mine' });
      await window.db.sync();
      const cs = await window.db.conflicts();
      return cs.length === 1 ? cs[0].id : null;
    });
    assert.ok(conflictId, 'one deferred conflict');

    // Tab A syncs; its pull is held at the proxy.
    proxy.hold = (req) => req.method === 'GET' && req.url.startsWith('/api/note?');
    await a.evaluate(() => {
      window.synced = null;
      window.db.sync().then((s) => { window.synced = { s }; }, (e) => { window.synced = { error: e.code }; });
    });
    await until(() => proxy.held.length > 0, "tab A's pull to reach the proxy");

    await b.evaluate(({ conflictId, parked }) => {
      window.settled = [];
      const note = (name) => (v) => window.settled.push({ name, at: performance.timeOrigin + performance.now(), error: v?.code });
      window.db.resolveConflict(conflictId, { action: 'acceptClient' }).then(note('resolveConflict'), note('resolveConflict'));
      window.db.retryParked([parked[0]]).then(note('retryParked'), note('retryParked'));
      window.db.dropParked([parked[1]]).then(note('dropParked'), note('dropParked'));
    }, { conflictId, parked: setup.parked });
    await b.waitForTimeout(1000);
    assert.deepEqual(await b.evaluate(() => window.settled), [], "none ran during tab A's sync");

    // Read on B's own clock: its calls may only settle after tab A's sync is let go.
    const releasedAt = await b.evaluate(() => performance.timeOrigin + performance.now());
    proxy.release();
    await until(() => a.evaluate(() => window.synced !== null), "tab A's sync");
    const synced = await a.evaluate(() => window.synced);
    assert.equal(synced.error, undefined, 'tab A synced');
    await until(() => b.evaluate(() => window.settled.length === 3), "tab B's calls");
    const settled = await b.evaluate(() => window.settled);
    for (const s of settled) {
      assert.equal(s.error, undefined, `${s.name} succeeded`);
      assert.ok(s.at >= releasedAt, `${s.name} settled after tab A's sync was let go`);
    }

    const end = await b.evaluate(async () => ({
      conflicts: await window.db.conflicts(),
      parked: (await window.db.parked()).map((p) => p.op.id),
      outbox: (await window.db.outbox()).map((o) => o.id).sort(),
    }));
    assert.deepEqual(end.conflicts, []);
    assert.deepEqual(end.parked, []);
    assert.deepEqual(end.outbox, ['big1', 'c1'], 'the requeued op and the resolved edit wait for the next sync');
  } finally {
    await context.close();
  }
});
