// Node: close() of the last database leaves nothing that keeps the event loop alive (Go's idle
// timer of the request timeout used to keep a script alive up to 60 s). A child process opens,
// syncs against the real server, closes, and must exit within 2 s of closing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startServer, unique } from '../support/server.js';

const EXIT_WITHIN_MS = 2000;
let server;

before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

/** Runs script with args; resolves with its first output line (JSON), once it exited by itself within 2 s of "closed". */
async function runScript(name, args) {
  const script = fileURLToPath(new URL(name, import.meta.url));
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  assert.equal(r.signal, null, `killed: the process did not exit by itself (stderr: ${err})`);
  assert.equal(r.code, 0, err);
  assert.ok(r.at - closedAt <= EXIT_WITHIN_MS, `exited ${r.at - closedAt} ms after close()`);
  return JSON.parse(out.split('\n')[0]);
}

test('a Node script exits within 2 s of closing its last database after a sync', async () => {
  assert.deepEqual(await runScript('./exit-script.mjs', [server.baseUrl, unique('tok')]), { pushed: 1, pulled: 1 },
    'the sync ran against the server');
});

test('an open database keeps Node alive through a backoff wait, then exits after close()', async () => {
  // A server that answers every request with 503: the sync retries after its backoff.
  let requests = 0;
  const down = http.createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
  });
  await new Promise((r) => down.listen(0, '127.0.0.1', r));
  try {
    const r = await runScript('./backoff-script.mjs', [`http://127.0.0.1:${down.address().port}`]);
    assert.equal(r.code, 'server', 'the sync ran to its end instead of Node exiting mid-wait');
    assert.ok(r.waitedMs >= 2 * 400, `two backoff waits of 400 ms (took ${r.waitedMs} ms)`);
    assert.equal(requests, 3, 'the first try and two retries');
  } finally {
    down.closeAllConnections();
    await new Promise((r) => down.close(r));
  }
});
