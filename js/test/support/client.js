// Opens memory databases of the JS package against a test server.
import { open } from '../../offsync.js';
import { unique } from './server.js';

export const KINDS = ['note', 'task'];

/** A tenant: its token and a factory of clients sharing it (two devices of one user). */
export function tenant(server, defaults = {}) {
  const token = unique('tok');
  const opened = [];
  return {
    token,
    async open(extra = {}) {
      const db = await open({
        name: unique('db'),
        baseUrl: server.baseUrl,
        kinds: KINDS,
        storage: 'memory',
        token: () => 'Bearer ' + token,
        maxRetries: 0,
        backoffMinMs: 1,
        backoffMaxMs: 5,
        ...defaults,
        ...extra,
      });
      opened.push(db);
      return db;
    },
    async closeAll() {
      await Promise.all(opened.map((db) => db.close()));
    },
  };
}

/** Records the events of db in order: [{type, detail}]. */
export function recorder(db, types) {
  const seen = [];
  const offs = types.map((type) => db.on(type, (detail) => seen.push({ type, detail })));
  return { seen, stop: () => offs.forEach((off) => off()) };
}
