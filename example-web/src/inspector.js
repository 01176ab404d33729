// The sync inspector: what a developer opens when sync surprises them. Outbox, cursors per
// kind, deferred conflicts, parked ops and the last events, refreshed while the panel is open.
import { el, $, coalesce } from './dom.js';

const MAX_EVENTS = 60;
const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : '');
const short = (s, n = 8) => (s && s.length > n ? `${s.slice(0, n)}…` : s ?? '');
const json = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

function fill(table, headers, rows, empty) {
  table.replaceChildren(
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.length
      ? rows.map((r) => el('tr', {}, r.map((c) => el('td', { title: String(c ?? '') }, c ?? ''))))
      : el('tr', {}, el('td', { colspan: headers.length, class: 'muted' }, empty))));
}

/** One line of the event log, e.g. "progress push daily_feeling 200/2000". */
function summarise(type, d = {}) {
  switch (type) {
    case 'progress': return `${d.phase} ${d.kind ?? ''} ${d.done}/${d.total}`;
    case 'syncStarted': return `${d.phase ?? ''} ${(d.kinds ?? []).join(',')}`;
    case 'completed': return d.stats ? Object.entries(d.stats).map(([k, v]) => `${k}=${v}`).join(' ') : '';
    case 'change': return `${d.kind} ×${d.ids?.length ?? 0} from ${d.origin}`;
    case 'status': return `online=${d.online} syncing=${d.syncing} pending=${d.pending}`;
    case 'conflict': return `${d.conflict?.kind}/${short(d.conflict?.entityId)} fields=${json(d.conflict?.changedFields)}`;
    case 'conflictResolved': return `${d.conflict?.kind}/${short(d.conflict?.entityId)} → ${d.resolution?.action}${d.discarded?.length ? ` discarded=${d.discarded}` : ''}`;
    case 'error': return `${d.error?.code ?? ''} ${d.error?.message ?? ''}`;
    default: return json(d);
  }
}

export function mountInspector(app) {
  const panel = $('inspector-panel');
  const events = [];

  const refresh = async () => {
    if (!panel.open || !app.db) return;
    const db = app.db;
    try {
      const [status, cursors, outbox, conflicts, parked] = await Promise.all([
        db.status(), db.cursors(), db.outbox(), db.conflicts(), db.parked(),
      ]);
      $('insp-status').textContent = JSON.stringify({
        ...status,
        lastSyncedAt: status.lastSyncedAt ? new Date(status.lastSyncedAt).toISOString() : 'never',
        navigatorOnline: navigator.onLine,
        persistentStorage: app.persisted,
        strategy: app.settings.manual ? 'manual' : 'autoPreserve',
      }, null, 1);
      fill($('insp-cursors'), ['kind', 'updatedAt', 'last id'],
        Object.entries(cursors).map(([k, c]) => [k, c?.updatedAt || '(start)', short(c?.id)]), 'no cursor yet');
      $('insp-outbox-count').textContent = `(${outbox.length})`;
      fill($('insp-outbox'), ['seq', 'type', 'entity', 'base', 'changed', 'state'],
        outbox.slice(0, 50).map((o) => [o.seq, o.type, short(o.id), o.baseUpdatedAt || 'new',
          o.changedFields == null ? 'all' : o.changedFields.join(', '),
          [o.inFlight && 'in flight', o.attempt && `attempt ${o.attempt}`, o.force && 'forced'].filter(Boolean).join(', ') || 'waiting']),
        'empty: everything is on the server');
      fill($('insp-conflicts'), ['entity', 'changed here', 'server version', 'detected'],
        conflicts.map((c) => [short(c.entityId), json(c.changedFields ?? 'all'), c.serverUpdatedAt, time(c.detectedAt)]), 'none');
      fill($('insp-parked'), ['entity', 'type', 'status', 'reason'],
        parked.map((p) => [short(p.op?.id), p.op?.type, p.status, p.reason]), 'none');
    } catch (err) {
      $('insp-status').textContent = `inspector failed: ${err.message}`;
    }
    $('insp-events').replaceChildren(...events.map((e) =>
      el('li', { class: `ev ev-${e.type}` }, el('time', {}, time(e.at)), ' ', el('b', {}, e.type), ' ', e.text)));
  };

  const schedule = coalesce(refresh, 250);
  panel.addEventListener('toggle', refresh);

  /** record is fed every event the app listens to. */
  const record = (type, detail) => {
    const last = events[0];
    // Progress comes in bursts: keep one line per phase and kind.
    if (type === 'progress' && last?.type === 'progress' && last.key === `${detail.phase}/${detail.kind}`) events.shift();
    events.unshift({ type, at: Date.now(), key: `${detail?.phase}/${detail?.kind}`, text: summarise(type, detail) });
    events.length = Math.min(events.length, MAX_EVENTS);
    schedule();
  };

  return { record, refresh: schedule };
}
