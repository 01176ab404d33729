// The JS API against a backend built for the seed library (bin/offsync-seedserver): snake_case
// versions, PUT answered with the record, 204 or another body, DELETE answered 204, 409 bodies
// with "serverData", no /batch, no idempotency, 404 for soft-deleted records. Every strategy,
// deletes both ways and conflicts converge with nothing lost.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSeedServer } from './support/seedserver.js';
import { tenant } from './support/client.js';

const servers = [];
const tenants = [];
after(async () => {
  await Promise.all(tenants.map((t) => t.closeAll()));
  await Promise.all(servers.map((s) => s.stop()));
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh seed-style server and a factory of devices syncing with it. */
async function seedTenant(putAnswer = 'record', defaults = {}) {
  const server = await startSeedServer({ putAnswer });
  servers.push(server);
  const ten = tenant(server, defaults);
  tenants.push(ten);
  return { server, ten };
}

/** The server's live record (undefined on 404, which is how it answers for a soft-deleted one). */
async function serverRecord(server, id) {
  const res = await fetch(`${server.baseUrl}/note/${encodeURIComponent(id)}`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200);
  return res.json();
}

/** Every device holds exactly the server's live records, with nothing pending. */
async function assertConverged(server, ...devices) {
  const res = await fetch(`${server.baseUrl}/note?updatedSince=1970-01-01T00:00:00Z&limit=1000`);
  const { items } = await res.json();
  const live = items.filter((r) => r.deleted_at == null).sort((x, y) => (x.id < y.id ? -1 : 1));
  for (const d of devices) {
    assert.equal(await d.pendingCount(), 0, 'nothing pending');
    assert.deepEqual(await d.list('note'), live);
  }
  return live;
}

const strategies = [
  { name: 'autoPreserve', opts: {}, want: { mood: 2, notes: 'mine' } },
  { name: 'serverWins', opts: { conflictStrategy: 'serverWins' }, want: { mood: 2, notes: 'n0' } },
  { name: 'clientWins', opts: { conflictStrategy: 'clientWins' }, want: { mood: 1, notes: 'mine' } },
  { name: 'lastWriteWins', opts: { conflictStrategy: 'lastWriteWins' }, gapMs: 1100, want: { mood: 1, notes: 'mine' } },
  { name: 'merge', opts: { conflictStrategy: 'merge', mergeFunction: (local, server) => ({ ...server, notes: local.notes + '+merged' }) }, want: { mood: 2, notes: 'mine+merged' } },
  { name: 'manual', opts: { conflictStrategy: 'manual', conflictResolver: async (c) => ({ action: 'merged', data: { ...c.server, notes: 'manual' } }) }, want: { mood: 2, notes: 'manual' } },
];

for (const putAnswer of ['record', 'empty']) {
  for (const s of strategies) {
    test(`seed backend (PUT answers ${putAnswer}): ${s.name} resolves the 409 and both devices converge`, async () => {
      const { server, ten } = await seedTenant(putAnswer);
      const a = await ten.open();
      const b = await ten.open(s.opts);
      await a.put('note', { id: 'c1', mood: 1, notes: 'n0' });
      await a.sync();
      await b.sync();
      const base = await b.get('note', 'c1');
      assert.match(base.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(\d{3})?Z$/, 'the seed\'s record as sent');
      await a.put('note', { ...(await a.get('note', 'c1')), mood: 2 });
      await a.sync();
      await sleep(s.gapMs ?? 0);
      await b.put('note', { ...base, notes: 'mine' });
      const stats = await b.sync();
      assert.equal(stats.conflicts, 1, 'the server answered 409 with serverData');
      await a.sync();
      await b.sync();
      const got = await serverRecord(server, 'c1');
      assert.deepEqual({ mood: got.mood, notes: got.notes }, s.want);
      await assertConverged(server, a, b);
    });
  }
}

test('seed backend: manual without a resolver defers; the later resolution goes through', async () => {
  const { server, ten } = await seedTenant('empty');
  const a = await ten.open();
  const b = await ten.open({ conflictStrategy: 'manual' });
  await a.put('note', { id: 'm1', v: 0 });
  await a.sync();
  await b.sync();
  await a.put('note', { ...(await a.get('note', 'm1')), v: 1 });
  await a.sync();
  await b.put('note', { ...(await b.get('note', 'm1')), v: 2 });
  await b.sync();
  const [c] = await b.conflicts();
  assert.equal(c.entityId, 'm1');
  assert.equal((await serverRecord(server, 'm1')).v, 1, 'nothing pushed over the server');
  await b.resolveConflict(c.id, { action: 'acceptClient' });
  await b.sync();
  await a.sync();
  assert.equal((await serverRecord(server, 'm1')).v, 2);
  await assertConverged(server, a, b);
});

test('seed backend: deletes both ways, and a delete meeting an edit', async () => {
  const { server, ten } = await seedTenant('record');
  const a = await ten.open();
  const b = await ten.open();
  for (const id of ['d1', 'd2', 'd3', 'd4']) await a.put('note', { id, v: 0 });
  await a.sync();
  await b.sync();

  // plain deletes made on either device reach the other
  await a.delete('note', 'd1');
  await b.delete('note', 'd2');
  assert.equal((await a.sync()).conflicts, 0);
  assert.equal((await b.sync()).conflicts, 0);
  await a.sync();
  assert.equal(await b.get('note', 'd1'), undefined);
  assert.equal(await a.get('note', 'd2'), undefined);
  assert.equal(await serverRecord(server, 'd1'), undefined);

  // B deletes d3 without having seen A's edit: the delete's base (sent as X-Base-Updated-At,
  // which this backend reads) is stale, a 409; under autoPreserve the edit survives.
  await a.put('note', { ...(await a.get('note', 'd3')), v: 1 });
  await a.sync();
  await b.delete('note', 'd3');
  assert.equal((await b.sync()).conflicts, 1);
  assert.equal((await serverRecord(server, 'd3')).v, 1);

  // A deletes d4; B edits it without having seen the delete: the edit revives it.
  await a.delete('note', 'd4');
  await a.sync();
  await b.put('note', { ...(await b.get('note', 'd4')), v: 2 });
  assert.equal((await b.sync()).conflicts, 1);
  await a.sync();
  assert.equal((await serverRecord(server, 'd4')).v, 2);
  assert.equal((await a.get('note', 'd4')).v, 2);
  const live = await assertConverged(server, a, b);
  assert.deepEqual(live.map((r) => r.id), ['d3', 'd4']);
});

for (const putAnswer of ['empty', 'other', 'echo']) {
  test(`seed backend (PUT answers ${putAnswer}): acknowledged writes are kept and the next edits meet no conflict`, async () => {
    const { server, ten } = await seedTenant(putAnswer);
    const a = await ten.open();
    const b = await ten.open();
    const ids = Array.from({ length: 25 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    await a.putMany('note', ids.map((id, i) => ({ id, v: i })));
    let stats = await a.sync();
    assert.equal(stats.pushed, 25, 'pushed one by one after /batch answered 404');
    assert.equal(stats.errors, 0);
    for (const id of ids) await a.put('note', { ...(await a.get('note', id)), edited: true });
    stats = await a.sync();
    assert.equal(stats.conflicts, 0, 'no 409 against the device\'s own writes');
    for (const id of ids.slice(0, 5)) await a.delete('note', id);
    stats = await a.sync();
    assert.equal(stats.conflicts, 0);
    await b.sync();
    const live = await assertConverged(server, a, b);
    assert.equal(live.length, 20);
    assert.ok(live.every((r) => r.edited === true));
  });
}
