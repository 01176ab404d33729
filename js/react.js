// offsync/react — React 18+ hooks over an open database (JS-API.md "Seed parity additions and
// bindings"). Each hook is a useSyncExternalStore over one subscription: db.watch for a live
// query, db.get plus 'change' events for one record, 'status' events for the sync status.
// React is a peer dependency of this module only; offsync.js never imports it.
import { useMemo, useSyncExternalStore } from 'react';

const noSubscription = () => () => {};
// Also the server snapshot: a server render (and the hydration after it) shows "not loaded yet".
const nothing = () => undefined;

/**
 * queryKey is a query's identity by value: JSON with object keys sorted, so that a query
 * literal written inline in a component (a new object every render) keeps its subscription.
 */
function queryKey(query) {
  if (query === undefined || query === null) return '';
  return JSON.stringify(query, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
}

/**
 * external makes the {subscribe, getSnapshot} pair of useSyncExternalStore from start(set),
 * which begins listening, calls set(value) with each new value, and returns its stop. The
 * last value outlives a resubscription (React's StrictMode subscribes twice), so a remount
 * shows it at once instead of flashing undefined.
 */
function external(start) {
  let value;
  return {
    subscribe(onChange) {
      return start((v) => {
        value = v;
        onChange();
      });
    },
    getSnapshot: () => value,
  };
}

/**
 * useQuery(db, kind, query?) → the kind's live records (or the query's rows), undefined until
 * the first result. A null db (still opening) gives undefined. The subscription lasts while
 * db, kind and the query's value stay the same.
 */
export function useQuery(db, kind, query) {
  const key = queryKey(query);
  const store = useMemo(() => {
    if (!db) return null;
    return external((set) => (key === '' ? db.watch(kind, set) : db.watch(kind, query, set)));
    // query is read through key: an equal query in a later render is the same subscription.
  }, [db, kind, key]);
  return useSyncExternalStore(store?.subscribe ?? noSubscription, store?.getSnapshot ?? nothing, nothing);
}

/**
 * latest runs read() again whenever it is asked to, one read at a time (a request during a
 * read makes one more after it), and hands each result to set until stopped. A closed
 * database has nothing more to show; another failure is reported, and a request made during
 * the failed read is still read.
 */
function latest(read, set) {
  let stopped = false;
  let running = false;
  let dirty = false;
  const run = async () => {
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    try {
      do {
        dirty = false;
        let v;
        try {
          v = await read();
        } catch (e) {
          if (e?.code === 'closed') return;
          if (!stopped) reportError(e);
          continue; // a passing failure: a change during it still gets its read
        }
        if (!stopped) set(v);
      } while (dirty && !stopped);
    } finally {
      running = false;
    }
  };
  return { run, stop: () => { stopped = true; } };
}

/**
 * useRecord(db, kind, id) → the record, or undefined while it is absent, deleted or not read
 * yet. It reads again on 'change' events of the kind that name the id or the whole kind
 * (local writes, sync, other tabs).
 */
export function useRecord(db, kind, id) {
  const store = useMemo(() => {
    if (!db || id === undefined || id === null) return null;
    return external((set) => {
      const reader = latest(() => db.get(kind, id), set);
      const off = db.on('change', (e) => {
        if (e.kind === kind && (e.ids.length === 0 || e.ids.includes(id))) reader.run();
      });
      reader.run();
      return () => {
        reader.stop();
        off();
      };
    });
  }, [db, kind, id]);
  return useSyncExternalStore(store?.subscribe ?? noSubscription, store?.getSnapshot ?? nothing, nothing);
}

/**
 * useSyncStatus(db) → the latest 'status' event detail ({online, syncing, pending,
 * lastSyncedAt}), or db.status() read at the start and after another tab's (or the service
 * worker's) writes, which change the outbox without an event here; undefined before either.
 */
export function useSyncStatus(db) {
  const store = useMemo(() => {
    if (!db) return null;
    return external((set) => {
      // A read begun before a 'status' event may resolve after it with what was true before:
      // it is dropped when an event came since it began.
      let events = 0;
      const read = async () => {
        const at = events;
        return { at, status: await db.status() };
      };
      const reader = latest(read, (r) => { if (r.at === events) set(r.status); });
      const offStatus = db.on('status', (s) => {
        events++;
        set(s);
      });
      const offChange = db.on('change', (e) => { if (e.origin === 'tab') reader.run(); });
      reader.run();
      return () => {
        reader.stop();
        offStatus();
        offChange();
      };
    });
  }, [db]);
  return useSyncExternalStore(store?.subscribe ?? noSubscription, store?.getSnapshot ?? nothing, nothing);
}

function reportError(e) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
  else console.error('offsync/react:', e);
}
