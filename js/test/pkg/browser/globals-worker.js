// A module worker: opens a database (relative baseUrl against the worker's location), syncs,
// and answers with the globals it sees afterwards.
import { open } from './offsync.js';

self.onmessage = async ({ data }) => {
  try {
    const db = await open({ name: data.name, baseUrl: '/api', kinds: ['note'], token: () => data.token, maxRetries: 0 });
    await db.put('note', { id: 'w1' });
    const stats = await db.sync();
    await db.close();
    self.postMessage({ ok: true, pushed: stats.pushed, globals: { process: typeof process, fs: typeof fs, path: typeof path, Go: typeof Go } });
  } catch (e) {
    self.postMessage({ ok: false, message: e.message });
  }
};
