// Shared parts of the browser end-to-end tests: the real server binary on a free port with a
// throw-away SQLite file, a counting (and holding) proxy in front of it, Debian's Chromium
// through playwright-core, and a few UI and API steps.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, mkdir, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOKEN = 'Bearer demo';
export const KIND = 'daily_feeling';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** waitFor polls fn until it returns a truthy value (returned) or the timeout passes (throws). */
export async function waitFor(fn, { timeout = 20_000, interval = 100, what = 'condition' } = {}) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// The JS package's files the app loads from lib/ (as `make webapp-lib` copies them, uncompressed).
const LIB = ['offsync.js', 'merges.js', 'query.js', 'live.js', 'wasm_exec.js', 'idb-helpers.js', 'sync.wasm', 'background.js'];

/** copyApp copies the app into dir, with lib/ from js/: a copy a test may change (a new release). */
async function copyApp(dir) {
  const web = path.join(dir, 'web');
  const skip = [path.join(ROOT, 'example-web', 'test'), path.join(ROOT, 'example-web', 'lib')];
  await cp(path.join(ROOT, 'example-web'), web, { recursive: true, filter: (src) => !skip.includes(src) });
  await mkdir(path.join(web, 'lib'));
  for (const f of LIB) await cp(path.join(ROOT, 'js', f), path.join(web, 'lib', f));
  return web;
}

/**
 * startServer runs bin/offsync-server on 127.0.0.1:0 with a fresh SQLite file, serving the app;
 * with copy, a copy of it (server.web), removed by stop().
 */
