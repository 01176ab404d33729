// Settings live in localStorage: every tab and every reload of this device shares them.
const KEY = 'offsync-demo-settings';

// One fixed demo token by default, so two devices of one user share one journal.
export const DEFAULTS = Object.freeze({ token: 'Bearer demo', manual: false });

export function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) || '{}') };
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveSettings(s) {
  localStorage.setItem(KEY, JSON.stringify({ token: s.token, manual: !!s.manual }));
}

/** A token typed without a scheme gets "Bearer " in front. */
export function normaliseToken(t) {
  const v = String(t || '').trim();
  if (!v) return DEFAULTS.token;
  return /^\w+\s/.test(v) ? v : `Bearer ${v}`;
}

// The service worker cannot read localStorage: the settings are also kept in Cache Storage,
// which the pages and the worker share (sw.js keeps this cache across versions).
export const SHARED_CACHE = 'offsync-demo-settings';
const sharedKey = (base) => new URL('settings.json', base).href;

/** shareSettings copies s where the service worker reads it; base is the app's URL. */
export async function shareSettings(s, base) {
  const cache = await caches.open(SHARED_CACHE);
  await cache.put(sharedKey(base), new Response(JSON.stringify({ token: s.token, manual: !!s.manual }),
    { headers: { 'Content-Type': 'application/json' } }));
}

/** loadSharedSettings is the last settings a page shared, or the defaults. */
export async function loadSharedSettings(base) {
  try {
    const res = await (await caches.open(SHARED_CACHE)).match(sharedKey(base));
    return { ...DEFAULTS, ...(res ? await res.json() : {}) };
  } catch {
    return { ...DEFAULTS };
  }
}
