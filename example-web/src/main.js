// Boot: service worker, persistent storage, the offsync database, and the wiring between the
// library's events and the parts of the page.
import { el, $, coalesce } from './dom.js';
import { loadSettings, saveSettings, shareSettings, normaliseToken } from './settings.js';
import { KIND, mountEntries } from './entries.js';
import { databaseOptions } from './database.js';
import { mountStatus } from './status.js';
import { mountConflicts } from './conflicts.js';
import { mountInspector } from './inspector.js';

const EVENTS = ['syncStarted', 'progress', 'completed', 'conflict', 'conflictResolved', 'opParked', 'error', 'change', 'status', 'fullResync'];
const NOTICE_MS = 9000;

const app = {
  db: null,
  settings: loadSettings(),
  persisted: null,
  notify,
  syncNow,
};
// A handle for the browser console and the end-to-end tests.
globalThis.journal = app;

/**
 * A dismissible notice; action = {label, run} adds a button. Errors and sticky notices stay
 * until closed; the others fade after a while.
 */
function notify(message, level = 'info', action, sticky = level === 'error') {
  const box = $('notices');
  const close = () => note.remove();
  const note = el('div', { class: `notice ${level}`, role: level === 'error' ? 'alert' : null },
    el('span', {}, message),
    action && el('button', { type: 'button', onclick: async () => { close(); await action.run(); } }, action.label),
    el('button', { type: 'button', class: 'close', 'aria-label': 'Dismiss', onclick: close }, '×'));
  box.append(note);
  note.dataset.sticky = String(sticky);
  while (box.children.length > 4) (box.querySelector('[data-sticky=false]') ?? box.firstElementChild).remove();
  if (!sticky) setTimeout(close, NOTICE_MS);
}

/** Runs a sync now. Its outcome, like that of automatic syncs, is reported from 'completed'. */
async function syncNow() {
  await app.db?.sync().catch(() => undefined);
}

/** reportError tells the user about a failed sync; unreachable says once, not every minute. */
function reportError(err, wasReachable) {
  if (!err) return;
  if (err.code === 'network' || err.code === 'timeout') {
    if (navigator.onLine && wasReachable) notify('The server cannot be reached right now. Your changes are kept on this device and will be sent later.', 'warn');
    return;
  }
  if (err.code === 'cancelled' || err.code === 'closed') return;
  const hint = err.code === 'auth' ? ' Check the access token in Settings.' : '';
  notify(`Sync failed (${err.code ?? 'error'}): ${err.message}.${hint}`, 'error');
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  try {
    // A module worker: it imports offsync/background to push after the last tab has closed.
    await navigator.serviceWorker.register('sw.js', { type: 'module' });
  } catch (err) {
    notify(`Offline start is unavailable: ${err.message}`, 'warn');
  }
}

async function openDatabase(parts) {
  const { open } = await import('../lib/offsync.js');
  // backgroundSync: what could not be pushed when the last tab closes, sw.js pushes later.
  const db = await open({ ...databaseOptions(app.settings, document.baseURI), backgroundSync: true });
  const offs = [];
  let pendingIds = new Set();
  // The outbox can hold thousands of ops while a backlog drains: read it at most a few
  // times a second, and repaint the list only when the set of unsynced entries changed.
  const refreshPending = coalesce(async () => {
    try {
      const next = new Set((await db.outbox()).map((o) => o.id));
      parts.status.onStatus({ pending: next.size });
      if (next.size === pendingIds.size && [...next].every((id) => pendingIds.has(id))) return;
      pendingIds = next;
      parts.entries.setPending(pendingIds);
    } catch (err) {
      if (err?.code !== 'closed') throw err;
    }
  }, 400);
  for (const type of EVENTS) {
    offs.push(db.on(type, (d = {}) => {
      parts.inspector.record(type, d);
      switch (type) {
        case 'status': parts.status.onStatus(d); refreshPending(); break;
        case 'progress': parts.status.onProgress(d); break;
        case 'completed': {
          const wasReachable = parts.status.state.reachable;
          parts.status.onDone(d.error);
          reportError(d.error, wasReachable);
          parts.conflicts.review();
          break;
        }
        case 'conflict': if (app.settings.manual) parts.conflicts.review(); break;
        case 'conflictResolved': if (!app.settings.manual) parts.conflicts.onResolved(d); break;
        case 'change': refreshPending(); if (d.kind === KIND) parts.entries.changed(); break;
        case 'opParked': notify(`The server refused a change (${d.parked?.reason ?? 'unknown reason'}); it is kept in the inspector.`, 'warn'); break;
        default:
      }
    }));
  }
  parts.entries.attach(db);
  offs.push(() => parts.entries.attach(null));
  db.startAuto({ intervalMs: 60_000 });
  parts.status.onStatus(await db.status());
  refreshPending();
  return { db, close: async () => { for (const off of offs) off?.(); db.stopAuto(); await db.close(); } };
}

function mountSettings(reopen) {
  const form = $('settings-form');
  form.elements.token.value = app.settings.token;
  form.elements.manual.checked = app.settings.manual;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    app.settings = { token: normaliseToken(form.elements.token.value), manual: form.elements.manual.checked };
    form.elements.token.value = app.settings.token;
    saveSettings(app.settings);
    await reopen();
    notify(`Settings applied: ${app.settings.manual ? 'you resolve conflicts yourself' : 'conflicts are merged automatically'}.`);
  });
  // Another tab changed the settings: follow it.
  addEventListener('storage', (ev) => {
    if (ev.key !== null && !ev.key.startsWith('offsync-demo')) return;
    const next = loadSettings();
    if (next.token === app.settings.token && next.manual === app.settings.manual) return;
    app.settings = next;
    form.elements.token.value = next.token;
    form.elements.manual.checked = next.manual;
    reopen();
  });
}

async function main() {
  const parts = {};
  parts.inspector = mountInspector(app);
  parts.status = mountStatus(app);
  parts.conflicts = mountConflicts(app);
  parts.entries = mountEntries(app);
  registerServiceWorker();
  navigator.storage?.persist?.().then((ok) => { app.persisted = ok; }, () => { app.persisted = false; });

  let handle = null;
  const openAgain = async () => {
    const old = handle;
    handle = null;
    app.db = null;
    await old?.close();
    // What sw.js pushes with; without Cache Storage it falls back to the default settings.
    await shareSettings(app.settings, document.baseURI).catch(() => undefined);
    handle = await openDatabase(parts);
    app.db = handle.db;
    parts.inspector.refresh();
    if (navigator.onLine) syncNow();
  };
  // One reopen at a time (a double click on Apply, another tab's settings): each closes the
  // database the one before it opened, so no replaced database stays open and auto-syncing.
  let reopening = Promise.resolve();
  const reopen = () => {
    const run = reopening.then(openAgain);
    reopening = run.catch(() => undefined);
    return run;
  };
  mountSettings(reopen);
  try {
    await reopen();
    document.body.dataset.ready = 'true';
  } catch (err) {
    document.body.dataset.ready = 'failed';
    notify(`The local database could not be opened: ${err.message}`, 'error');
  }
}

main();
