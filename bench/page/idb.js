// Promise helpers over the bare IndexedDB API, for the raw-limit side.

export function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

export function deleteDatabase(name) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`deleting ${name} is blocked by an open connection`));
  });
}

// openStores opens (creating on first use) a database with one record store per kind, an
// auto-increment outbox and a cursors store; indexes: kind → fields, one index per field.
export function openStores(name, kinds, indexes = {}) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const k of kinds) {
        const st = db.createObjectStore(`r:${k}`);
        for (const f of indexes[k] ?? []) st.createIndex(f, f);
      }
      db.createObjectStore('outbox', { autoIncrement: true });
      db.createObjectStore('cursors');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`opening ${name} is blocked`));
  });
}
