// The before/after wiring the test files share, so that each states only what differs: a real
// reference server with the tenants opened on it, or the headless-Chromium harness.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.js';
import { tenant } from './client.js';
import { browserHarness } from './browser.js';

/**
 * serverFixture(start) starts a server (start(), the reference server by default) before the
 * file's tests and stops it after them; f.tenant(defaults, on) is a new tenant (client.js) on
 * that server (made at the top of a file too: it looks the server up when it opens a client)
 * or on, whose clients are closed after the tests.
 */
export function serverFixture(start = startServer) {
  const tenants = [];
  const f = {
    server: undefined,
    tenant(defaults, on = { get baseUrl() { return f.server.baseUrl; } }) {
      const t = tenant(on, defaults);
      tenants.push(t);
      return t;
    },
  };
  before(async () => { f.server = await start(); });
  after(async () => {
    await Promise.all(tenants.map((t) => t.closeAll()));
    await f.server?.stop();
  });
  return f;
}

/**
 * browserFixture(opts) is browserHarness(opts) (browser.js) started before the file's tests
 * and stopped after them, then asserting that no page had an uncaught error (pageErrors:
 * false skips that; a string is the assertion's message). setUp(h) runs once it is up,
 * tearDown(h) before it stops.
 */
export function browserFixture(opts, { setUp, tearDown, pageErrors = 'no uncaught page errors' } = {}) {
  const h = browserHarness(opts);
  before(async () => {
    await h.start();
    await setUp?.(h);
  });
  after(async () => {
    await tearDown?.(h);
    await h.stop();
    if (pageErrors !== false) assert.deepEqual(h.pageErrors, [], pageErrors);
  });
  return h;
}
