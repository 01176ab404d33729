// The journal itself: the entry form and the list of entries. Reads and writes go to the
// local database only; syncing is someone else's business.
import { el, $ } from './dom.js';
import { face } from './face.js';

export const KIND = 'daily_feeling';
export const FIELDS = ['date', 'mood', 'energy', 'notes'];
export const MOODS = ['', 'awful', 'low', 'okay', 'good', 'great'];
export const ENERGY = ['', 'drained', 'tired', 'steady', 'lively', 'buzzing'];
const PAGE = 100; // entries shown at first, and added by "Show more"

const today = () => new Date().toLocaleDateString('sv'); // YYYY-MM-DD in local time

/** Human label of one field's value, for the list and the conflict dialog. */
export function describe(field, value) {
  if (value === undefined || value === null || value === '') return '—';
  if (field === 'mood') return `${MOODS[value] ?? value} (${value}/5)`;
  if (field === 'energy') return `${ENERGY[value] ?? value} (${value}/5)`;
  if (field === 'date') return formatDate(value);
  return String(value);
}

// One formatter for all dates: building one per call costs more than the whole list.
const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

function formatDate(iso) {
  const d = new Date(`${iso}T00:00:00`);
  return Number.isNaN(d.getTime()) ? String(iso) : DATE_FORMAT.format(d);
}

const SERVER_FIELDS = new Set(['updatedAt', 'deletedAt', 'updated_at', 'deleted_at']);

/** The record as the app owns it: the server sets its own version fields. */
export function withoutServerFields(rec) {
  return Object.fromEntries(Object.entries(rec).filter(([k]) => !SERVER_FIELDS.has(k)));
}

/** Radio buttons 1–5 for a scale field. */
function buildScale(container, labels) {
  const name = container.dataset.name;
  for (let v = 1; v <= 5; v++) {
    const input = el('input', { type: 'radio', name, value: String(v), required: true });
    container.append(el('label', { class: 'choice', title: labels[v] }, input,
      el('span', {}, name === 'mood' ? face(v, 26) : String(v)),
      el('span', { class: 'sr-only' }, ` ${labels[v]}`)));
  }
}

/**
 * mountEntries wires the form to app.db (read at call time, so a reopened database is picked
 * up) and returns the list's controls: attach(db), changed(), setPending(ids).
 */
