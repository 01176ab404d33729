// The JS package against a deliberately lying server (a tiny node:http one on 127.0.0.1): a pull
// page holding an unreadable item is applied without it, the item is set aside (db.setAside(),
// an 'error' event), and the cursor moves past it (CONTRACT.md "Client-side handling of
// responses"); a page repeating its token ends the sync with a protocol error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { open } from '../offsync.js';
import { eventually, unique } from './support/server.js';

const V1 = '2026-01-01T00:00:01Z';
const V3 = '2026-01-01T00:00:03Z';
let server;
let baseUrl;
let answer = () => ({ items: [], nextPageToken: null });
let requests = 0;

before(async () => {
  server = createServer((req, res) => {
    requests += 1;
    const url = new URL(req.url, 'http://x');
    const body = url.pathname === '/note' ? answer(url) : url.pathname === '/health' ? { status: 'ok' } : { items: [], nextPageToken: null };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server?.closeAllConnections();
  server?.close();
});

// A short request timeout: the Go runtime keeps a pending request-timeout timer alive after
// close, which would hold the test process open for the default 60 s.
const openDb = () => open({
  name: unique('db'), baseUrl, kinds: ['note', 'task'], storage: 'memory', token: () => 'Bearer t', maxRetries: 0,
  requestTimeoutMs: 10_000,
});

test('an unreadable pulled item is set aside; the rest of the page applies and the cursor moves past it', async () => {
  answer = (url) => (url.searchParams.get('afterId')
    ? { items: [], nextPageToken: null }
    : { items: [{ id: 'a', updatedAt: V1 }, { id: 'b', title: 'no version' }, { id: 'c', updatedAt: V3 }, { id: 'd', updatedAt: 7 }], nextPageToken: null });
  const db = await openDb();
  try {
    const errors = [];
    db.on('error', (e) => errors.push(e));
    const stats = await db.sync();
    assert.equal(stats.pulled, 2);
    assert.equal(stats.errors, 2);
    assert.deepEqual((await db.list('note')).map((r) => r.id), ['a', 'c']);
    const aside = await db.setAside();
    assert.deepEqual(aside.map(({ kind, id, updatedAt }) => ({ kind, id, updatedAt })),
      [{ kind: 'note', id: 'b', updatedAt: '' }, { kind: 'note', id: 'd', updatedAt: '' }]);
    assert.match(aside[0].reason, /updatedAt/);
    assert.ok(aside[0].seenAt > 0);
    // Events come in their own tasks, possibly after sync() resolved.
    await eventually(() => errors.length >= 2, 5_000, 'two error events');
    assert.equal(errors.length, 2);
    assert.equal(errors[0].error.code, 'protocol');
    assert.match(errors[0].error.message, /set aside/);
    assert.deepEqual((await db.cursors()).note, { updatedAt: V3, id: 'c' }, 'the cursor is past the bad items');
  } finally {
    await db.close();
  }
});

test('a page token that comes back ends the sync with a protocol error after a few requests', async () => {
  let n = 0;
  answer = () => {
    n += 1;
    return { items: [{ id: `x${n}`, updatedAt: `2026-01-01T00:00:${String(n).padStart(2, '0')}Z` }], nextPageToken: 'again' };
  };
  const db = await openDb();
  try {
    const from = requests;
    await assert.rejects(db.sync({ kinds: ['note'] }), (e) => e.code === 'protocol' && /does not move on/.test(e.message));
    assert.ok(requests - from <= 3, `${requests - from} requests`);
  } finally {
    await db.close();
  }
});