export async function startServer({ copy = false } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offsync-e2e-'));
  const web = copy ? await copyApp(dir) : path.join(ROOT, 'example-web');
  const child = spawn(process.env.OFFSYNC_SERVER ?? path.join(ROOT, 'bin/offsync-server'), [
    '-addr', '127.0.0.1:0', '-db', path.join(dir, 'e2e.db'), '-dev',
    '-static', web, '-prefix', '/api',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15_000);
    child.stderr.on('data', (b) => {
      stderr += b;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${stderr}`)); });
  });
  child.stderr.resume();
  const api = async (p, init = {}) => {
    const res = await fetch(`${url}/api${p}`, { ...init, headers: { Authorization: TOKEN, ...init.headers } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    url,
    web,
    api,
    /** entries reads every live record of the kind through the pull API (not the UI). */
    async entries() {
      const out = [];
      let q = `updatedSince=${encodeURIComponent('1970-01-01T00:00:00Z')}&limit=1000`;
      for (;;) {
        const { status, body } = await api(`/${KIND}?${q}`);
        if (status !== 200) throw new Error(`pull answered ${status}: ${JSON.stringify(body)}`);
        out.push(...body.items);
        if (!body.nextPageToken) break;
        q = `pageToken=${encodeURIComponent(body.nextPageToken)}&limit=1000`;
      }
      return out.filter((r) => !(r.deletedAt ?? r.deleted_at));
    },
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * startProxy forwards everything to target and logs each request with the tab that made it
 * (the page's ?tab= query, read from the Referer). hold(pred) keeps back the answer of the
 * first request pred matches (the server has already applied it) until release().
 */
export async function startProxy(target) {
  const log = [];
  let holdPred = null;
  let held = null;
  let heldSignal;
  const heldPromise = new Promise((r) => { heldSignal = r; });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let tab = null;
      try { tab = new URL(req.headers.referer).searchParams.get('tab'); } catch { /* no referer */ }
      const entry = { method: req.method, path: req.url, tab, start: performance.now(), end: null, body: body.toString(), headers: req.headers };
      log.push(entry);
      const up = http.request(new URL(req.url, target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (upRes) => {
        const out = [];
        upRes.on('data', (c) => out.push(c));
        upRes.on('end', () => {
          entry.status = upRes.statusCode;
          const send = () => {
            entry.end = performance.now();
            if (res.destroyed) return;
            res.writeHead(upRes.statusCode, upRes.headers);
            res.end(Buffer.concat(out));
          };
          if (holdPred && !held && holdPred(entry)) {
            held = send;
            heldSignal(entry);
          } else {
            send();
          }
        });
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    hold(pred) { holdPred = pred; return heldPromise; },
    release() { holdPred = null; held?.(); },
    close() { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}

/** isPush tells a push request (batch or single op) from pulls and static files. */
export const isPush = (e) => (e.method === 'POST' && e.path.startsWith('/api/batch')) ||
  ((e.method === 'PUT' || e.method === 'DELETE') && e.path.startsWith(`/api/${KIND}/`));

/** pushedIds lists the entity ids a logged push request carried. */
export function pushedIds(e) {
  if (e.path.startsWith('/api/batch')) return JSON.parse(e.body).ops.map((o) => o.id);
  return [decodeURIComponent(e.path.split('?')[0].split('/').pop())];
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** newDevice is one browser profile (separate storage) with page errors failing loudly. */
export async function newDevice(browser) {
  return browser.newContext({ viewport: { width: 1000, height: 860 }, serviceWorkers: 'allow' });
}

/** openApp opens the journal and waits until its database is open and the SW controls it. */
export async function openApp(context, url, { controlled = true } = {}) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  // Failed loads are what being offline looks like; anything else logged as an error is a bug.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  if (await page.getAttribute('body', 'data-ready') !== 'true') throw new Error(`app failed to open: ${await page.textContent('#notices')}`);
  if (controlled) {
    await page.evaluate(() => navigator.serviceWorker.ready);
    if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
      await page.reload();
      await page.waitForSelector('body[data-ready=true]');
    }
  }
  return page;
}

/** addEntry fills the form and saves; it returns the new entry's id. */
export async function addEntry(page, { date, mood, energy, notes }) {
  const before = await entryIds(page);
  await fillForm(page, { date, mood, energy, notes });
  await page.click('#save');
  return waitFor(async () => (await entryIds(page)).find((id) => !before.includes(id)), { what: 'the new entry in the list' });
}

/** editEntry opens an entry in the form, changes the given fields and saves. */
export async function editEntry(page, id, changes) {
  await page.click(`li[data-id="${id}"] button:text("Edit")`);
  await fillForm(page, changes);
  await page.click('#save');
  await page.waitForSelector('#cancel-edit', { state: 'hidden' });
}

async function fillForm(page, { date, mood, energy, notes }) {
  if (date !== undefined) await page.fill('input[name=date]', date);
  if (mood !== undefined) await pick(page, 'mood', mood);
  if (energy !== undefined) await pick(page, 'energy', energy);
  if (notes !== undefined) await page.fill('#entry-form textarea[name=notes]', notes);
}

/** shownCount is the number of entries the list header announces (the list shows a page of them). */
export const shownCount = async (page) => Number(/\d+/.exec(await page.textContent('#count'))?.[0] ?? 0);

/** pick clicks a scale choice the way a user does: on its visible label. */
export async function pick(page, name, value) {
  await page.locator(`[data-name=${name}] label:has(input[value="${value}"])`).click();
  assert.ok(await page.isChecked(`[data-name=${name}] input[value="${value}"]`), `${name} ${value} picked`);
}

export const entryIds = (page) => page.$$eval('#entries li', (lis) => lis.map((li) => li.dataset.id));

/** localEntry reads one entry from the page's local database. */
export const localEntry = (page, id) => page.evaluate((id) => globalThis.journal.db.get('daily_feeling', id), id);

/** shownNotes is the notes text the list shows for an entry. */
export const shownNotes = (page, id) => page.textContent(`li[data-id="${id}"] .notes-text`);

export const pendingShown = async (page) => Number(await page.getAttribute('#pending', 'data-count'));

/** syncNow runs one sync in the page and returns its error code, if any. */
export async function syncNow(page) {
  return page.evaluate(() => globalThis.journal.db.sync().then(() => null, (e) => e.code ?? String(e)));
}

/** screenshot saves test-artifacts/<name>.png; quiet hides the notices that float over it. */
export async function screenshot(target, name, { quiet = false } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await target.screenshot({ path: file, style: quiet ? '#notices { visibility: hidden; }' : undefined });
  return file;
}
