// Service worker (a module: main.js registers it with type 'module'): the app starts with the
// network off. The shell (pages, code, sync.wasm) is served cache-first and refreshed in the
// background; /api is network-only (offsync owns offline data, a cached API answer would only
// lie). Changes made offline are pushed from here once the device is back online, even after
// the last tab has closed (Background Sync, offsync/background).
import { handleBackgroundSync } from './lib/background.js';
import { DATABASE, databaseOptions } from './src/database.js';
import { SHARED_CACHE, loadSharedSettings } from './src/settings.js';

const CACHE = 'mood-journal-v4';
const SHELL = [
  'src/database.js', 'lib/background.js',
  './', 'app.css', 'manifest.webmanifest',
  'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png',
  'src/main.js', 'src/dom.js', 'src/settings.js', 'src/entries.js', 'src/status.js',
  'src/conflicts.js', 'src/inspector.js', 'src/face.js',
  'lib/offsync.js', 'lib/merges.js', 'lib/query.js', 'lib/live.js', 'lib/wasm_exec.js', 'lib/idb-helpers.js', 'lib/sync.wasm',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE && key !== SHARED_CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

const scope = new URL(self.registration.scope);

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
  event.respondWith(cacheFirst(event));
});

async function cacheFirst(event) {
  const req = event.request;
  const cache = await caches.open(CACHE);
  // Every page of this one-page app is the shell. (Not 'index.html': the Go file server
  // redirects it to './', and a redirected response cannot answer a navigation.)
  const key = req.mode === 'navigate' ? scope.href : req;
  const cached = await cache.match(key, { ignoreSearch: true });
  const refresh = fetch(req).then(async (res) => {
    if (res.ok && res.type === 'basic' && !res.redirected) await cache.put(key, res.clone());
    return res;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined)); // offline: the cached copy is all we need
    return cached;
  }
  return refresh;
}
