// sync() against the real server: round trips, stats, events, watch, abort, auth failures,
// the server going down and coming back, auto sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, eventually, nextEvent } from './support/server.js';
import { recorder } from './support/client.js';
import { serverFixture } from './support/fixtures.js';

const env = serverFixture();
const newTenant = (defaults) => env.tenant(defaults);

test('two devices converge through sync; stats count what moved', async () => {
  const ten = newTenant();
  const a = await ten.open();
  const b = await ten.open();
  await a.putMany('note', [{ id: 'n1', t: 1 }, { id: 'n2', t: 2 }, { id: 'n3', t: 3 }]);
  await a.put('task', { id: 't1', done: false });
  const sa = await a.sync();
  assert.equal(sa.pushed, 4);
  assert.equal(sa.conflicts, 0);
  assert.equal(sa.errors, 0);
  assert.ok(sa.durationMs >= 0);
  assert.equal(await a.pendingCount(), 0);
  const n1 = await a.get('note', 'n1');
  assert.match(n1.updatedAt, /^\d{4}-\d\d-\d\dT/, 'the server version is written back');

  const sb = await b.sync();
  assert.equal(sb.pushed, 0);
  assert.equal(sb.pulled, 4);
  assert.deepEqual(await b.get('note', 'n1'), n1);
  assert.deepEqual((await b.list('note')).map((r) => r.id), ['n1', 'n2', 'n3']);
  const cursors = await b.cursors();
  assert.ok(cursors.note.updatedAt, 'the note cursor advanced');

  await b.delete('note', 'n2');
  await b.sync();
  await a.sync();
  assert.equal(await a.get('note', 'n2'), undefined, 'a pulled delete hides the record');
  assert.deepEqual((await a.list('note')).map((r) => r.id), ['n1', 'n3']);

  const again = await b.sync({ kinds: ['task'] });
  assert.equal(again.pulled, 0, 'nothing new');

  const full = await b.fullResync();
  assert.ok(full.pulled >= 3, 'a full resync pulls everything again');
  assert.deepEqual((await b.list('note')).map((r) => r.id), ['n1', 'n3']);
  await b.fullResync({ clearData: true });
  assert.deepEqual((await b.list('note')).map((r) => r.id), ['n1', 'n3']);
});

test('events: order and payloads of a sync, change origins, status', async () => {
  const ten = newTenant();
  const a = await ten.open();
  const b = await ten.open();
  const rec = recorder(a, ['syncStarted', 'progress', 'completed', 'change', 'status']);
  let targetEvents = 0;
  a.events.addEventListener('completed', (e) => { targetEvents += e.detail.stats ? 1 : 0; });
  await a.put('note', { id: 'e1', v: 1 });
  // The events a call causes are dispatched before its Promise settles.
  const local = rec.seen.find((e) => e.type === 'change');
  assert.deepEqual(local.detail, { kind: 'note', ids: ['e1'], origin: 'local' });

  const stats = await a.sync();
  const completed = rec.seen.find((e) => e.type === 'completed');
  assert.ok(completed, 'completed was dispatched before sync() resolved');
  assert.deepEqual(completed.detail.stats, stats);
  assert.equal(completed.detail.error, undefined);
  const types = rec.seen.map((e) => e.type);
  const started = types.indexOf('syncStarted');
  assert.ok(started >= 0, 'syncStarted fired');
  assert.ok(started < types.indexOf('completed'), 'syncStarted before completed');
  for (const p of rec.seen.filter((e) => e.type === 'progress')) {
    assert.ok(['push', 'pull'].includes(p.detail.phase));
    assert.ok(p.detail.done <= p.detail.total || p.detail.total === 0);
    const i = rec.seen.indexOf(p);
    assert.ok(i > started && i < types.indexOf('completed'), 'progress inside the run');
  }
  assert.ok(rec.seen.some((e) => e.type === 'status'), 'status events fired');
  const st = await a.status();
  assert.equal(st.online, true);
  assert.equal(st.pending, 0);
  assert.ok(st.lastSyncedAt > 0);
  assert.equal(targetEvents, 1, 'db.events (EventTarget) saw the completed event');

  const recB = recorder(b, ['change']);
  await b.sync();
  await eventually(() => recB.seen.find((e) => e.detail.origin === 'sync' && e.detail.ids.includes('e1')), 5000, 'sync change in b');
});

test('watch fires now, after local writes and after pulled changes', async () => {
  const ten = newTenant();
  const a = await ten.open();
  const b = await ten.open();
  const calls = [];
  const stop = a.watch('note', (records) => calls.push(records.map((r) => r.id)));
  await eventually(() => calls.length >= 1, 5000, 'initial watch call');
  assert.deepEqual(calls[0], []);
  await a.put('note', { id: 'w1' });
  await eventually(() => calls.at(-1)?.join() === 'w1', 5000, 'watch after put');
  await b.put('note', { id: 'w2' });
  await b.sync();
  await a.sync();
  await eventually(() => calls.at(-1)?.join() === 'w1,w2', 5000, 'watch after sync');
  stop();
  const n = calls.length;
  await a.put('note', { id: 'w3' });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(calls.length, n, 'no calls after stop');
});

