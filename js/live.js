// Incremental live queries (JS-API.md "Queries and live queries"): a watch keeps its result
// and, on each change of its kind, looks only at the records that changed. DESIGN.md
// "Live queries" has the reasoning; in short:
//
// - One feed per kind serialises the work of every watch of that kind: changed ids gathered
//   within a task are handled together (one callback per watch per task), their records come
//   from the change event when it carries them (local writes) or from one getMany read shared
//   by the kind's watches (sync, other tabs).
// - A watch keeps the first `offset + limit` rows of its ordered result plus some slack (the
//   head), the `frontier` below which every matching row is in the head, and whether the head
//   holds every match. A changed record leaves the head and goes back in at its place (binary
//   search) when it matches and sorts before the frontier. Only when the head falls short of
//   offset + limit does the watch read again, and then only its window (an index walk).
// - A change without ids (the whole kind) and the first result run the query.
import { applyWindow, comparator, matches, normalizeQuery } from './query.js';

// Rows a limited watch keeps beyond offset + limit, so that deletions in its window rarely
// need a read.
const MAX_SLACK = 32;

/**
 * LiveQueries runs the watches of one client. source: { query(kind, queryJSON) → rows,
 * getMany(kind, ids) → records or null }, both async; onError(e) reports a failed read;
 * onFeed(kind, on), when given, hears that a kind's first watch started (true) or its last
 * one stopped (false): changes of other kinds need not carry their records.
 */
export class LiveQueries {
  #source;
  #onError;
  #onFeed;
  #feeds = new Map();

  constructor(source, onError, onFeed = () => {}) {
    this.#source = source;
    this.#onError = onError;
    this.#onFeed = onFeed;
  }

  /**
   * watch(kind, query, cb) starts a watch (query already validated by normalizeQuery, which
   * throws with makeInvalid) and returns the function that stops it.
   */
  watch(kind, query, makeInvalid, cb) {
    const w = new Watch(normalizeQuery(query, makeInvalid), query, cb);
    let feed = this.#feeds.get(kind);
    if (!feed) {
      this.#feeds.set(kind, (feed = new Feed(kind, this.#source, this.#onError)));
      this.#onFeed(kind, true);
    }
    feed.add(w);
    return () => {
      w.stopped = true;
      if (feed.remove(w) === 0 && this.#feeds.get(kind) === feed) {
        this.#feeds.delete(kind);
        this.#onFeed(kind, false);
      }
    };
  }

  /** change(kind, ids, records) takes one change: records (parallel to ids, null for a delete) when known. */
  change(kind, ids, records) {
    this.#feeds.get(kind)?.change(ids, records);
  }

  /** stop ends every watch (the client closed). */
  stop() {
    for (const feed of this.#feeds.values()) feed.stop();
    this.#feeds.clear();
  }
}

class Watch {
  constructor(q, raw, cb) {
    this.q = q;
    this.cmp = comparator(q);
    this.cb = cb;
    // The rows to keep: offset + limit, and slack for a limited window. A head past the safe
    // integers would ask the store for a limit core refuses (over 2^53); it holds the whole
    // result instead, which the limit would not have cut anyway.
    const need = q.offset + q.limit;
    this.need = need;
    const cap = need + Math.max(1, Math.min(need, MAX_SLACK));
    this.cap = Number.isSafeInteger(cap) ? cap : Infinity;
    // What a (re)load asks the store for: the head from the start, no offset.
    const load = { where: raw?.where, orderBy: raw?.orderBy };
    if (this.cap !== Infinity) load.limit = this.cap;
    this.loadJSON = JSON.stringify(load);
    this.head = [];
    this.byId = new Map();
    this.complete = true;
    this.frontier = null;
    this.loaded = false;
    this.changed = false;
    // Since the last rows(): the lowest head index an apply changed, and whether a load
    // replaced the head (rows() then compares with what it emitted).
    this.touched = Infinity;
    this.reloaded = false;
    this.emitted = null;
    this.stopped = false;
  }

  setHead(rows) {
    this.head = rows;
    this.byId = new Map(rows.map((r) => [r.id, r]));
    this.complete = rows.length < this.cap;
    this.frontier = this.complete ? null : rows[rows.length - 1];
    this.loaded = true;
    this.changed = true;
    this.reloaded = true;
  }

  // edit: the head changed at index i.
  edit(i) {
    this.changed = true;
    if (i < this.touched) this.touched = i;
  }

  // stays: whether rec may take the place of the head's row i (same order around it).
  stays(i, rec) {
    const h = this.head;
    if (i > 0 && this.cmp(h[i - 1], rec) >= 0) return false;
    if (i + 1 < h.length) return this.cmp(rec, h[i + 1]) < 0;
    return this.complete || this.cmp(rec, this.frontier) <= 0;
  }