export function mountEntries(app) {
  const form = $('entry-form');
  const list = $('entries');
  const cancel = $('cancel-edit');
  buildScale(form.querySelector('[data-name=mood]'), MOODS);
  buildScale(form.querySelector('[data-name=energy]'), ENERGY);

  let editing = null; // the entry as it was when the form opened it
  const reset = () => {
    editing = null;
    form.reset();
    form.elements.date.value = today();
    $('form-title').textContent = 'New entry';
    $('save').textContent = 'Save entry';
    cancel.hidden = true;
  };

  const edit = (rec) => {
    editing = rec;
    form.elements.date.value = rec.date ?? '';
    form.elements.mood.value = String(rec.mood ?? '');
    form.elements.energy.value = String(rec.energy ?? '');
    form.elements.notes.value = rec.notes ?? '';
    $('form-title').textContent = 'Edit entry';
    $('save').textContent = 'Save changes';
    cancel.hidden = false;
    form.scrollIntoView({ block: 'nearest' });
    form.elements.notes.focus();
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const values = { date: f.date.value, mood: Number(f.mood.value), energy: Number(f.energy.value), notes: f.notes.value };
    try {
      if (!editing) {
        await app.db.put(KIND, { id: crypto.randomUUID(), ...values });
      } else {
        // Only the fields changed in the form since it was opened are written, on top of the
        // stored record: a sync may have brought other fields' news meanwhile, and fields this
        // version of the app does not know stay as they are.
        const changed = FIELDS.filter((k) => values[k] !== editing[k]);
        // Deleted meanwhile (on another device): saving the form brings it back as shown.
        const stored = await app.db.get(KIND, editing.id);
        if (!stored) await app.db.put(KIND, { ...withoutServerFields(editing), ...values });
        else await app.db.put(KIND, { ...stored, ...Object.fromEntries(changed.map((k) => [k, values[k]])) }, { changedFields: changed });
      }
      reset();
    } catch (err) {
      app.notify(`Could not save: ${err.message}`, 'error');
    }
  });
  cancel.addEventListener('click', reset);

  const remove = async (rec) => {
    try {
      await app.db.delete(KIND, rec.id);
      app.notify(`Deleted the entry of ${describe('date', rec.date)}.`, 'info', {
        label: 'Undo',
        run: () => app.db.put(KIND, withoutServerFields(rec)),
      });
    } catch (err) {
      app.notify(`Could not delete: ${err.message}`, 'error');
    }
  };

  reset();

  // The list is a live query: the newest `shown` entries (of one mood when filtered), read
  // through the ['date'] and ['mood', 'date'] indexes, one more than shown so that "Show more"
  // knows there are more. Its header counts every match (db.count, refreshed on changes).
  // Entries whose element did not change are reused: while a backlog syncs, the list updates
  // after every batch.
  let shown = PAGE;
  let mood = 0; // 0: all moods
  let rows = [];
  let total = 0;
  let pendingIds = new Set();
  let db = null;
  let stopWatch = null;
  const nodes = new Map(); // id → { key, node }
  const more = $('more');
  const filter = $('mood-filter');
  for (let v = 1; v <= 5; v++) filter.append(el('option', { value: String(v) }, `${MOODS[v]} (${v}/5)`));

  const where = () => (mood ? { mood } : undefined);
  const listen = () => {
    stopWatch?.();
    stopWatch = db && db.watch(KIND, { where: where(), orderBy: [['date', 'desc']], limit: shown + 1 }, (next) => {
      rows = next;
      paint();
    });
  };
  let counting = false;
  let recountAgain = false;
  const recount = async () => {
    if (!db) return;
    if (counting) {
      recountAgain = true;
      return;
    }
    counting = true;
    try {
      do {
        recountAgain = false;
        const n = await db.count(KIND, { where: where() });
        if (n !== total) {
          total = n;
          paint();
        }
      } while (recountAgain);
    } catch (err) {
      if (err?.code !== 'closed') app.notify(`Could not count the entries: ${err.message}`, 'error');
    } finally {
      counting = false;
    }
  };
  more.addEventListener('click', () => { shown += PAGE; listen(); });
  filter.addEventListener('change', () => {
    mood = Number(filter.value);
    shown = PAGE;
    listen();
    recount();
  });

  const entryNode = (rec, pending) => {
    const key = JSON.stringify([rec, pending]);
    const have = nodes.get(rec.id);
    if (have?.key === key) return have.node;
    const node = el('li', { class: 'entry', dataset: { id: rec.id, mood: String(rec.mood ?? '') } },
      el('div', { class: 'mood' }, face(rec.mood, 36)),
      el('div', { class: 'body' },
        el('div', { class: 'head' },
          el('strong', { class: 'date' }, describe('date', rec.date)),
          el('span', { class: 'tag' }, `mood: ${MOODS[rec.mood] ?? '?'}`),
          el('span', { class: 'tag' }, `energy ${rec.energy ?? '?'}/5`,
            el('meter', { min: 0, max: 5, value: Number(rec.energy) || 0, 'aria-hidden': 'true' })),
          pending && el('span', { class: 'tag pending-tag', title: 'Saved on this device, not yet on the server' }, 'not synced')),
        el('p', { class: 'notes-text' }, rec.notes || '')),
      el('div', { class: 'row-actions' },
        el('button', { type: 'button', onclick: () => edit(rec), 'aria-label': `Edit entry of ${rec.date}` }, 'Edit'),
        el('button', { type: 'button', class: 'danger', onclick: () => remove(rec), 'aria-label': `Delete entry of ${rec.date}` }, 'Delete')));
    nodes.set(rec.id, { key, node });
    return node;
  };

  function paint() {
    const page = rows.slice(0, shown);
    const visible = page.map((rec) => entryNode(rec, pendingIds.has(rec.id)));
    const live = new Set(page.map((r) => r.id));
    for (const id of nodes.keys()) if (!live.has(id)) nodes.delete(id);
    $('empty').hidden = rows.length > 0 || mood !== 0;
    $('count').textContent = total ? `(${total})` : '';
    more.hidden = rows.length <= shown;
    more.textContent = `Show ${Math.min(PAGE, Math.max(total - shown, 1))} more`;
    const current = list.children;
    if (current.length !== visible.length || visible.some((n, i) => current[i] !== n)) list.replaceChildren(...visible);
  }

  return {
    /** attach shows db's entries (null: none) and keeps them live. */
    attach(next) {
      db = next;
      rows = [];
      total = 0;
      listen();
      recount();
      paint();
    },
    /** The count follows every change of the kind, also outside the shown window. */
    changed: recount,
    /** setPending marks the entries that wait in the outbox. */
    setPending(ids) {
      pendingIds = ids;
      paint();
    },
  };
}
