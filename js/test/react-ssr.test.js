// offsync/react under Node: a server render (react-dom/server) of components using the hooks
// shows "not loaded yet" instead of throwing, with no database and with a real (memory) one.
// Then the hooks' store logic against a stand-in React (useMemo runs its factory,
// useSyncExternalStore hands back {subscribe, getSnapshot}) and a fake database, so that the
// order of reads and events is the test's: react.js is copied unchanged beside the stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { open } from '../offsync.js';
import { useQuery, useRecord, useSyncStatus } from '../react.js';
import { unique } from './support/server.js';

function View({ db }) {
  const rows = useQuery(db, 'note');
  const one = useRecord(db, 'note', 'a');
  const status = useSyncStatus(db);
  return h('p', null, `${rows === undefined ? 'loading' : rows.length}|${one?.id ?? 'none'}|${status?.pending ?? '?'}`);
}

test('a server render shows the hooks as not loaded yet', async () => {
  assert.equal(renderToString(h(View, { db: null })), '<p>loading|none|?</p>');
  const db = await open({ name: unique('ssr'), baseUrl: 'http://127.0.0.1:9/', kinds: ['note'], storage: 'memory' });
  try {
    await db.put('note', { id: 'a' });
    assert.equal(renderToString(h(View, { db })), '<p>loading|none|?</p>', 'no subscription on the server');
  } finally {
    await db.close();
  }
});

const JS = join(dirname(fileURLToPath(import.meta.url)), '..');

async function sandbox(t, files) {
  const dir = await mkdtemp(join(tmpdir(), 'offsync-react-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const FAKE_REACT = {
  'node_modules/react/package.json': '{"name":"react","type":"module","main":"index.js"}',
  'node_modules/react/index.js': `
    export function useMemo(fn) { return fn(); }
    export function useSyncExternalStore(subscribe, getSnapshot) { return { subscribe, getSnapshot }; }
  `,
};

async function loadHooks(t) {
  const dir = await sandbox(t, { ...FAKE_REACT, 'react.js': await readFile(join(JS, 'react.js'), 'utf8') });
  return import(pathToFileURL(join(dir, 'react.js')).href);
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
}

const turn = () => new Promise((r) => setTimeout(r, 0));

function fakeDb() {
  const listeners = new Map();
  return {
    listeners,
    on(type, cb) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type).add(cb);
      return () => listeners.get(type).delete(cb);
    },
    emit(type, detail) { for (const cb of [...(listeners.get(type) ?? [])]) cb(detail); },
    watch() { return () => {}; },
  };
}

test('useSyncStatus: a db.status() read that resolves after a status event does not replace it', async (t) => {
  const { useSyncStatus } = await loadHooks(t);
  const db = fakeDb();
  const read = deferred();
  db.status = () => read.promise;
  const store = useSyncStatus(db);
  const off = store.subscribe(() => {});
  t.after(off);
  // The first status read is under way when a sync ends and says so.
  const latest = { online: true, syncing: false, pending: 0, lastSyncedAt: 2000 };
  db.emit('status', latest);
  assert.deepEqual(store.getSnapshot(), latest);
  // The read, begun before that sync ended, comes back with what was true then.
  read.resolve({ online: true, syncing: true, pending: 2, lastSyncedAt: 1000 });
  await turn();
  assert.deepEqual(store.getSnapshot(), latest,
    'the hook must show the latest status event, not an older db.status() read that resolved after it');
});

test('useRecord: a change during a read that fails is read again (a change during a read makes one more)', async (t) => {
  const { useRecord } = await loadHooks(t);
  const prev = globalThis.reportError;
  globalThis.reportError = () => {};
  t.after(() => { globalThis.reportError = prev; });
  const db = fakeDb();
  const first = deferred();
  const reads = [];
  db.get = (kind, id) => {
    reads.push(id);
    return reads.length === 1 ? first.promise : Promise.resolve({ id, v: 2 });
  };
  const store = useRecord(db, 'note', 'a');
  const off = store.subscribe(() => {});
  t.after(off);
  assert.equal(reads.length, 1);
  // The record changes while the first read runs; that read then fails (a passing storage error).
  db.emit('change', { kind: 'note', ids: ['a'], origin: 'sync' });
  first.reject(Object.assign(new Error('transaction aborted'), { code: 'storage' }));
  await turn();
  await turn();
  assert.equal(reads.length, 2, 'the change that came during the failed read must be read');
  assert.deepEqual(store.getSnapshot(), { id: 'a', v: 2 });
});
