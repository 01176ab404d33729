// offsync/background — pushes a database's outbox from a service worker after its last tab
// has closed (DESIGN.md "Push after the tab is closed"). Pages opened with
// open({ backgroundSync: true }) register the Background Sync tag 'offsync:<name>' when ops
// are left that they could not push; the browser fires 'sync' in the service worker once the
// device is online, and handleBackgroundSync runs the sync core there: the same IndexedDB
// database, and the same Web Lock the pages take around a sync, so a tab and the worker never
// push the same op twice.
import { open } from './offsync.js';

const PREFIX = 'offsync:';

/** The Background Sync tag of a database: what pages register and the worker answers. */
export function backgroundSyncTag(name) {
  return PREFIX + name;
}

/**
 * handleBackgroundSync(event, options) answers a 'sync' event of a database: it returns false
 * for a tag that is not one, else keeps the event alive (event.waitUntil) until the outbox is
 * pushed by a sync (push, then pull). options are open()'s, the same the pages use (name,
 * baseUrl, kinds, token, conflict strategy: whatever shapes the database or its sync), or a
 * function given the database name of the tag that returns them, or a Promise of them, or
 * null to leave that database alone (for options read from storage, or several databases). A
 * sync that fails for a reason worth retrying (network, timeout, server) rejects the event so
 * that the browser fires it again later; any other failure waits for the next open.
 */
export function handleBackgroundSync(event, options) {
  const tag = event?.tag;
  if (typeof tag !== 'string' || !tag.startsWith(PREFIX)) return false;
  const name = tag.slice(PREFIX.length);
  if (typeof options !== 'function' && options?.name !== name) return false;
  event.waitUntil(pushPending(name, options));
  return true;
}

async function pushPending(name, options) {
  const opts = typeof options === 'function' ? await options(name) : options;
  if (!opts) return;
  if (opts.name !== name) throw new TypeError(`handleBackgroundSync: the options given for '${name}' name '${opts.name}'`);
  try {
    await syncOnce(opts);
  } catch (e) {
    // Rejecting asks the browser for another go later: worth it for network, timeout, server.
    if (e?.retryable) throw e;
    // Anything else (auth, storage, ...) waits for the next open, which meets it too.
    if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
  }
}

async function syncOnce(opts) {
  // The worker's client syncs this once and never registers a tag itself.
  const db = await open({ ...opts, storage: 'indexeddb', backgroundSync: false });
  try {
    if ((await db.pendingCount()) === 0) return;
    await db.sync();
  } finally {
    await db.close();
  }
}
