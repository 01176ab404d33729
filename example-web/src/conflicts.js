// Conflicts as the user sees them: a notice of what autoPreserve merged, and in manual mode a
// dialog with mine and theirs side by side (keep mine, keep theirs, or merge field by field).
import { el, $ } from './dom.js';
import { FIELDS, MOODS, ENERGY, describe, withoutServerFields } from './entries.js';

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The fields shown in the dialog: the journal's own, then any other field either side has. */
function fieldsOf(mine, theirs) {
  const extra = new Set([...Object.keys(withoutServerFields(mine ?? {})), ...Object.keys(withoutServerFields(theirs ?? {}))]);
  for (const f of ['id', ...FIELDS]) extra.delete(f);
  return [...FIELDS, ...[...extra].sort()];
}

/** An input that edits one field of the merged result. */
function editorFor(field, value) {
  const label = `Merged ${field}`;
  if (field === 'mood' || field === 'energy') {
    const names = field === 'mood' ? MOODS : ENERGY;
    return el('select', { 'aria-label': label, name: field },
      [1, 2, 3, 4, 5].map((v) => el('option', { value: String(v), selected: Number(value) === v }, `${v} · ${names[v]}`)));
  }
  if (field === 'date') return el('input', { type: 'date', name: field, value: value ?? '', 'aria-label': label });
  if (field === 'notes') return el('textarea', { name: field, rows: 3, 'aria-label': label }, value ?? '');
  return el('output', { name: field, dataset: { json: JSON.stringify(value ?? null) } }, describe(field, value));
}

function readEditor(editor) {
  if (editor.tagName === 'OUTPUT') return JSON.parse(editor.dataset.json);
  if (editor.name === 'mood' || editor.name === 'energy') return Number(editor.value);
  return editor.value;
}

function setEditor(editor, field, value) {
  if (editor.tagName === 'OUTPUT') {
    editor.dataset.json = JSON.stringify(value ?? null);
    editor.textContent = describe(field, value);
  } else {
    editor.value = value === undefined || value === null ? '' : String(value);
  }
}

export function mountConflicts(app) {
  const dialog = $('conflict-dialog');
  const rows = $('conflict-rows');

  /** Opens the dialog for one conflict; resolves with the user's resolution or null (later). */
  const ask = (conflict) => new Promise((resolve) => {
    const mine = conflict.localDeleted ? null : conflict.local;
    const theirs = conflict.serverDeleted ? null : conflict.server;
    const base = theirs ?? mine ?? {};
    const editors = new Map();
    $('conflict-sub').textContent = [
      `Entry of ${describe('date', (mine ?? theirs ?? {}).date)}.`,
      conflict.localDeleted ? 'You deleted it here;' : 'You edited it here;',
      conflict.serverDeleted ? 'it was deleted elsewhere.' : 'it was also changed elsewhere.',
    ].join(' ');
    rows.replaceChildren(...fieldsOf(mine, theirs).map((field) => {
      const a = mine?.[field];
      const b = theirs?.[field];
      const differs = !same(a, b);
      const start = mine && (conflict.changedFields == null || conflict.changedFields.includes(field)) ? a : (b ?? a);
      const editor = editorFor(field, start);
      editors.set(field, editor);
      const pick = (which, value) => el('label', { class: 'pick' },
        el('input', { type: 'radio', name: `pick-${field}`, value: which, checked: same(start, value),
          onchange: () => setEditor(editor, field, value) }),
        ` ${which}`);
      return el('tr', { class: differs ? 'differs' : '' },
        el('th', { scope: 'row' }, field),
        el('td', { class: 'mine' }, mine ? describe(field, a) : '(deleted)'),
        el('td', { class: 'theirs' }, theirs ? describe(field, b) : '(deleted)'),
        el('td', { class: 'result' }, differs && mine && theirs ? el('div', { class: 'picks' }, pick('mine', a), pick('theirs', b)) : null, editor));
    }));
    dialog.dataset.entity = conflict.entityId;
    dialog.onclick = (ev) => {
      const choice = ev.target?.dataset?.choice;
      if (!choice) return;
      let resolution;
      if (choice === 'mine') resolution = { action: 'acceptClient' };
      else if (choice === 'theirs') resolution = { action: 'acceptServer' };
      else {
        const data = { ...withoutServerFields(base), id: conflict.entityId };
        for (const [field, editor] of editors) data[field] = readEditor(editor);
        resolution = { action: 'merged', data };
      }
      dialog.close();
      resolve(resolution);
    };
    dialog.oncancel = () => resolve(null);
    dialog.showModal();
  });

  /**
   * Walks the deferred conflicts and asks about each; the answers are pushed by one sync. A
   * conflict the user put off (decide later) is asked about again only from its notice (now):
   * the next automatic sync meets it again and would otherwise reopen the dialog at once.
   * A review asked for while another walks (a sync completing as the user clicks "Decide now")
   * runs when that walk ends: dropping it would swallow the click.
   */
  let walking = false;
  let queued = null; // null, or whether the queued review was asked for "now"
  const later = new Set();
  const review = async (now = false) => {
    if (!app.settings.manual) return;
    if (walking) {
      queued = queued || now;
      return;
    }
    walking = true;
    let resolved = 0;
    try {
      for (const conflict of await app.db.conflicts()) {
        if (later.has(conflict.id) && !now) continue;
        const resolution = await ask(conflict);
        if (!resolution) {
          later.add(conflict.id);
          app.notify('A conflict waits for your decision; it is kept until then.', 'warn', { label: 'Decide now', run: () => review(true) }, true);
          break;
        }
        later.delete(conflict.id);
        await app.db.resolveConflict(conflict.id, resolution);
        resolved++;
      }
    } catch (err) {
      app.notify(`Could not resolve the conflict: ${err.message}`, 'error');
    } finally {
      walking = false;
    }
    if (resolved) app.syncNow();
    if (queued !== null) {
      const again = queued;
      queued = null;
      await review(again);
    }
  };

  /** autoPreserve (and every automatic strategy) says what it did, deletes included. */
  const onResolved = ({ conflict, resolution, discarded = [] }) => {
    if (!conflict) return;
    const date = describe('date', (conflict.local ?? conflict.server ?? {}).date);
    const kept = conflict.changedFields?.length ? conflict.changedFields.join(', ') : 'changes';
    let text;
    if (discarded.includes('delete')) text = `The entry of ${date} was edited on another device, so your delete was undone.`;
    else if (conflict.serverDeleted) text = `The entry of ${date} was deleted on another device; your edit brought it back.`;
    else if (resolution?.action === 'acceptServer' || resolution?.action === 'discard') text = `The entry of ${date} was changed on another device; that version was kept.`;
    else text = `The entry of ${date} was also changed on another device. Merged: kept your ${kept}, took the other fields from the other device.`;
    const lost = discarded.filter((d) => d !== 'delete');
    if (lost.length) text += ` Not kept from this device: ${lost.join(', ')}.`;
    app.notify(text, lost.length ? 'warn' : 'info');
  };

  return { review, onResolved };
}
