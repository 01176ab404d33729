// Child of node-exit.test.js: a sync against a server answering 503 waits out its backoff (a Go
// timer, the only thing pending then) while the database is open, fails, then closes.
import { open } from '../../offsync.js';

const db = await open({ name: 'backoff', baseUrl: process.argv[2], kinds: ['note'], storage: 'memory', maxRetries: 2, backoffMinMs: 400, backoffMaxMs: 400 });
await db.put('note', { id: 'n1' });
const t0 = Date.now();
const code = await db.sync().then(() => 'synced', (e) => e.code);
const waitedMs = Date.now() - t0;
await db.close();
process.stdout.write(JSON.stringify({ code, waitedMs }) + '\nclosed\n');
