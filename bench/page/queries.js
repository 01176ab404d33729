// The query scenarios of the harness (step 'query'): what each side runs for one side-neutral
// query spec, and the data they run on. Every side answers with the ids it read, so that the
// harness checks that all sides return the same rows.
import { makeRecord } from './records.js';
import { request } from './idb.js';

// A query record: grp has `groups` values (each held by 1/groups of the records, the indexed
// equality); n is unique (a permutation of 0..1,000,002), so that every ordered page has one
// right answer whatever a side does with ties.
export function queryRecord(i, groups, version = 0) {
  return { ...makeRecord('q', i, version), grp: i % groups, n: (i * 7919) % 1000003 };
}

// The specs (see harness.mjs): eq {field, value}; range {field, lo, hi, limit} (ordered by
// field, descending); count {field, lo, hi}; scan {prefix, limit} (body startsWith prefix,
// ordered by n descending, no index on body).

/** offsync: db.query / db.count. */
export function offsyncQuery(db, kind, spec) {
  switch (spec.type) {
    case 'eq': return db.query(kind, { where: { [spec.field]: spec.value } });
    case 'range': return db.query(kind, { where: { [spec.field]: { gte: spec.lo, lt: spec.hi } }, orderBy: [[spec.field, 'desc']], limit: spec.limit });
    case 'count': return db.count(kind, { where: { [spec.field]: { gte: spec.lo, lt: spec.hi } } });
    default: return db.query(kind, { where: { body: { startsWith: spec.prefix } }, orderBy: [['n', 'desc']], limit: spec.limit });
  }
}

/** raw: one IndexedDB index request (getAll, getAllRecords 'prev' or count); a scan is getAll + filter + sort. */
export async function rawQuery(db, kind, spec) {
  const st = db.transaction(`r:${kind}`).objectStore(`r:${kind}`);
  switch (spec.type) {
    case 'eq': return request(st.index(spec.field).getAll(spec.value));
    case 'range': {
      const ix = st.index(spec.field);
      const range = IDBKeyRange.bound(spec.lo, spec.hi, false, true);
      // getAllRecords (Chromium 141+) reads a descending page in one request; older browsers walk a cursor.
      if (typeof ix.getAllRecords === 'function') {
        return (await request(ix.getAllRecords({ query: range, count: spec.limit, direction: 'prev' }))).map((r) => r.value);
      }
      return new Promise((resolve, reject) => {
        const out = [];
        const req = ix.openCursor(range, 'prev');
        req.onsuccess = () => {
          const c = req.result;
          if (!c || out.length === spec.limit) return resolve(out);
          out.push(c.value);
          c.continue();
        };
        req.onerror = () => reject(req.error);
      });
    }
    case 'count': return request(st.index(spec.field).count(IDBKeyRange.bound(spec.lo, spec.hi, false, true)));
    default: {
      const all = await request(st.getAll());
      return all.filter((r) => typeof r.body === 'string' && r.body.startsWith(spec.prefix))
        .sort((a, b) => b.n - a.n || (a.id < b.id ? -1 : 1)).slice(0, spec.limit);
    }
  }
}

/** RxDB: find / count with the same selector (its query planner picks the index). */
export async function rxdbQuery(col, spec) {
  switch (spec.type) {
    case 'eq': return (await col.find({ selector: { [spec.field]: spec.value } }).exec()).map((d) => d.toJSON());
    case 'range': return (await col.find({ selector: { [spec.field]: { $gte: spec.lo, $lt: spec.hi } }, sort: [{ [spec.field]: 'desc' }], limit: spec.limit }).exec()).map((d) => d.toJSON());
    case 'count': return col.count({ selector: { [spec.field]: { $gte: spec.lo, $lt: spec.hi } } }).exec();
    default: return (await col.find({ selector: { body: { $regex: `^${spec.prefix}` } }, sort: [{ n: 'desc' }], limit: spec.limit }).exec()).map((d) => d.toJSON());
  }
}

/** The answer the harness compares across sides: a count, or the sorted ids. */
export function answer(result) {
  return typeof result === 'number' ? result : result.map((r) => r.id).sort().join(',');
}
