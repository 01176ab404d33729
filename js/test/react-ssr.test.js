// offsync/react under Node: a server render (react-dom/server) of components using the hooks
// shows "not loaded yet" instead of throwing, with no database and with a real (memory) one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
