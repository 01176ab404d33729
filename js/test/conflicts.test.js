// The six conflict strategies, JS merge functions and resolvers (sync and async, failing
// ones too), deferred conflicts and delete conflicts, against the real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './support/server.js';
import { recorder } from './support/client.js';
import { serverFixture } from './support/fixtures.js';

const env = serverFixture();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Device A and device B share note c1. A changes mood and syncs; then B, with its own options,
 * changes notes without having seen A's edit (bFirst: before A's edit). B's sync meets a 409.
 * gapMs spaces the edits: the server clock offset comes from whole-second HTTP Date headers.
 */
async function conflictOn(bOptions, { gapMs = 0, bFirst = false } = {}) {
  const ten = env.tenant();
  const a = await ten.open();
  const b = await ten.open(bOptions);
  await a.put('note', { id: 'c1', mood: 1, notes: 'n0', tags: ['x'] });
  await a.sync();
  await b.sync();
  const base = await b.get('note', 'c1');
  const editB = () => b.put('note', { ...base, notes: 'mine' });
  if (bFirst) await editB();
  await sleep(gapMs);
  await a.put('note', { ...(await a.get('note', 'c1')), mood: 2 });
  await a.sync();
  await sleep(gapMs);
  if (!bFirst) await editB();
  const rec = recorder(b, ['conflict', 'conflictResolved', 'error']);
  return { a, b, rec, ten };
}

/** What the server holds for c1, seen by a fresh device. */
async function serverCopy(ten) {
  const c = await ten.open();
  await c.sync();
  return c.get('note', 'c1');
}

const pick = (r) => r && { mood: r.mood, notes: r.notes };

const strategies = [
  { name: 'autoPreserve keeps both edits', opts: {}, want: { mood: 2, notes: 'mine' } },
  { name: 'serverWins drops the local edit (and says so)', opts: { conflictStrategy: 'serverWins' }, want: { mood: 2, notes: 'n0' }, discards: 'notes' },
  { name: 'clientWins pushes the local record', opts: { conflictStrategy: 'clientWins' }, want: { mood: 1, notes: 'mine' } },
  { name: 'lastWriteWins: the later local edit wins', opts: { conflictStrategy: 'lastWriteWins' }, setup: { gapMs: 1100 }, want: { mood: 1, notes: 'mine' } },
  { name: 'lastWriteWins: the later server write wins', opts: { conflictStrategy: 'lastWriteWins' }, setup: { gapMs: 1100, bFirst: true }, want: { mood: 2, notes: 'n0' } },
  { name: 'per-kind override (tableConflictConfigs)', opts: { conflictStrategy: 'clientWins', tableConflictConfigs: { note: { strategy: 'serverWins' } } }, want: { mood: 2, notes: 'n0' } },
  {
    name: 'merge with a sync mergeFunction',
    opts: { conflictStrategy: 'merge', mergeFunction: (local, srv) => ({ ...srv, notes: local.notes + '+m' }) },
    want: { mood: 2, notes: 'mine+m' },
  },
  {
    name: 'merge with an async mergeFunction',
    opts: {
      conflictStrategy: 'merge',
      mergeFunction: async (local, srv) => { await new Promise((r) => setTimeout(r, 10)); return { ...srv, notes: local.notes + '+async' }; },
    },
    want: { mood: 2, notes: 'mine+async' },
  },
  {
    name: 'manual with an async resolver: merged',
    opts: {
      conflictStrategy: 'manual',
      conflictResolver: async (c) => {
        await new Promise((r) => setTimeout(r, 10));
        return { action: 'merged', data: { ...c.server, notes: c.local.notes + '+r' } };
      },
    },
    want: { mood: 2, notes: 'mine+r' },
  },
  { name: 'manual resolver: acceptServer', opts: { conflictStrategy: 'manual', conflictResolver: () => ({ action: 'acceptServer' }) }, want: { mood: 2, notes: 'n0' } },
  { name: 'manual resolver: acceptClient', opts: { conflictStrategy: 'manual', conflictResolver: () => ({ action: 'acceptClient' }) }, want: { mood: 1, notes: 'mine' } },
  { name: 'manual resolver: discard', opts: { conflictStrategy: 'manual', conflictResolver: () => ({ action: 'discard' }) }, want: { mood: 2, notes: 'n0' } },
];

