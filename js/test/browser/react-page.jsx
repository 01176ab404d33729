// The React test page (react.test.js bundles it with esbuild: React from npm, offsync.js kept
// external and served beside it). window.app mounts components using the hooks on a real
// IndexedDB database and counts the database subscriptions they hold, so the test can see a
// rerender keep them and an unmount drop them.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import * as offsync from './offsync.js';
import { useQuery, useRecord, useSyncStatus } from '../../react.js';

const counts = { watchCalls: 0, watches: 0, listeners: 0, rows: 0, renders: 0 };

// Counts what the hooks hold of the real client: each wrapper calls the client's own method.
function instrument(db) {
  const watch = db.watch.bind(db);
  db.watch = (...args) => {
    const cb = args.pop();
    counts.watchCalls += 1;
    counts.watches += 1;
    const stop = watch(...args, (rows) => {
      counts.rows += 1;
      cb(rows);
    });
    return () => {
      counts.watches -= 1;
      stop();
    };
  };
  const on = db.on.bind(db);
  db.on = (type, cb) => {
    counts.listeners += 1;
    const off = on(type, cb);
    return () => {
      counts.listeners -= 1;
      off();
    };
  };
  return db;
}

function List({ db, query }) {
  counts.renders += 1;
  const rows = useQuery(db, 'note', query);
  if (rows === undefined) return <p id="list" data-loading="true">loading</p>;
  return (
    <ul id="list">
      {rows.map((r) => <li key={r.id} data-id={r.id}>{String(r.v)}</li>)}
    </ul>
  );
}

function One({ db, id }) {
  const rec = useRecord(db, 'note', id);
  return <p id="one">{rec === undefined ? 'none' : String(rec.v)}</p>;
}

function Status({ db }) {
  const s = useSyncStatus(db);
  return <p id="status" data-pending={s === undefined ? '' : String(s.pending)} data-syncing={String(!!s?.syncing)} />;
}

function App({ db, query, id }) {
  return (
    <>
      <List db={db} query={query} />
      <One db={db} id={id} />
      <Status db={db} />
    </>
  );
}

let root = null;
window.offsync = offsync;
window.app = {
  counts,
  /** Opens window.db (IndexedDB) and instruments it. */
  async open(cfg) {
    window.db = instrument(await offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0 }));
  },
  render(props) {
    root ??= createRoot(document.getElementById('root'));
    root.render(<StrictMode><App db={window.db} {...props} /></StrictMode>);
  },
  unmount() {
    root?.unmount();
    root = null;
  },
};
window.ready = true;
