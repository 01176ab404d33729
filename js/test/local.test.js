// The local half of the API (no server needed beyond open): writes, reads, outbox, invalid
// arguments and close, under Node with memory storage and the real sync.wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { open } from '../offsync.js';
import { repoRoot, unique } from './support/server.js';
import { serverFixture } from './support/fixtures.js';

const env = serverFixture();
const ten = env.tenant();

const rejectsWith = (p, code) => assert.rejects(p, (e) => {
  assert.equal(e.code, code, `code of ${e.message}`);
  assert.equal(typeof e.retryable, 'boolean');
  assert.ok(e instanceof Error);
  return true;
});

test('put, get, list, delete, putMany and the outbox', async () => {
  const db = await ten.open();
  const stored = await db.put('note', { id: 'n1', title: 'one', mood: 3 });
  assert.equal(stored.id, 'n1');
  assert.equal(stored.title, 'one');
  assert.deepEqual(await db.get('note', 'n1'), stored);
  assert.equal(await db.get('note', 'absent'), undefined);

  const many = await db.putMany('note', [{ id: 'n3', title: 'three' }, { id: 'n2', title: 'two' }]);
  assert.deepEqual(many.map((r) => r.id), ['n3', 'n2']);
  assert.deepEqual((await db.list('note')).map((r) => r.id), ['n1', 'n2', 'n3']);
  assert.deepEqual(await db.list('task'), []);

  await db.put('note', { id: 'n1', title: 'one!', mood: 3 }, { changedFields: ['title'] });
  assert.equal((await db.get('note', 'n1')).title, 'one!');
  assert.equal(await db.pendingCount(), 3, 'the second edit of n1 coalesces into its first op');
  const outbox = await db.outbox();
  assert.deepEqual(outbox.map((o) => [o.id, o.type]), [['n1', 'upsert'], ['n3', 'upsert'], ['n2', 'upsert']]);
  assert.ok(outbox.every((o) => typeof o.opId === 'string' && o.kind === 'note'));

  await db.delete('note', 'n2');
  assert.equal(await db.get('note', 'n2'), undefined, 'deleted records read as absent');
  assert.deepEqual((await db.list('note')).map((r) => r.id), ['n1', 'n3']);
  assert.equal(await db.pendingCount(), 2, 'a never-sent create and its delete cancel out');
  await db.delete('note', 'never-existed');
  assert.equal(await db.pendingCount(), 2, 'deleting an absent record adds no op');

  const st = await db.status();
  assert.equal(st.pending, 2);
  assert.equal(st.syncing, false);
  assert.deepEqual(await db.conflicts(), []);
  assert.deepEqual(await db.parked(), []);
  const cursors = await db.cursors();
  assert.ok(typeof cursors === 'object');
});

test('enqueue appends an app-made op with defaults', async () => {
  const db = await ten.open();
  const op = await db.enqueue({ type: 'upsert', kind: 'task', id: 't1', payload: { id: 't1', done: false } });
  assert.equal(op.kind, 'task');
  assert.equal(op.id, 't1');
  assert.match(op.opId, /^[0-9a-f-]{36}$/);
  assert.ok(op.localTimestamp > 0);
  assert.equal(await db.pendingCount(), 1);
  assert.equal(await db.get('task', 't1'), undefined, 'enqueue does not touch records');
  const del = await db.enqueue({ type: 'delete', kind: 'task', id: 't2', opId: 'my-op-id', localTimestamp: 5 });
  assert.equal(del.opId, 'my-op-id');
  assert.equal(del.localTimestamp, 5);
});