for (const s of strategies) {
  test(s.name, async () => {
    const { b, rec, ten } = await conflictOn(s.opts, s.setup);
    const stats = await b.sync();
    assert.equal(stats.conflicts, 1, 'one conflict met');
    assert.equal(stats.conflictsResolved, 1, 'and resolved');
    assert.deepEqual(pick(await b.get('note', 'c1')), s.want, 'local copy');
    assert.deepEqual(pick(await serverCopy(ten)), s.want, 'server copy');
    assert.equal(await b.pendingCount(), 0);
    await eventually(() => rec.seen.some((e) => e.type === 'conflictResolved'), 5000, 'conflictResolved event');
    const ev = rec.seen.find((e) => e.type === 'conflict');
    assert.ok(ev, 'conflict event');
    assert.equal(ev.detail.conflict.kind, 'note');
    assert.equal(ev.detail.conflict.entityId, 'c1');
    assert.equal(ev.detail.conflict.server.mood, 2);
    assert.equal(ev.detail.conflict.local.notes, 'mine');
    const resolved = rec.seen.find((e) => e.type === 'conflictResolved').detail;
    assert.ok(resolved.resolution.action, 'the resolution is named');
    if (s.discards) assert.ok(resolved.discarded?.includes(s.discards), `discarded ${JSON.stringify(resolved.discarded)}`);
  });
}

test('manual without a resolver defers; resolveConflict settles it on the next sync', async () => {
  const { b, ten } = await conflictOn({ conflictStrategy: 'manual' });
  const stats = await b.sync();
  assert.equal(stats.conflicts, 1);
  const conflicts = await b.conflicts();
  assert.equal(conflicts.length, 1);
  const c = conflicts[0];
  assert.equal(c.entityId, 'c1');
  assert.equal(c.local.notes, 'mine');
  assert.equal(c.server.mood, 2);
  assert.equal(await b.pendingCount(), 1, 'the op stays in the outbox');
  await b.sync();
  assert.equal((await b.conflicts()).length, 1, 'still deferred after another sync');
  await b.resolveConflict(c.id, { action: 'merged', data: { ...c.server, notes: 'both' } });
  await b.sync();
  assert.deepEqual(await b.conflicts(), []);
  assert.deepEqual(pick(await serverCopy(ten)), { mood: 2, notes: 'both' });
});

for (const [name, fail] of [
  ['throws', () => { throw new Error('merge exploded'); }],
  ['rejects', async () => { throw new Error('merge rejected'); }],
  ['returns junk', () => 42],
]) {
  test(`a mergeFunction that ${name} defers the conflict with an error event, no crash`, async () => {
    const { b } = await conflictOn({ conflictStrategy: 'merge', mergeFunction: fail });
    await b.sync().catch((e) => assert.ok(e.code, 'a categorised error'));
    await eventually(() => b.conflicts().then((c) => c.length === 1), 5000, 'deferred conflict');
    assert.equal(await b.pendingCount(), 1, 'the local edit is kept');
    assert.equal((await b.get('note', 'c1')).notes, 'mine');
    const errs = [];
    b.on('error', (e) => errs.push(e.error));
    await b.sync().catch(() => {});
    await eventually(() => errs.length > 0, 5000, 'error event');
    assert.equal(typeof errs[0].code, 'string');
    await b.put('task', { id: 'alive' });
    assert.ok(await b.get('task', 'alive'), 'the instance still works');
  });
}

