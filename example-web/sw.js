// Service worker (a module: main.js registers it with type 'module'): the app starts with the
// network off. The shell (pages, code, sync.wasm) is served cache-first from one cache per release
// of the app, and a new release is fetched whole before it is used; /api is network-only (offsync
// owns offline data, a cached API answer would only lie). Changes made offline are pushed from
// here once the device is back online, even after the last tab has closed (Background Sync,
// offsync/background).
import { handleBackgroundSync } from './lib/background.js';
import { DATABASE, databaseOptions } from './src/database.js';
import { SHARED_CACHE, loadSharedSettings } from './src/settings.js';

// A release's files are kept in the cache `mood-journal@<hash of them all>`; META names the one
// new pages start from, so that switching to a new release is one write.
const RELEASE = 'mood-journal@';
const META = 'mood-journal';
const CURRENT = 'current-release';
const WASM = 'lib/sync.wasm';
const SHELL = [
  'src/database.js', 'lib/background.js',
  './', 'app.css', 'manifest.webmanifest',
  'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png',
  'src/main.js', 'src/dom.js', 'src/settings.js', 'src/entries.js', 'src/status.js',
  'src/conflicts.js', 'src/inspector.js', 'src/face.js',
  'lib/offsync.js', 'lib/merges.js', 'lib/query.js', 'lib/live.js', 'lib/wasm_exec.js', 'lib/idb-helpers.js', WASM,
];

const scope = new URL(self.registration.scope);
// The release each page loaded from (by client id): its later requests (sync.wasm comes last,
// from open()) are answered from that release even after a switch. A worker restarted since
// then has forgotten, and answers from the current release.
const pinned = new Map();

self.addEventListener('install', (event) => {
  event.waitUntil(update().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = [SHARED_CACHE, META, await currentRelease()];
    for (const key of await caches.keys()) if (!keep.includes(key)) await caches.delete(key);
    await self.clients.claim();
  })());
});

// The journal's outbox, pushed with the settings the pages last used (token, conflict mode).
self.addEventListener('sync', (event) => {
  handleBackgroundSync(event, async (name) => (name === DATABASE
    ? databaseOptions(await loadSharedSettings(scope), scope)
    : null));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== scope.origin) return;
  if (url.pathname.startsWith(`${scope.pathname}api/`)) return; // network-only
  event.respondWith(fromRelease(event, url));
});

// isAppPage: the one page of this app, './' or 'index.html' with any query (the Go file server
// redirects 'index.html' to './', and a redirected response cannot answer a navigation).
const isAppPage = (url) => url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`;

/**
 * fromRelease answers from the release the page loaded from; a start of the app pins the current
 * one and looks for a newer release in the background. Nothing fetched here is stored: opening
 * another file in a tab (the icon, the manifest) must not become the app page.
 */
async function fromRelease(event, url) {
  const req = event.request;
  const start = req.mode === 'navigate' && isAppPage(url);
  if (start) event.waitUntil(update().catch(() => undefined)); // offline: the release we have is all we need
  const name = (start ? null : pinned.get(event.clientId)) ?? await currentRelease();
  if (start && event.resultingClientId) pinned.set(event.resultingClientId, name);
  const cache = name && await caches.open(name);
  // sync.wasm is asked for as sync.wasm?v=<its hash> (offsync.js): matched exactly, a page is
  // never given another build's than the one its wasm_exec.js names.
  return (await cache?.match(start ? scope.href : req)) ?? fetch(req);
}

async function currentRelease() {
  const res = await (await caches.open(META)).match(CURRENT);
  return res ? res.text() : null;
}

let updating = null;
/** update fetches the app's files; when they are a new release, it stores them all, then switches to it. */
function update() {
  updating ??= fetchRelease().finally(() => { updating = null; });
  return updating;
}

async function fetchRelease() {
  // no-cache: revalidated, so the HTTP cache gives no file of an older release.
  const files = await Promise.all(SHELL.map(async (path) => {
    const res = await fetch(new Request(new URL(path, scope), { cache: 'no-cache' }));
    if (!res.ok || res.redirected) throw new Error(`${path}: HTTP ${res.status}`);
    const hash = await sha256(await res.clone().arrayBuffer());
    // The key offsync.js asks for: make names sync.wasm's build by the same hash (WASM_VERSION).
    const key = path === WASM ? `${WASM}?v=${hash.slice(0, 16)}` : path;
    return { key: new URL(key, scope).href, hash, res };
  }));
  const name = RELEASE + (await sha256(new TextEncoder().encode(files.map((f) => `${f.key} ${f.hash}`).join('\n')))).slice(0, 16);
  if (name === await currentRelease()) return;
  const cache = await caches.open(name);
  await Promise.all(files.map((f) => cache.put(f.key, f.res)));
  await (await caches.open(META)).put(CURRENT, new Response(name));
  await dropReleases(name);
}

/** dropReleases deletes the releases that are not current and that no open page loaded from. */
async function dropReleases(current) {
  for (const id of pinned.keys()) if (!(await self.clients.get(id))) pinned.delete(id);
  const inUse = new Set([current, ...pinned.values()]);
  for (const key of await caches.keys()) if (key.startsWith(RELEASE) && !inUse.has(key)) await caches.delete(key);
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
