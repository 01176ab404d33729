// The journal's database, opened the same way by the page (main.js) and by the service worker
// (sw.js, which pushes the outbox after the last tab has closed).
import { KIND } from './entries.js';
import { normaliseToken } from './settings.js';

export const DATABASE = 'mood-journal';

/** databaseOptions are open()'s options for the given settings; base is the app's URL. */
export function databaseOptions(settings, base) {
  return {
    name: DATABASE,
    baseUrl: new URL('api', base).href,
    kinds: [KIND],
    token: () => normaliseToken(settings.token),
    conflictStrategy: settings.manual ? 'manual' : 'autoPreserve',
    // No wasmUrl: offsync.js then asks for lib/sync.wasm?v=<its build>, which sw.js matches
    // exactly, so a page never gets another build's sync.wasm than its wasm_exec.js names.
    // The list reads the newest entries, of one mood when filtered (entries.js). The page and
    // the service worker must declare the same indexes: a different set upgrades the database.
    indexes: { [KIND]: ['date', ['mood', 'date']] },
  };
}
