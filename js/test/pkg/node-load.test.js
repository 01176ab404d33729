// Load errors under Node: a file: URL that is missing or not wasm, and over HTTP (Node's fetch,
// the real server's -static) a 404 and a wrong MIME type: all 'invalid', not retryable, named.
// A 503 (a server having a bad moment) is a retryable 'network' error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { open, OffsyncError } from '../../offsync.js';
import { repoRoot, startServer } from '../support/server.js';

let dir;
let server;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offsync-node-load-'));
  await writeFile(join(dir, 'notwasm.wasm'), 'not WebAssembly');
  await copyFile(join(repoRoot, 'js/sync.wasm'), join(dir, 'sync.wasm.txt'));
  server = await startServer({ staticDir: dir });
});
after(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const CASES = [
  ['a missing file', () => pathToFileURL(join(dir, 'missing.wasm')), /ENOENT/],
  ['a file that is not wasm', () => pathToFileURL(join(dir, 'notwasm.wasm')), /not a WebAssembly module for this offsync version \(CompileError/],
  ['HTTP 404', () => new URL('/missing.wasm', server.origin), /HTTP 404/],
  ['a wrong MIME type', () => new URL('/sync.wasm.txt', server.origin), /served as 'text\/plain', not 'application\/wasm'/],
];

for (const [what, url, cause] of CASES) {
  test(`open() with ${what} rejects with a named, non-retryable 'invalid'`, async () => {
    const wasmUrl = url();
    await assert.rejects(open({ name: 'l', baseUrl: 'http://127.0.0.1:9/api', kinds: ['note'], wasmUrl }), (e) => {
      assert.ok(e instanceof OffsyncError);
      assert.equal(e.code, 'invalid');
      assert.equal(e.retryable, false);
      assert.ok(e.message.startsWith(`cannot load sync.wasm from ${wasmUrl.href}: `), e.message);
      assert.match(e.message, cause);
      return true;
    });
  });
}

test("open() with sync.wasm answered by HTTP 503 rejects with a retryable 'network' error", async () => {
  const busy = http.createServer((req, res) => res.writeHead(503, { 'retry-after': '1' }).end('busy'));
  await new Promise((r) => busy.listen(0, '127.0.0.1', r));
  try {
    const wasmUrl = new URL(`http://127.0.0.1:${busy.address().port}/sync.wasm`);
    await assert.rejects(open({ name: 'l', baseUrl: 'http://127.0.0.1:9/api', kinds: ['note'], wasmUrl }), (e) => {
      assert.ok(e instanceof OffsyncError);
      assert.deepEqual([e.code, e.retryable], ['network', true]);
      assert.match(e.message, /HTTP 503/);
      return true;
    });
  } finally {
    busy.closeAllConnections();
    await new Promise((r) => busy.close(r));
  }
});
