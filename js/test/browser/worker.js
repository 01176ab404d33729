// A dedicated (module) Web Worker host: opens an IndexedDB database with the public API,
// writes, syncs and answers with what it saw. No window, no document.
import { open } from './offsync.js';

self.onmessage = async ({ data }) => {
  const { name, baseUrl, token } = data;
  try {
    const db = await open({ name, baseUrl, kinds: ['note'], token: () => token, maxRetries: 0 });
    const changes = [];
    db.on('change', (e) => changes.push(e.origin));
    await db.put('note', { id: 'from-worker', where: 'worker' });
    const stats = await db.sync();
    const rec = await db.get('note', 'from-worker');
    const storage = typeof indexedDB;
    await db.close();
    self.postMessage({ ok: true, stats, rec, changes, storage, hasWindow: typeof window !== 'undefined' });
  } catch (e) {
    self.postMessage({ ok: false, code: e.code, message: e.message });
  }
};