  // position: where r goes in the head (the first row that sorts after it).
  position(r) {
    let lo = 0;
    let hi = this.head.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(this.head[mid], r) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** apply(id, rec) takes the current version of one record (null: gone); false when a read is needed. */
  apply(id, rec) {
    const old = this.byId.get(id);
    if (old !== undefined) {
      if (rec !== null && sameRecord(old, rec)) return true;
      let i = this.position(old);
      // An app that edits a row it was given moves it out of place: find it by id then.
      if (this.head[i] !== old) i = this.head.indexOf(old);
      this.edit(i);
      if (rec !== null && matches(this.q, rec) && this.stays(i, rec)) {
        // An update that keeps the row's place (every update under watch(kind), ordered by
        // id): no two splices of a long head.
        this.head[i] = rec;
        this.byId.set(id, rec);
        return this.complete || this.head.length >= this.need;
      }
      this.head.splice(i, 1);
      this.byId.delete(id);
    }
    if (rec !== null && matches(this.q, rec) && (this.complete || this.cmp(rec, this.frontier) <= 0)) {
      const p = this.position(rec);
      this.head.splice(p, 0, rec);
      this.byId.set(id, rec);
      this.edit(p);
      if (this.head.length > this.cap) {
        // The last row leaves the head; every row after it is beyond it.
        const dropped = this.head.pop();
        this.byId.delete(dropped.id);
        this.complete = false;
        this.frontier = dropped;
      }
    }
    return this.complete || this.head.length >= this.need;
  }

  /** rows: the result to call back with, or null when it did not change since the last call. */
  rows() {
    if (!this.changed) return null;
    const { touched, reloaded } = this;
    this.changed = false;
    this.touched = Infinity;
    this.reloaded = false;
    // Without an offset, edits alone change the result exactly when one lies in its window:
    // each changed id is applied once, and a row removed, replaced by a different version or
    // put in before the window's end leaves the window other than it was.
    const known = !reloaded && this.q.offset === 0 && this.emitted !== null;
    if (known && touched >= this.need) return null;
    const rows = applyWindow(this.q, this.head);
    const prev = this.emitted;
    this.emitted = rows;
    if (known) return rows;
    if (prev !== null && prev.length === rows.length && rows.every((r, i) => sameRecord(r, prev[i]))) return null;
    return rows;
  }
}

// Records cross as JSON of one encoder: same text, same record (a re-put that changed nothing).
function sameRecord(a, b) {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

class Feed {
  #kind;
  #source;
  #onError;
  #watches = new Set();
  // Changed ids not yet handled: id → record (known) or undefined (to read).
  #pending = new Map();
  #whole = false;
  #scheduled = false;
  #running = false;
  #reading = false;
  #stopped = false;

  constructor(kind, source, onError) {
    this.#kind = kind;
    this.#source = source;
    this.#onError = onError;
  }

  add(w) {
    this.#watches.add(w);
    this.#schedule();
  }

  remove(w) {
    this.#watches.delete(w);
    return this.#watches.size;
  }

  stop() {
    this.#stopped = true;
    this.#watches.clear();
  }

  change(ids, records) {
    if (this.#watches.size === 0) return;
    if (ids.length === 0) this.#whole = true;
    // A record carried by an event that arrived during a read may be older than what that
    // read saw; it is read again instead.
    const carried = Array.isArray(records) && records.length === ids.length && !this.#reading;
    // A deleted record comes as null; a record's own deletedAt field is data like any other.
    for (let i = 0; i < ids.length; i++) this.#pending.set(ids[i], carried ? records[i] : undefined);
    this.#schedule();
  }

  #schedule() {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#run();
    });
  }

  async #read(fn) {
    this.#reading = true;
    try {
      return await fn();
    } finally {
      this.#reading = false;
    }
  }

  async #run() {
    if (this.#running) return;
    this.#running = true;
    // Watches whose load failed in this run wait for the next change (no retry loop).
    const failed = new Set();
    try {
      while (!this.#stopped) {
        const whole = this.#whole;
        const pending = this.#pending;
        const toLoad = [...this.#watches].filter((w) => whole || (!w.loaded && !failed.has(w)));
        if (pending.size === 0 && toLoad.length === 0) break;
        this.#whole = false;
        this.#pending = new Map();
        const rest = [...this.#watches].filter((w) => w.loaded && !toLoad.includes(w));
        if (rest.length > 0 && pending.size > 0) {
          const unknown = [...pending].filter(([, r]) => r === undefined).map(([id]) => id);
          if (unknown.length > 0) {
            const recs = await this.#read(() => this.#source.getMany(this.#kind, unknown));
            unknown.forEach((id, i) => pending.set(id, recs[i]));
          }
          for (const w of rest) {
            if (w.stopped) continue;
            let ok = true;
            for (const [id, rec] of pending) ok = w.apply(id, rec) && ok;
            if (!ok) toLoad.push(w);
          }
        }
        if (toLoad.length > 0) await this.#load(toLoad, failed);
        for (const w of this.#watches) {
          const rows = w.stopped || !w.loaded ? null : w.rows();
          if (rows === null) continue;
          try {
            w.cb(rows);
          } catch (e) {
            reportError(e);
          }
        }
      }
    } catch (e) {
      // A shared read failed: the watches keep their last result; the next change reloads them.
      for (const w of this.#watches) w.loaded = false;
      if (!this.#stopped) this.#onError(e);
    } finally {
      this.#running = false;
    }
  }

  // #load re-reads the heads of watches, each on its own: a watch whose read fails (a storage
  // error, a query the store refuses) is reported and keeps its last result until the next
  // change; the others go on.
  async #load(watches, failed) {
    const results = await this.#read(() => Promise.allSettled(watches.map((w) => this.#source.query(this.#kind, w.loadJSON))));
    watches.forEach((w, i) => {
      const r = results[i];
      if (r.status === 'fulfilled') {
        w.setHead(r.value);
        return;
      }
      w.loaded = false;
      failed.add(w);
      if (!this.#stopped) this.#onError(r.reason);
    });
  }
}

function reportError(e) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
  else console.error('offsync: a watch callback threw', e);
}
