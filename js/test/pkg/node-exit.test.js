// Node: close() of the last database leaves nothing that keeps the event loop alive (Go's idle
// timer of the request timeout used to keep a script alive up to 60 s). A child process opens,
// syncs against the real server, closes, and must exit within 2 s of closing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, unique } from '../support/server.js';

const EXIT_WITHIN_MS = 2000;
let server;

before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('a Node script exits within 2 s of closing its last database after a sync', async () => {
  const script = fileURLToPath(new URL('./exit-script.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, server.baseUrl, unique('tok')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const closedAt = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the script did not close within 30 s: ' + err)), 30_000);
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('closed\n')) {
        clearTimeout(timer);
        resolve(Date.now());
      }
    });
    child.once('exit', () => { clearTimeout(timer); reject(new Error('the script exited before closing: ' + err)); });
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_WITHIN_MS + 5000);
  const r = await exited;
  clearTimeout(killer);
  assert.deepEqual(JSON.parse(out.split('\n')[0]), { pushed: 1, pulled: 1 }, 'the sync ran against the server');
  assert.equal(r.signal, null, `killed: the process did not exit by itself (stderr: ${err})`);
  assert.equal(r.code, 0, err);
  assert.ok(r.at - closedAt <= EXIT_WITHIN_MS, `exited ${r.at - closedAt} ms after close()`);
});
