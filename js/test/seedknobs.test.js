// The seed's knobs and events (JS-API.md "Seed parity additions and bindings") through the
// public API against the real reference server: per-kind mergeFunction and conflictResolver,
// merge without a mergeFunction, maxConflictRetries, sync({pushKinds, pullKinds}), the push
// soon after local writes while auto sync runs (pushDebounceMs), and the events
// operationPushed, operationFailed, conflictUnresolved, dataMerged and error {phase, statusCode}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { merges as fromModule } from '../merges.js';
import { merges } from '../offsync.js';
import { eventually, nextEvent } from './support/server.js';
import { recorder } from './support/client.js';
import { serverFixture } from './support/fixtures.js';

const env = serverFixture();

const newTenant = (defaults) => env.tenant(defaults);

/** What the server holds for kind/id, seen by a fresh device of ten. */
async function serverCopy(ten, kind, id) {
  const c = await ten.open();
  await c.sync();
  return c.get(kind, id);
}

/**
 * Device A and device B share note c1 and task t1. A changes mood of both and syncs; B, with its
 * own options, changes notes and tags without having seen A's edit: B's next sync meets a 409
 * on each.
 */
async function conflictsOn(bOptions) {
  const ten = newTenant();
  const a = await ten.open();
  const b = await ten.open(bOptions);
  await a.put('note', { id: 'c1', mood: 1, notes: 'n0', tags: ['x'] });
  await a.put('task', { id: 't1', mood: 1, notes: 'n0' });
  await a.sync();
  await b.sync();
  const [note, task] = [await b.get('note', 'c1'), await b.get('task', 't1')];
  for (const [kind, rec] of [['note', await a.get('note', 'c1')], ['task', await a.get('task', 't1')]]) {
    await a.put(kind, { ...rec, mood: 2, ...(kind === 'note' ? { tags: ['x', 'a'] } : {}) });
  }
  await a.sync();
  await b.put('note', { ...note, notes: 'mine', tags: ['x', 'b'] });
  await b.put('task', { ...task, notes: 'mine' });
  return { a, b, ten };
}

const pick = (r) => r && { mood: r.mood, notes: r.notes };

test('merges is exported by offsync.js with the plain-JS module\'s helpers', () => {
  // offsync.js wraps them only to make their errors OffsyncError instances (merges.test.js).
  assert.deepEqual(Object.keys(merges), Object.keys(fromModule));
  assert.deepEqual(merges.shallow({ a: 1 }, { a: 2, b: 3 }), fromModule.shallow({ a: 1 }, { a: 2, b: 3 }));
  assert.deepEqual(merges.preserving({ mood: 5, id: 'x' }, { id: 's', mood: 3, energy: 7 }, ['mood', 'id']), { id: 's', mood: 5, energy: 7 });
});

test('tableConflictConfigs: per-kind mergeFunction and conflictResolver, strategy defaulting to conflictStrategy', async () => {
  const calls = [];
  const { b, ten } = await conflictsOn({
    conflictStrategy: 'merge',
    mergeFunction: () => { calls.push('global merge'); return null; },
    conflictResolver: () => { calls.push('global resolver'); return { action: 'defer' }; },
    tableConflictConfigs: {
      note: { mergeFunction: (local, srv, c) => { calls.push(`note merge ${c.kind}/${c.entityId}`); return merges.preserving(local, srv, c.changedFields); } },
      task: {
        strategy: 'manual',
        conflictResolver: async (c) => {
          calls.push(`task resolver ${c.kind}/${c.entityId}`);
          return { action: 'merged', data: { ...c.server, notes: c.local.notes + '+task' } };
        },
      },
    },
  });
  const stats = await b.sync();
  assert.equal(stats.conflicts, 2);
  assert.equal(stats.conflictsResolved, 2);
  assert.deepEqual(calls.sort(), ['note merge note/c1', 'task resolver task/t1']);
  const note = await serverCopy(ten, 'note', 'c1');
  assert.deepEqual(pick(note), { mood: 2, notes: 'mine' });
  assert.deepEqual(note.tags, ['x', 'a', 'b'], 'merges.preserving unioned the lists');
  assert.deepEqual(pick(await serverCopy(ten, 'task', 't1')), { mood: 2, notes: 'mine+task' });
});

