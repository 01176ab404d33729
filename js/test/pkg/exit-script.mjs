// Child of node-exit.test.js: opens two databases on one runtime, writes, syncs against the
// server at argv[2], closes both and prints "closed". Nothing else is pending, so Node must exit.
import { open } from '../../offsync.js';

const [baseUrl, token] = process.argv.slice(2);
const opts = (name) => ({ name, baseUrl, kinds: ['note'], storage: 'memory', token: () => 'Bearer ' + token });
const a = await open(opts('exit-a'));
const b = await open(opts('exit-b'));
await a.put('note', { id: 'n1', text: 'hello' });
const pushed = (await a.sync()).pushed;
const pulled = (await b.sync()).pulled;
await a.close();
await b.close();
process.stdout.write(JSON.stringify({ pushed, pulled }) + '\nclosed\n');
