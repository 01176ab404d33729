// sync() called while another sync runs: it joins that run only when the run covers its kinds
// and was not cancelled by its own caller (docs/DESIGN.md "Engine details"). Real reference
// server behind a proxy that slows one kind's requests, memory storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { serverFixture } from './support/fixtures.js';

const env = serverFixture();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A proxy to the reference server that holds requests whose path starts with a prefix of slow for its ms. */
async function delayingProxy(target, slow) {
  const t = new URL(target);
  const srv = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const ms = Object.entries(slow).find(([p]) => req.url.startsWith(p))?.[1] ?? 0;
      setTimeout(() => {
        const p = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (pr) => {
          res.writeHead(pr.statusCode, pr.headers);
          pr.pipe(res);
        });
        p.on('error', () => res.destroy());
        p.end(Buffer.concat(chunks));
      }, ms);
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${srv.address().port}`,
    close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }),
  };
}

test('sync({kinds}) that meets a running sync of other kinds syncs its own kinds after it', async () => {
  const px = await delayingProxy(env.server.baseUrl, { '/task': 600 });
  try {
    const db = await env.tenant(undefined, { baseUrl: px.baseUrl }).open();
    await db.put('note', { id: 'n1' });
    const tasks = db.sync({ kinds: ['task'] });
    await sleep(150);
    const stats = await db.sync({ kinds: ['note'] });
    await tasks;
    assert.equal(await db.pendingCount(), 0, `sync({kinds: ['note']}) resolved ${JSON.stringify(stats)} with the note op still pending`);
    assert.equal(stats.pushed, 1);
  } finally {
    await px.close();
  }
});

test('a sync() without a signal is not cancelled by the AbortSignal of the sync it met running', async () => {
  const px = await delayingProxy(env.server.baseUrl, { '/task': 600 });
  try {
    const db = await env.tenant(undefined, { baseUrl: px.baseUrl }).open();
    const ac = new AbortController();
    const first = db.sync({ signal: ac.signal }).then(() => 'ok', (e) => e.code);
    await sleep(150);
    const mine = db.sync().then(() => 'ok', (e) => e.code);
    await sleep(50);
    ac.abort();
    assert.equal(await first, 'cancelled');
    assert.equal(await mine, 'ok', 'the app\'s own sync() was cancelled by another call\'s signal');
  } finally {
    await px.close();
  }
});