test('an AbortSignal cancels a sync mid-run; nothing is lost', async () => {
  const ten = newTenant();
  const a = await ten.open({ pushBatchSize: 1 });
  const records = Array.from({ length: 200 }, (_, i) => ({ id: 'r' + String(i).padStart(3, '0'), i }));
  await a.putMany('note', records);
  const ac = new AbortController();
  const off = a.on('progress', (e) => { if (e.phase === 'push' && e.done >= 5) ac.abort(); });
  await assert.rejects(a.sync({ signal: ac.signal }), (e) => e.code === 'cancelled');
  off();
  const left = await a.pendingCount();
  assert.ok(left > 0 && left < 200, `the run stopped part-way (${left} left)`);
  await assert.rejects(a.sync({ signal: ac.signal }), (e) => e.code === 'cancelled', 'an aborted signal stops at once');
  await a.sync();
  assert.equal(await a.pendingCount(), 0);
  const b = await ten.open();
  await b.sync();
  assert.equal((await b.list('note')).length, 200, 'every record reached the server exactly once');
});

test('auth: a throwing or rejecting token provider and a 401 fail with auth, keeping the outbox', async () => {
  const ten = newTenant();
  const cases = [
    ['throws', () => { throw new Error('no session'); }],
    ['rejects', async () => { throw new Error('refresh failed'); }],
    ['no token (401)', undefined],
  ];
  for (const [name, token] of cases) {
    const db = await ten.open({ token });
    await db.put('note', { id: 'x' });
    const errors = [];
    db.on('error', (e) => errors.push(e.error));
    await assert.rejects(db.sync(), (e) => {
      assert.equal(e.code, 'auth', `${name}: ${e.message}`);
      assert.equal(e.retryable, false);
      assert.ok(e.stats, 'a failed sync carries its stats');
      return true;
    });
    assert.equal(await db.pendingCount(), 1, `${name}: nothing dropped`);
    await eventually(() => errors.length > 0, 5000, `${name}: error event`);
    assert.equal(errors[0].code, 'auth');
    assert.ok(errors[0] instanceof Error);
  }
  const ok = await ten.open({ token: async () => ten.token });
  await ok.put('note', { id: 'bare-token' });
  assert.equal((await ok.sync()).pushed, 1, 'an async provider returning a bare token works');
});

test('a token that is no valid header value (CR LF, past U+00FF) fails the sync with auth, not a retryable network error', async () => {
  const ten = newTenant();
  for (const [name, token] of [['CR LF', () => 'abc\r\nX-Other: 1'], ['non-Latin-1', () => 'Bearer tøken€']]) {
    const db = await ten.open({ token });
    await db.put('note', { id: 'x' });
    await assert.rejects(db.sync(), (e) => {
      assert.equal(e.code, 'auth', `${name}: ${e.message}`);
      assert.equal(e.retryable, false, name);
      return true;
    });
    assert.equal(await db.pendingCount(), 1, `${name}: nothing dropped`);
    await db.close();
  }
});

test('server down, then up again: network error, then the outbox drains', async () => {
  const own = await startServer();
  try {
    const ten = env.tenant(undefined, own);
    const db = await ten.open();
    await db.put('note', { id: 'd1' });
    await db.sync();
    await own.stop({ keepData: true });
    await db.put('note', { id: 'd2' });
    await assert.rejects(db.sync(), (e) => e.code === 'network' && e.retryable === true);
    assert.equal((await db.status()).online, false);
    assert.equal(await db.pendingCount(), 1);
    const again = await startServer({ addr: own.addr, dir: own.dir });
    try {
      const st = await db.sync();
      assert.equal(st.pushed, 1);
      assert.equal((await db.status()).online, true);
    } finally {
      await again.stop();
    }
  } finally {
    await own.stop();
  }
});

test('startAuto syncs by itself until stopAuto', async () => {
  const ten = newTenant();
  const a = await ten.open();
  await a.put('note', { id: 'auto1' });
  const done = nextEvent(a, 'completed', () => true, 10_000);
  a.startAuto({ intervalMs: 50 });
  await done;
  await eventually(async () => (await a.pendingCount()) === 0, 5000, 'auto sync pushed');
  a.stopAuto();
  await new Promise((r) => setTimeout(r, 100));
  const rec = recorder(a, ['syncStarted']);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rec.seen.length, 0, 'no sync after stopAuto');
});

test('close during a sync cancels it and later calls fail with closed', async () => {
  const ten = newTenant();
  const a = await ten.open({ pushBatchSize: 1 });
  await a.putMany('note', Array.from({ length: 100 }, (_, i) => ({ id: 'c' + i })));
  const running = a.sync();
  await nextEvent(a, 'progress', (e) => e.phase === 'push' && e.done >= 1);
  await a.close();
  await assert.rejects(running, (e) => ['cancelled', 'closed'].includes(e.code));
  await assert.rejects(a.list('note'), (e) => e.code === 'closed');
});

test('a second close() returns the first one\'s promise: it resolves once the running sync settled', async () => {
  const a = await newTenant().open({ pushBatchSize: 1 });
  await a.putMany('note', Array.from({ length: 50 }, (_, i) => ({ id: 'c' + i })));
  let settled = false;
  const running = a.sync().finally(() => { settled = true; }).catch(() => {});
  await nextEvent(a, 'progress', (e) => e.phase === 'push' && e.done >= 1);
  const first = a.close();
  assert.equal(a.close(), first);
  await a.close();
  assert.equal(settled, true, 'the second close() resolved while the sync it cancels was still running');
  await running;
});

test('a silent server: the request times out with timeout, retryable', async () => {
  const { createServer } = await import('node:http');
  const silent = createServer(() => {});
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const ten = env.tenant(undefined, { baseUrl: `http://127.0.0.1:${silent.address().port}` });
    const db = await ten.open({ requestTimeoutMs: 200 });
    await db.put('note', { id: 's1' });
    const t0 = Date.now();
    await assert.rejects(db.sync(), (e) => e.code === 'timeout' && e.retryable === true);
    assert.ok(Date.now() - t0 < 5000, 'bounded by requestTimeoutMs');
    assert.equal(await db.pendingCount(), 1);
  } finally {
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  }
});