test('merge without a mergeFunction takes the default merge (the server record, local fields over it)', async () => {
  const { b, ten } = await conflictsOn({ conflictStrategy: 'merge' });
  const stats = await b.sync();
  assert.equal(stats.conflictsResolved, 2);
  // B's records carry mood 1 (not seen A's 2): the flat merge puts every local field over the server's.
  assert.deepEqual(pick(await serverCopy(ten, 'task', 't1')), { mood: 1, notes: 'mine' });
  assert.deepEqual((await serverCopy(ten, 'note', 'c1')).tags, ['x', 'b']);
  assert.deepEqual(pick(await b.get('task', 't1')), { mood: 1, notes: 'mine' }, 'local equals server');
});

test('bad tableConflictConfigs, maxConflictRetries and pushDebounceMs are invalid', async () => {
  const ten = newTenant();
  for (const extra of [
    { tableConflictConfigs: { note: { mergeFunction: 'x' } } },
    { tableConflictConfigs: { note: { conflictResolver: 1 } } },
    { tableConflictConfigs: { note: 'merge' } },
    { tableConflictConfigs: { other: { mergeFunction: () => ({}) } } },
    { tableConflictConfigs: { other: {} } },
    { tableConflictConfigs: { note: { strategy: 'nope' } } },
    { maxConflictRetries: 0 },
    { pushDebounceMs: 'soon' },
    // Past the timers' range setTimeout fires after 1 ms: a push at once.
    { pushDebounceMs: Infinity },
    { pushDebounceMs: 2 ** 31 },
  ]) {
    await assert.rejects(ten.open(extra), (e) => e.code === 'invalid', `${JSON.stringify(Object.keys(extra))}: ${Object.values(extra)[0]}`);
  }
});

test('maxConflictRetries: an op whose conflict keeps coming back is parked after that many re-pushes', async () => {
  const ten = newTenant();
  const a = await ten.open();
  await a.put('note', { id: 'r1', v: 0 });
  await a.sync();
  let round = 0;
  // Each resolution races another write of A: the re-push meets a 409 again.
  const b = await ten.open({
    conflictStrategy: 'manual',
    maxConflictRetries: 2,
    conflictResolver: async () => {
      round += 1;
      await a.put('note', { ...(await a.get('note', 'r1')), v: 100 + round });
      await a.sync();
      return { action: 'acceptClient' };
    },
  });
  await b.sync();
  await b.put('note', { ...(await b.get('note', 'r1')), mine: true });
  await a.put('note', { ...(await a.get('note', 'r1')), v: 1 });
  await a.sync();
  const rec = recorder(b, ['opParked', 'operationFailed']);
  const stats = await b.sync();
  assert.equal(round, 2, 'resolved (and re-pushed) twice');
  assert.equal(stats.conflicts, 3, 'the third conflict parks the op');
  await eventually(() => rec.seen.length >= 2, 5000, 'opParked and operationFailed');
  assert.equal(rec.seen.find((e) => e.type === 'opParked').detail.parked.status, 409);
  const failed = rec.seen.find((e) => e.type === 'operationFailed').detail;
  assert.equal(failed.statusCode, 409);
  assert.equal(failed.error.code, 'conflict');
  assert.equal((await b.parked()).length, 1, 'kept, never dropped');
  assert.equal(await b.pendingCount(), 0);
});

test('sync({ pushKinds, pullKinds }) narrows each phase; kinds with either is invalid', async () => {
  const ten = newTenant();
  const other = await ten.open();
  await other.put('note', { id: 'remote-n' });
  await other.put('task', { id: 'remote-t' });
  await other.sync();

  const db = await ten.open();
  await db.put('note', { id: 'n1' });
  await db.put('task', { id: 't1' });
  let stats = await db.sync({ pushKinds: ['note'], pullKinds: [] });
  assert.equal(stats.pushed, 1);
  assert.equal(stats.pulled, 0, 'push only');
  assert.equal(await db.get('note', 'remote-n'), undefined);
  assert.equal(await db.pendingCount(), 1, 'the task op waits');

  stats = await db.sync({ pushKinds: [], pullKinds: ['task'] });
  assert.equal(stats.pushed, 0);
  assert.ok(await db.get('task', 'remote-t'), 'task pulled');
  assert.equal(await db.get('note', 'remote-n'), undefined, 'note not pulled');

  stats = await db.sync({ pullKinds: ['note'] });
  assert.equal(stats.pushed, 1, 'pushKinds unset: every kind pushed');
  assert.ok(await db.get('note', 'remote-n'));
  assert.equal(await db.pendingCount(), 0);

  for (const opts of [{ kinds: ['note'], pushKinds: ['note'] }, { kinds: ['task'], pullKinds: [] }, { pushKinds: ['nope'] }, { pullKinds: 'note' }]) {
    await assert.rejects(db.sync(opts), (e) => e.code === 'invalid', JSON.stringify(opts));
  }
});