test('a conflictResolver that throws defers the conflict', async () => {
  const { b } = await conflictOn({ conflictStrategy: 'manual', conflictResolver: () => { throw new Error('nope'); } });
  await b.sync().catch(() => {});
  await eventually(() => b.conflicts().then((c) => c.length === 1), 5000, 'deferred conflict');
  assert.equal((await b.get('note', 'c1')).notes, 'mine');
});

// What the app's callbacks return is checked as put checks a record: plain JSON would push NaN
// as null and a Set as {}.
for (const [name, opts] of [
  ['mergeFunction', { conflictStrategy: 'merge', mergeFunction: (local, server) => ({ ...server, ...local, score: NaN, tags: new Set(['x']) }) }],
  ['conflictResolver', { conflictStrategy: 'manual', conflictResolver: (c) => ({ action: 'merged', data: { ...c.server, ...c.local, score: NaN, tags: new Set(['x']) } }) }],
]) {
  test(`a ${name} returning values JSON cannot hold (NaN, a Set) defers the conflict with an error event`, async () => {
    const { b, rec } = await conflictOn(opts);
    await b.sync().catch(() => {});
    await eventually(() => b.conflicts().then((c) => c.length === 1), 5000, 'deferred conflict');
    const stored = await b.get('note', 'c1');
    assert.deepEqual([stored.notes, stored.score, stored.tags], ['mine', undefined, ['x']], 'the local edit is kept as it was');
    await eventually(() => rec.seen.some((e) => e.type === 'error'), 5000, 'error event');
    assert.match(rec.seen.find((e) => e.type === 'error').detail.error.message, /tags is a Set/);
  });
}

test('resolveConflict refuses merged data JSON cannot hold (NaN, a Uint8Array) with invalid, changing nothing', async () => {
  const { b } = await conflictOn({ conflictStrategy: 'manual' });
  await b.sync();
  const [c] = await b.conflicts();
  const data = { ...c.server, notes: 'both', score: NaN, photo: new Uint8Array([1, 2]) };
  await assert.rejects(b.resolveConflict(c.id, { action: 'merged', data }), (e) => e.code === 'invalid' && /score is NaN/.test(e.message));
  assert.equal((await b.conflicts()).length, 1, 'still deferred');
  assert.equal((await b.get('note', 'c1')).score, undefined);
});

test('delete conflicts under autoPreserve: the edit survives either way', async () => {
  const ten = env.tenant();
  const a = await ten.open();
  const b = await ten.open();
  await a.putMany('note', [{ id: 'd1', v: 0 }, { id: 'd2', v: 0 }]);
  await a.sync();
  await b.sync();

  // Local delete (b) vs remote edit (a).
  await a.put('note', { ...(await a.get('note', 'd1')), v: 1 });
  await a.sync();
  await b.delete('note', 'd1');
  const rec = recorder(b, ['conflictResolved']);
  await b.sync();
  assert.equal((await b.get('note', 'd1'))?.v, 1, 'the remote edit came back');
  await eventually(() => rec.seen.length > 0, 5000, 'conflictResolved');
  assert.ok(rec.seen[0].detail.discarded?.includes('delete'), 'the event says the delete lost');

  // Remote delete (a) vs local edit (b).
  await a.delete('note', 'd2');
  await a.sync();
  await b.put('note', { ...(await b.get('note', 'd2')), v: 2 });
  await b.sync();
  assert.equal((await b.get('note', 'd2'))?.v, 2);
  await a.sync();
  assert.equal((await a.get('note', 'd2'))?.v, 2, 'the edit revived the record on the server');
});

test('serverWins against a remote delete removes the local copy', async () => {
  const ten = env.tenant();
  const a = await ten.open();
  const b = await ten.open({ conflictStrategy: 'serverWins' });
  await a.put('note', { id: 'g1', v: 0 });
  await a.sync();
  await b.sync();
  await a.delete('note', 'g1');
  await a.sync();
  await b.put('note', { ...(await b.get('note', 'g1')), v: 5 });
  await b.sync();
  assert.equal(await b.get('note', 'g1'), undefined);
  assert.equal(await b.pendingCount(), 0);
});