test('argument mistakes reject with invalid and the instance survives them', async () => {
  const db = await ten.open();
  const cases = [
    ['unknown kind', () => db.put('nope', { id: 'x' })],
    ['record without id', () => db.put('note', { title: 'no id' })],
    ['record not an object', () => db.put('note', 'text')],
    ['non-JSON value', () => db.put('note', { id: 'x', n: 1n })],
    ['undefined record', () => db.put('note', undefined)],
    ['id not a string', () => db.get('note', 42)],
    ['kind missing', () => db.delete(undefined, 'x')],
    ['bad kind name', () => db.list('Bad Kind')],
    ['putMany not an array', () => db.putMany('note', { id: 'x' })],
    ['putMany item without id', () => db.putMany('note', [{ id: 'ok' }, { nope: 1 }])],
    ['enqueue bad type', () => db.enqueue({ type: 'weird', kind: 'note', id: 'x' })],
    ['enqueue not an object', () => db.enqueue(null)],
    ['sync unknown kind', () => db.sync({ kinds: ['nope'] })],
    ['resolveConflict without resolution', () => db.resolveConflict('x')],
  ];
  for (const [name, call] of cases) {
    await rejectsWith(call(), 'invalid').catch((e) => { throw new Error(`${name}: ${e.message}`); });
  }
  assert.equal(await db.get('note', 'ok'), undefined, 'a failed putMany writes nothing');
  for (const [name, call] of [
    ['watch unknown kind', () => db.watch('nope', () => {})],
    ['watch without callback', () => db.watch('note')],
    ['on unknown event', () => db.on('bogus', () => {})],
    ['startAuto negative interval', () => db.startAuto({ intervalMs: -1 })],
    // setInterval fires every 1 ms past 2^31 - 1 ms.
    ['startAuto infinite interval', () => db.startAuto({ intervalMs: Infinity })],
    ['startAuto interval past the timer range', () => db.startAuto({ intervalMs: 2 ** 31 })],
  ]) {
    assert.throws(call, (e) => e.code === 'invalid', name);
  }
  await db.put('note', { id: 'still', ok: true });
  assert.deepEqual(await db.get('note', 'still'), { id: 'still', ok: true });
});

test('open rejects bad options with invalid', async () => {
  const base = { name: unique('db'), baseUrl: env.server.baseUrl, kinds: ['note'], storage: 'memory' };
  const cases = [
    ['no options', undefined],
    ['no name', { ...base, name: '' }],
    ['no kinds', { ...base, kinds: [] }],
    ['bad kind name', { ...base, kinds: ['Not-A-Kind'] }],
    ['bad storage', { ...base, storage: 'floppy' }],
    ['bad strategy', { ...base, conflictStrategy: 'coinFlip' }],
    ['bad table strategy', { ...base, tableConflictConfigs: { note: { strategy: 'x' } } }],
    ['token not a function', { ...base, token: 'abc' }],
    ['baseUrl not http', { ...base, baseUrl: 'ftp://x' }],
    ['negative pullConcurrency', { ...base, pullConcurrency: -1 }],
    // JSON would turn a NaN or infinite tuning number into null: the default.
    ...['pageSize', 'maxRetries', 'backoffMinMs', 'requestTimeoutMs', 'fullResyncIntervalMs'].map((k) => [`NaN ${k}`, { ...base, [k]: NaN }]),
    ['infinite backoffMaxMs', { ...base, backoffMaxMs: Infinity }],
    ['-Infinity fullResyncIntervalMs', { ...base, fullResyncIntervalMs: -Infinity }],
    // Request paths are appended to baseUrl.
    ['baseUrl with a query', { ...base, baseUrl: env.server.baseUrl + '?v=1' }],
    ['baseUrl with a fragment', { ...base, baseUrl: new URL(env.server.baseUrl + '#app') }],
  ];
  for (const [name, opts] of cases) {
    await rejectsWith(open(opts), 'invalid').catch((e) => { throw new Error(`${name}: ${e.message}`); });
  }
});