test('operationPushed: one per acknowledged op, with its HTTP status', async () => {
  const db = await newTenant().open();
  await db.put('note', { id: 'p1' });
  await db.put('task', { id: 'p2' });
  const ops = await db.outbox();
  const rec = recorder(db, ['operationPushed', 'operationFailed']);
  await db.sync();
  await eventually(() => rec.seen.length >= 2, 5000, 'two operationPushed');
  const got = rec.seen.map((e) => e.detail).sort((x, y) => x.id.localeCompare(y.id));
  assert.deepEqual(got, [
    { kind: 'note', id: 'p1', opId: ops.find((o) => o.id === 'p1').opId, statusCode: 201 },
    { kind: 'task', id: 'p2', opId: ops.find((o) => o.id === 'p2').opId, statusCode: 201 },
  ]);
  await db.put('note', { ...(await db.get('note', 'p1')), v: 2 });
  await db.delete('task', 'p2');
  await db.sync();
  await eventually(() => rec.seen.length >= 4, 5000, 'two more');
  assert.deepEqual(rec.seen.slice(2).map((e) => e.detail.statusCode), [200, 200]);
  assert.ok(rec.seen.every((e) => e.type === 'operationPushed'));
});

test('operationFailed: a refused op (413) is parked; the others go on', async () => {
  const db = await newTenant().open();
  await db.put('note', { id: 'too-big', s: 'x'.repeat(1_200_000) }); // over the server's 1 MiB
  await db.put('note', { id: 'fine' });
  const rec = recorder(db, ['operationFailed', 'operationPushed', 'opParked']);
  const stats = await db.sync();
  assert.equal(stats.pushed, 1);
  await eventually(() => rec.seen.length >= 3, 5000, 'events');
  const failed = rec.seen.filter((e) => e.type === 'operationFailed').map((e) => e.detail);
  assert.equal(failed.length, 1);
  assert.equal(failed[0].kind, 'note');
  assert.equal(failed[0].id, 'too-big');
  assert.equal(failed[0].statusCode, 413);
  assert.equal(failed[0].error.code, 'invalid');
  assert.equal(failed[0].error.name, 'OffsyncError');
  assert.equal(typeof failed[0].opId, 'string');
  assert.equal(rec.seen.find((e) => e.type === 'operationPushed').detail.id, 'fine');
  assert.equal((await db.parked())[0].op.opId, failed[0].opId);
});

test('an HTTP failure: operationFailed per op and an error event with phase and statusCode', async () => {
  const ten = newTenant();
  const db = await ten.open({ token: () => '' }); // no Authorization: the server answers 401
  const rec = recorder(db, ['error', 'operationFailed']);
  await assert.rejects(db.sync(), (e) => e.code === 'auth');
  await eventually(() => rec.seen.some((e) => e.type === 'error'), 5000, 'error event');
  assert.deepEqual(rec.seen.filter((e) => e.type === 'operationFailed'), [], 'nothing to push: nothing failed');
  const pullErr = rec.seen.find((e) => e.type === 'error').detail;
  assert.equal(pullErr.phase, 'pull');
  assert.equal(pullErr.statusCode, 401);
  assert.equal(pullErr.error.code, 'auth');

  await db.put('note', { id: 'q1' });
  await db.put('note', { id: 'q2' });
  rec.seen.length = 0;
  await assert.rejects(db.sync(), (e) => e.code === 'auth');
  await eventually(() => rec.seen.some((e) => e.type === 'error'), 5000, 'error event');
  const failed = rec.seen.filter((e) => e.type === 'operationFailed').map((e) => e.detail);
  assert.deepEqual(failed.map((f) => f.id).sort(), ['q1', 'q2'], 'one per op of the refused request');
  assert.ok(failed.every((f) => f.statusCode === 401 && f.error.code === 'auth'));
  const pushErr = rec.seen.find((e) => e.type === 'error').detail;
  assert.deepEqual([pushErr.phase, pushErr.statusCode], ['push', 401]);
  assert.equal(await db.pendingCount(), 2, 'nothing dropped');

  // No HTTP answer at all: no statusCode.
  const down = await ten.open({ baseUrl: 'http://127.0.0.1:1' });
  const downRec = recorder(down, ['error']);
  await assert.rejects(down.sync(), (e) => e.code === 'network');
  await eventually(() => downRec.seen.length > 0, 5000, 'error event');
  assert.equal(downRec.seen[0].detail.phase, 'pull');
  assert.equal(downRec.seen[0].detail.statusCode, undefined);
});

