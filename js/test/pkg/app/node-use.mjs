// Node user of the installed package: open (memory), write, sync against argv[2], read back on a
// second database, close; a relative baseUrl is refused with a clear message.
import { open, OffsyncError } from 'offsync';

const [baseUrl, token] = process.argv.slice(2);
const opts = (name, extra) => ({ name, baseUrl, kinds: ['todo'], token: () => 'Bearer ' + token, ...extra });
const a = await open(opts('node-a'));
await a.put('todo', { id: 't1', title: 'from node' });
const pushed = (await a.sync()).pushed;
const b = await open(opts('node-b'));
await b.sync();
const title = (await b.get('todo', 't1'))?.title;
await a.close();
await b.close();
let relative;
try {
  await open(opts('node-c', { baseUrl: '/api' }));
} catch (e) {
  relative = { instance: e instanceof OffsyncError, code: e.code, message: e.message };
}
console.log(JSON.stringify({ pushed, title, relative }));