test('ids and op ids with lone surrogates are refused with invalid (Go would read them as U+FFFD, one id)', async () => {
  const db = await ten.open();
  const cases = [
    ['put', () => db.put('note', { id: '\ud800' })],
    ['put of a lone low surrogate', () => db.put('note', { id: 'a\udfff' })],
    ['putMany', () => db.putMany('note', [{ id: 'ok' }, { id: '\udc00b' }])],
    ['get', () => db.get('note', '\ud800')],
    ['delete', () => db.delete('note', '\ud800')],
    ['enqueue id', () => db.enqueue({ type: 'delete', kind: 'note', id: '\ud800' })],
    ['enqueue opId', () => db.enqueue({ type: 'delete', kind: 'note', id: 'x', opId: 'op\ud800' })],
    ['enqueue payload id', () => db.enqueue({ type: 'upsert', kind: 'note', id: 'x', payload: { id: '\ud800' } })],
    ['retryParked', () => db.retryParked(['\udfff'])],
  ];
  for (const [name, call] of cases) {
    await rejectsWith(call(), 'invalid').catch((e) => { throw new Error(`${name}: ${e.message}`); });
  }
  assert.equal(await db.pendingCount(), 0, 'nothing written');
  await db.putMany('note', [{ id: '\ufffd' }, { id: '\ud83d\ude00' }]);
  assert.deepEqual((await db.list('note')).map((r) => r.id).sort(), ['\ud83d\ude00', '\ufffd'], 'U+FFFD and surrogate pairs are ids');
});

test('a listener removed by an earlier listener of the same event is not called', async () => {
  const db = await ten.open();
  const calls = [];
  let offB = () => {};
  db.on('change', () => { calls.push('A'); offB(); });
  offB = db.on('change', () => calls.push('B'));
  await db.put('note', { id: 'x' });
  await db.put('note', { id: 'y' });
  assert.deepEqual(calls, ['A', 'A']);
});

test('calls after close reject with closed', async () => {
  const db = await open({ name: unique('db'), baseUrl: env.server.baseUrl, kinds: ['note'], storage: 'memory' });
  await db.put('note', { id: 'a' });
  await db.close();
  assert.equal(db.closed, true);
  await rejectsWith(db.get('note', 'a'), 'closed');
  await rejectsWith(db.put('note', { id: 'b' }), 'closed');
  await rejectsWith(db.sync(), 'closed');
  await rejectsWith(db.pendingCount(), 'closed');
  await db.close();
});

test('the package resolves by name, with its types, through exports', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'offsync-pkg-'));
  try {
    await mkdir(join(dir, 'node_modules'));
    await symlink(join(repoRoot, 'js'), join(dir, 'node_modules', 'offsync'), 'dir');
    await writeFile(join(dir, 'probe.mjs'),
      "const m = await import('offsync'); console.log(typeof m.open, import.meta.resolve('offsync'));");
    const { stdout } = await promisify(execFile)(process.execPath, ['probe.mjs'], { cwd: dir, timeout: 30_000 });
    assert.match(stdout.trim(), /^function file:\/\/.*\/offsync\.js$/);
    const pkg = JSON.parse(await readFile(join(repoRoot, 'js', 'package.json'), 'utf8'));
    assert.equal(pkg.type, 'module');
    for (const f of [pkg.exports['.'].types, pkg.exports['.'].default, ...pkg.files]) {
      await access(join(repoRoot, 'js', f));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('enqueue refuses an opId over 256 bytes with invalid, as the server would refuse it for good', async () => {
  const db = await env.tenant().open();
  const opId = 'o'.repeat(1000);
  const outcome = await db.enqueue({ type: 'upsert', kind: 'note', id: 'e1', payload: { id: 'e1' }, opId }).then(() => 'queued', (e) => e.code);
  if (outcome === 'queued') {
    await db.sync();
    const parked = await db.parked();
    assert.deepEqual(parked.map((p) => [p.status, p.reason]), [], 'the server refused the op the client accepted');
  }
  assert.equal(outcome, 'invalid');
});

test('put refuses an id with a NUL with invalid, as the server would refuse it for good', async () => {
  const db = await env.tenant().open();
  const outcome = await db.put('note', { id: 'a\u0000b' }).then(() => 'queued', (e) => e.code);
  if (outcome === 'queued') {
    await db.sync().catch(() => {});
    assert.deepEqual((await db.parked()).map((p) => [p.status, p.reason]), [], 'the server refused the op the client accepted');
  }
  assert.equal(outcome, 'invalid');
});
