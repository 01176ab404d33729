// The headless-Chromium harness the browser tests share: a temporary static directory with the
// pages a test serves, the real reference server serving it (-static, API under /api), Debian's
// /usr/bin/chromium (playwright-core), the uncaught page errors of every page, and teardown.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot, startServer } from './server.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * browserHarness({prefix, files, prepare}) describes one test file's harness; start() (in
 * before) brings it up and resolves with it, stop() (in after) takes it down. files are [source
 * in the repo, name served] pairs copied into a new temporary directory named prefix…, unless
 * h.staticDir is set before start() to a directory the test owns (served as it is and kept).
 * prepare(dir) adds to the directory before the server starts. pageErrors collects the uncaught
 * errors of every page newPage opened; the test file asserts on it.
 */
export function browserHarness({ prefix = 'offsync-static-', files = [], prepare } = {}) {
  let owned = false;
  const h = {
    server: undefined,
    browser: undefined,
    staticDir: undefined,
    pageErrors: [],
    async start() {
      if (h.staticDir === undefined) {
        owned = true;
        h.staticDir = await mkdtemp(join(tmpdir(), prefix));
        for (const [from, to] of files) await copyFile(join(repoRoot, from), join(h.staticDir, to));
      }
      await prepare?.(h.staticDir);
      h.server = await startServer({ staticDir: h.staticDir });
      h.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
      return h;
    },
    async stop() {
      await h.browser?.close();
      await h.server?.stop();
      if (owned && h.staticDir) await rm(h.staticDir, { recursive: true, force: true });
    },
    /**
     * A new page of context at path (on origin, the server's by default) whose uncaught errors go
     * to pageErrors, once its window.ready is true. listen(page) adds listeners before the load.
     */
    async newPage(context, path = '/page.html', { origin = h.server.origin, timeout = 20_000, listen } = {}) {
      const page = await context.newPage();
      page.on('pageerror', (e) => h.pageErrors.push(e.message));
      listen?.(page);
      await page.goto(origin + path);
      await page.waitForFunction(() => window.ready === true, null, { timeout });
      return page;
    },
  };
  return h;
}
