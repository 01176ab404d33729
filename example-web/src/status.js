// The header: online/offline badge, pending count, last synced time, Sync button and progress.
import { $, ago } from './dom.js';

export function mountStatus(app) {
  const badge = $('badge');
  const pending = $('pending');
  const last = $('last-synced');
  const bar = $('progress');
  const label = $('progress-label');
  const button = $('sync');
  const state = { reachable: true, syncing: false, pending: 0, lastSyncedAt: 0 };

  const paint = () => {
    const mode = !navigator.onLine ? 'offline' : state.syncing ? 'syncing' : state.reachable ? 'online' : 'unreachable';
    badge.dataset.state = mode;
    badge.textContent = { offline: 'Offline', syncing: 'Syncing…', online: 'Online', unreachable: 'Server unreachable' }[mode];
    pending.textContent = `${state.pending} pending`;
    pending.dataset.count = String(state.pending);
    last.textContent = state.lastSyncedAt ? `synced ${ago(state.lastSyncedAt)}` : 'never synced';
    last.title = state.lastSyncedAt ? new Date(state.lastSyncedAt).toLocaleString() : '';
    button.disabled = state.syncing;
  };

  // The server counts as reachable until a sync fails for want of it; the engine's own
  // "online" only says so once a call got through.
  const onStatus = (s) => {
    if (s.online === true) state.reachable = true;
    if (typeof s.syncing === 'boolean') state.syncing = s.syncing;
    if (typeof s.pending === 'number') state.pending = s.pending;
    if (s.lastSyncedAt) state.lastSyncedAt = s.lastSyncedAt;
    paint();
  };

  const onProgress = ({ phase, kind, done, total }) => {
    bar.hidden = false;
    bar.max = Math.max(total || 0, 1);
    bar.value = Math.min(done || 0, bar.max);
    label.textContent = `${phase === 'push' ? 'Sending' : 'Receiving'} ${kind ?? ''} ${done ?? 0}/${total ?? '?'}`;
  };

  const onDone = (error) => {
    bar.hidden = true;
    label.textContent = '';
    if (error && navigator.onLine) state.reachable = !['network', 'timeout'].includes(error.code);
    else if (!error) state.reachable = true;
    paint();
  };

  button.addEventListener('click', () => app.syncNow());
  addEventListener('online', paint);
  addEventListener('offline', paint);
  setInterval(paint, 15_000); // keeps "synced 2 min ago" honest
  paint();
  return { onStatus, onProgress, onDone, state };
}