test('conflictUnresolved: a deferred conflict says so', async () => {
  const { b } = await conflictsOn({ conflictStrategy: 'manual', tableConflictConfigs: { task: { strategy: 'serverWins' } } });
  const rec = recorder(b, ['conflictUnresolved', 'conflictResolved']);
  await b.sync();
  await eventually(() => rec.seen.length >= 2, 5000, 'events');
  const un = rec.seen.filter((e) => e.type === 'conflictUnresolved');
  assert.equal(un.length, 1);
  assert.equal(un[0].detail.conflict.kind, 'note');
  assert.equal(un[0].detail.conflict.entityId, 'c1');
  assert.equal(un[0].detail.conflict.local.notes, 'mine');
  assert.equal((await b.conflicts())[0].id, un[0].detail.conflict.id);
});

test('dataMerged: autoPreserve says which fields came from where', async () => {
  const { b } = await conflictsOn({});
  const rec = recorder(b, ['dataMerged']);
  await b.sync();
  await eventually(() => rec.seen.length >= 2, 5000, 'two dataMerged');
  const byKind = Object.fromEntries(rec.seen.map((e) => [e.detail.kind, e.detail]));
  // B's put diffed its edit: notes and tags changed (mood did not: it is A's).
  assert.deepEqual(byKind.note, { kind: 'note', id: 'c1', localFields: ['notes', 'tags'], serverFields: ['mood', 'tags'] });
  assert.deepEqual(byKind.task, { kind: 'task', id: 't1', localFields: ['notes'], serverFields: ['mood'] });
});

test('startAuto pushes local writes soon (pushDebounceMs), a burst in one push, without sync()', async () => {
  const ten = newTenant();
  const db = await ten.open({ pushDebounceMs: 150 });
  const first = nextEvent(db, 'completed');
  db.startAuto({ intervalMs: 600_000 });
  await first; // the leading sync
  const rec = recorder(db, ['syncStarted', 'operationPushed']);
  for (let i = 0; i < 5; i++) await db.put('note', { id: `burst${i}` });
  await eventually(async () => (await db.pendingCount()) === 0, 10_000, 'the burst pushed');
  await eventually(() => rec.seen.filter((e) => e.type === 'operationPushed').length === 5, 5000, 'operationPushed x5');
  const started = rec.seen.filter((e) => e.type === 'syncStarted');
  assert.equal(started.length, 1, 'one push for the burst');
  assert.deepEqual(started[0].detail.kinds, ['note', 'task']);
  assert.ok(await serverCopy(ten, 'note', 'burst4'), 'on the server');

  // enqueue (no 'change' event) is pushed soon too.
  await db.enqueue({ type: 'upsert', kind: 'task', id: 'enq', payload: { id: 'enq' } });
  await eventually(async () => (await db.pendingCount()) === 0, 10_000, 'the enqueued op pushed');

  // Stopped: writes wait for the app's sync().
  db.stopAuto();
  await db.put('note', { id: 'after-stop' });
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await db.pendingCount(), 1, 'not pushed after stopAuto');
  await db.sync();
  assert.equal(await db.pendingCount(), 0);
});

test('pushDebounceMs is on by default while auto sync runs, and 0 turns it off', async () => {
  const ten = newTenant();
  const on = await ten.open();
  const off = await ten.open({ pushDebounceMs: 0 });
  for (const db of [on, off]) {
    const first = nextEvent(db, 'completed');
    db.startAuto({ intervalMs: 600_000 });
    await first;
    await db.put('note', { id: db === on ? 'default-on' : 'off' });
  }
  await eventually(async () => (await on.pendingCount()) === 0, 10_000, 'the default debounce pushed');
  assert.equal(await off.pendingCount(), 1, 'pushDebounceMs 0: nothing pushed by itself');
  assert.ok(await serverCopy(ten, 'note', 'default-on'));
});
