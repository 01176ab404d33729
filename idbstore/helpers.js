// The JavaScript half of idbstore (see helpers.go): the body of a function that returns the
// helpers object H. offsync.js imports it as ./idb-helpers.js (made by `make wasm`) and gives it
// to the store, so pages need no 'unsafe-eval' in their Content-Security-Policy; idbstore's
// builds without the offsyncjs tag (its tests) embed this file and compile it with Function when
// not given the helpers (helpersource.go).
const H = {};
const ser = (v) => (v === undefined ? null : v);
H.open = ({ name, version, upgrade }, cb) => {
  let req;
  try { req = indexedDB.open(name, version); } catch (e) { cb(false, e); return; }
  req.onupgradeneeded = (ev) => {
    const err = upgrade(req.result, req.transaction, ev.oldVersion);
    if (err) { req.transaction.abort(); }
  };
  req.onsuccess = () => {
    const db = req.result;
    const h = { db, closed: false };
    // Another connection wants a newer schema: let it through; the store reopens on its next call.
    db.onversionchange = () => { db.close(); h.closed = true; };
    db.onclose = () => { h.closed = true; };
    cb(true, h);
  };
  req.onerror = () => cb(false, req.error);
};
// afterTask runs f in a task of its own, after the current one: a message in browsers (not
// throttled in hidden tabs as timers are), a timer under Node (where a port would keep the
// process alive).
const afterTask = (() => {
  if (globalThis.process?.versions?.node) return (f) => setTimeout(f, 0);
  const queue = [];
  let channel = null;
  return (f) => {
    if (channel === null) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => queue.shift()();
    }
    queue.push(f);
    channel.port2.postMessage(null);
  };
})();
// begin opens a transaction. With committed (a function; WithCommitted in committed.go), its
// completion calls committed(arg) at once and tells Go in a task after this one.
H.begin = (h, { stores, mode, durability, committed, arg }, cb) => {
  const tx = h.db.transaction(stores, mode, { durability });
  tx.oncomplete = typeof committed === 'function'
    ? () => { committed(arg); afterTask(() => cb(1, true, null)); }
    : () => cb(1, true, null);
  tx.onabort = () => cb(1, false, tx.error);
  return tx;
};
H.commit = (tx) => { if (typeof tx.commit === 'function') tx.commit(); };
H.abort = (tx) => { try { tx.abort(); } catch (e) { /* already finished */ } };
H.range = (lo, loOpen, hi, hiOpen) => {
  if (lo !== null && hi !== null) return IDBKeyRange.bound(lo, hi, loOpen, hiOpen);
  if (lo !== null) return IDBKeyRange.lowerBound(lo, loOpen);
  if (hi !== null) return IDBKeyRange.upperBound(hi, hiOpen);
  return null;
};
// gather runs src[method](key) for every key of the JSON array keys; result: JSON array.
H.gather = (src, { method, keys }, cb) => {
  const ks = (JSON.parse(keys) || []);
  const out = new Array(ks.length);
  let left = ks.length, failed = false;
  if (left === 0) { cb(0, true, '[]'); return; }
  ks.forEach((k, i) => {
    const r = src[method](k);
    r.onsuccess = () => { out[i] = unpack(ser(r.result)); if (--left === 0 && !failed) cb(0, true, JSON.stringify(out)); };
    r.onerror = () => { if (!failed) { failed = true; cb(0, false, r.error); } };
  });
};
// Schema v5: one row per entity in the records store (records.go): the record's fields when
// it has one (no data: an entity with pending ops and no record, which readers skip as they
// skip tombstones), its pending ops in order (ops, each with its seq, never inFlight), pseq
// (the first op's seq, indexed by 'pending': sparse, rows without ops are not in it) and oids
// (the ops' ids, the unique multiEntry index 'opIds': an op id is pending on one row at most).
// An op whose payload is the row's data (an upsert's usually is) stores pd: 1 instead of a
// second copy: a row is written and read (every outbox page) with its data once.
const hasRec = (v) => v.data !== undefined;
// Schema v8: a row's data of packMin characters or more with one past U+00FF is stored as its
// UTF-8 bytes (a Uint8Array). V8 clones such a string as UTF-16, two bytes a character, for
// IndexedDB to write and read back; as UTF-8 it is about half that for mostly Latin text,
// and reads cost the browser and the page less (docs/DESIGN.md "Wide texts are stored as
// UTF-8"). pack makes a row so just before it is put; unpack makes its data text again right
// after it is read, before anything else looks at it. Every data string is well-formed (the
// app's JSON.stringify or Go's UTF-8), so the round trip gives it back exactly.
const packMin = 1024;
let packAny = false; // packAll
const wide = /[^\x00-\xff]/, utf8In = new TextEncoder(), utf8Out = new TextDecoder();
// utf8 is s's UTF-8 bytes, in a Uint8Array of their own. encodeInto a reused buffer, then a
// copy of what it wrote, took under half of encode's time for the bench's large records (encode
// sizes and copies a result of its own). A UTF-16 code unit takes at most 3 bytes; larger texts
// than scratchMax allows use encode. offsync.js's put encodes a large record with it (H.utf8).
const scratchMax = 1 << 20;
let scratch = null;
const utf8 = (s) => {
  const need = s.length * 3;
  if (need > scratchMax) return utf8In.encode(s);
  if (scratch === null || scratch.length < need) scratch = new Uint8Array(Math.max(need, 1 << 14));
  return scratch.slice(0, utf8In.encodeInto(s, scratch).written);
};
H.utf8 = utf8;
// pack's utf8Made, when given, is the data's UTF-8 already made (a view, which it copies: a
// clone of a view writes its whole buffer).
const pack = (v, utf8Made) => {
  const d = v.data;
  if (typeof d === 'string' && (packAny || (d.length >= packMin && wide.test(d)))) v.data = utf8Made !== undefined ? utf8Made.slice() : utf8(d);
  return v;
};
const unpack = (v) => {
  if (v !== null && typeof v === 'object' && v.data instanceof Uint8Array) v.data = utf8Out.decode(v.data);
  return v;
};
const unpackAll = (vs) => { for (const v of vs) unpack(v); return vs; };
// packAll packs every row's data, whatever its length and characters: tests run the store's
// suites over packed rows with it.
H.packAll = () => { packAny = true; };
const dead = (v) => v.deleted || v.data === undefined;
const rowKey = (v) => JSON.stringify([v.kind, v.id]);
// setOps makes ops (in order) v's pending ops.
const setOps = (v, ops) => {
  if (ops.length > 0) {
    for (const o of ops) if (typeof o.payload === 'string' && o.payload === v.data) { delete o.payload; o.pd = 1; }
    v.ops = ops; v.pseq = ops[0].seq; v.oids = ops.map((o) => o.opId);
  } else {
    delete v.ops; delete v.pseq; delete v.oids;
  }
  return v;
};
// opsOf returns v's pending ops as setOps took them (payloads that are the data put back, as
// the data is: text, or UTF-8 bytes when v was not unpacked).
const opsOf = (v) => {
  if (!v.ops) return [];
  for (const o of v.ops) if (o.pd) { o.payload = v.data; delete o.pd; }
  return v.ops;
};
// recAt reads the framed record (REC's order) at text[at] as a row value, without ops, and
// the index of the RS after it (text.length for the last): its fields are found with indexOf
// and sliced, so that its data, most of the text, is scanned once (splitting into lines and
// then fields scanned it twice: with large records, a few ms a page). A record flagged 't'
// (flush only) names its data by its number among texts, the call's record texts (WithTexts in
// texts.go) instead of carrying a copy: a string, or putMany's {text, utf8} (offsync.js
// arrayUTF8), whose utf8 it returns for pack.
const recAt = (text, at, texts) => {
  const a = text.indexOf(US, at), b = text.indexOf(US, a + 1), c = text.indexOf(US, b + 1), d = text.indexOf(US, c + 1);
  if (!(a >= at && b > a && c > b && d > c)) throw new Error('offsync: a framed record without its fields');
  let end = text.indexOf(RS, d + 1);
  if (end < 0) end = text.length;
  const v = { kind: text.slice(at, a), id: text.slice(a + 1, b), data: text.slice(d + 1, end) };
  if (c > b + 1) v.updatedAt = text.slice(b + 1, c);
  let utf8;
  if (d === c + 2) {
    const flag = text.charCodeAt(c + 1);
    if (flag === 0x31) v.deleted = true; // '1'
    else if (flag === 0x74) { // 't'
      const t = texts[Number(v.data)];
      if (typeof t === 'string') v.data = t;
      else { v.data = t.text; utf8 = t.utf8; }
    }
  }
  return { v, end, utf8 };
};
// Marks (schema v5) are the op ids of the ops in flight, one entry {n, ids} per batch marked at
// once. Entries are few (the batches in flight), so a reader takes them all with one getAll
// beside its own reads. The entries a transaction read are kept for its later changes
// (unmark, mark), which rewrite them without reading again.
const marksRead = new WeakMap();
const markedIds = (entries) => {
  const set = new Set();
  for (const e of entries) if (e.ids) for (const id of e.ids) set.add(id);
  return set;
};
// unmark removes ids from the entries tx read: what is left of an entry is put back, an
// emptied entry deleted.
const unmark = (tx, ids) => {
  const entries = marksRead.get(tx);
  if (entries === undefined) throw new Error('offsync: marks changed before they were read');
  const drop = new Set(ids), st = tx.objectStore('marks');
  for (const e of entries) {
    if (!e.ids) continue;
    const keep = e.ids.filter((id) => !drop.has(id));
    if (keep.length === e.ids.length) continue;
    if (keep.length === 0) st.delete(e.n); else st.put({ n: e.n, ids: keep });
    e.ids = keep;
  }
};
// mark adds one entry for ids (none of them marked already).
const mark = (tx, ids) => { if (ids.length > 0) tx.objectStore('marks').add({ ids }); };
// countInto counts the pending ops (the opIds index holds one entry per op) into
// tx.offsyncCount: issued after a transaction's writes, it counts what the transaction leaves.
const countInto = (tx) => {
  const c = tx.objectStore('records').index('opIds').count();
  c.onsuccess = () => { tx.offsyncCount = c.result; };
};
// loadRows is load's answer for rows (one per key, null when absent): framed records of the
// rows that hold one, their ops with inFlight from the marks.
const loadRows = (rows, marked, parked) => {
  const recs = rows.map((v) => (v !== null && hasRec(v) ? unpack(v) : null));
  const ops = rows.map((v) => (v === null ? [] : opsOf(v)));
  for (const vs of ops) for (const o of vs) o.inFlight = marked.has(o.opId);
  return loadResult(recs, ops, parked);
};
// load: see load in entities.go. Result: loadResult (below; decodeLoaded in loadframe.go).
H.load = (tx, { query, withParked }, cb) => {
  const q = JSON.parse(query);
  const ks = q[0] || [], ids = q[1] || [];
  const records = tx.objectStore('records');
  const rows = new Array(ks.length).fill(null);
  let left = 1, failed = false, parkedAt = -1, marked = null;
  const settle = () => {
    if (--left !== 0 || failed) return;
    cb(0, true, loadRows(rows, marked, parkedAt));
  };
  const req = (r, ok) => {
    left++;
    r.onsuccess = () => { ok(r.result); settle(); };
    r.onerror = () => { if (!failed) { failed = true; cb(0, false, r.error); } };
  };
  req(tx.objectStore('marks').getAll(), (es) => { marksRead.set(tx, es); marked = markedIds(es); });
  const getRow = (i) => req(records.get(ks[i]), (v) => { rows[i] = ser(v); });
  const byKind = new Map();
  ks.forEach((k, i) => { const g = byKind.get(k[0]); if (g) g.push(i); else byKind.set(k[0], [i]); });
  for (const [kind, is] of byKind) {
    if (is.length === 1) { getRow(is[0]); continue; }
    // Several keys: the keys present in their id range first (a batch of new ids reads no
    // row), then a get of each present one, or one getAll when the range holds few others;
    // each key on its own when the range is crowded.
    let lo = ks[is[0]][1], hi = lo;
    for (const i of is) { const id = ks[i][1]; if (id < lo) lo = id; if (id > hi) hi = id; }
    const range = IDBKeyRange.bound([kind, lo], [kind, hi]), limit = 2 * is.length + 16;
    const at = new Map();
    for (const i of is) { const g = at.get(ks[i][1]); if (g) g.push(i); else at.set(ks[i][1], [i]); }
    req(records.getAllKeys(range, limit), (found) => {
      if (found.length === limit) { for (const i of is) getRow(i); return; }
      if (found.length > 1 && found.length <= is.length + 16) {
        // The range holds few rows beyond the keys' (an ack of a batch of close ids): one
        // getAll reads them all, where a get each costs a request each.
        req(records.getAll(range), (vs) => { for (const v of vs) for (const i of (at.get(v.id) || [])) rows[i] = v; });
        return;
      }
      for (const k of found) for (const i of (at.get(k[1]) || [])) getRow(i);
    });
  }
  const want = withParked ? ids : [];
  const parked = want.length > 0 ? tx.objectStore('parked').index('opId') : null;
  const findParked = () => want.forEach((id, j) => req(parked.getKey(id), (k) => {
    if (k !== undefined && (parkedAt < 0 || j < parkedAt)) parkedAt = j;
  }));
  if (want.length === 1) findParked();
  else if (want.length > 1) req(parked.objectStore.count(), (c) => { if (c > 0) findParked(); });
  settle();
};
// ackPlain: see ackPlain in outbox.go. Result: the positions of the acks not settled.
H.ackPlain = (tx, { recs, ids, seqs }, cb) => {
  const is = JSON.parse(ids), qs = JSON.parse(seqs);
  const records = tx.objectStore('records');
  let lo = Infinity, hi = -Infinity;
  for (const q of qs) { if (q < lo) lo = q; if (q > hi) hi = q; }
  let left = 2, failed = false, rows = null;
  const fail = (r) => () => { if (!failed) { failed = true; cb(0, false, r.error); } };
  const done = () => {
    if (--left !== 0 || failed) return;
    const found = new Map();
    for (const v of rows) found.set(rowKey(v), v);
    const ix = ixOf(tx), settled = [], rest = [];
    for (let i = 0, at = 0; at < recs.length; i++) {
      const { v, end } = recAt(recs, at), row = found.get(rowKey(v));
      at = end + 1;
      if (row === undefined || !row.ops || row.ops.length !== 1 || row.ops[0].opId !== is[i]) { rest.push(i); continue; }
      records.put(pack(ixRow(ix.get(v.kind), v)));
      settled.push(is[i]);
    }
    if (settled.length > 0) unmark(tx, settled);
    cb(0, true, rest);
  };
  const m = tx.objectStore('marks').getAll();
  m.onsuccess = () => { marksRead.set(tx, m.result); done(); };
  m.onerror = fail(m);
  const r = records.index('pending').getAll(IDBKeyRange.bound(lo, hi), 2 * qs.length + 16);
  r.onsuccess = () => { rows = r.result; done(); };
  r.onerror = fail(r);
};
// writeAhead writes one local write planned as a create: its framed record (one flagged 't'
// names its data among texts) and its framed op as ONE row, added: the add fails on an
// existing row (a record, or pending ops without one) and on an op id pending already, which
// aborts the transaction (a ConstraintError the caller takes for a refutation). Without parked
// it commits at once; with parked (not for the engine's fresh op ids, Options.FreshOpIDs) it
// commits once the parked opId index says the id is not parked, and reports -1 otherwise (the
// caller aborts). With count, the pending ops are counted after the add (tx.offsyncCount).
H.writeAhead = (tx, { rec, op, texts, parked, count }, cb) => {
  const o = framedOps(op)[0], { v, utf8 } = recAt(rec, 0, texts);
  ixRow(ixOf(tx).get(v.kind), v);
  tx.objectStore('records').add(pack(setOps(v, [o]), utf8));
  if (count) countInto(tx);
  if (!parked) { H.commit(tx); return; }
  const k = tx.objectStore('parked').index('opId').getKey(o.opId);
  k.onsuccess = () => { if (k.result !== undefined) cb(0, true, -1); else H.commit(tx); };
  k.onerror = () => cb(0, false, k.error);
};
// page reads up to count values in range with getAll; result: [rawCount, text, lastKey,
// framed]. Records are framed (frame.go) when asked and possible, JSON otherwise.
const RS = '\x1e', US = '\x1f';
// The fields of a framed record (frame.go) and of a framed op (opframe.go), by position: the
// one table of them, which opframe.go's constants name alike (a test compares the two).
const REC = { kind: 0, id: 1, updatedAt: 2, deleted: 3, data: 4 };
const OP = { seq: 0, opId: 1, kind: 2, eid: 3, type: 4, base: 5, ts: 6, attempt: 7, flags: 8, changed: 9, payload: 10 };
H.frameFields = { rec: REC, op: OP };
const framable = (s) => typeof s === 'string' && s.indexOf(RS) < 0 && s.indexOf(US) < 0;
H.page = (src, { lo, loOpen, hi, count, records }, cb) => {
  const r = src.getAll(H.range(lo, loOpen, hi, false), count);
  r.onsuccess = () => {
    const vs = unpackAll(r.result);
    let last = null;
    if (vs.length > 0) {
      const kp = src.keyPath, v = vs[vs.length - 1];
      last = Array.isArray(kp) ? kp.map((f) => v[f]) : v[kp];
    }
    if (!records) { cb(0, true, [vs.length, JSON.stringify(vs), last, false]); return; }
    const keep = vs.filter((v) => !dead(v));
    const parts = new Array(keep.length);
    for (let i = 0; i < keep.length; i++) {
      const v = keep[i], u = v.updatedAt ?? '';
      if (!framable(v.id) || !framable(u) || !framable(v.data)) {
        cb(0, true, [vs.length, JSON.stringify(keep), last, false]);
        return;
      }
      parts[i] = v.kind + US + v.id + US + u + US + US + v.data; // in REC's order
    }
    cb(0, true, [vs.length, parts.join(RS), last, true]);
  };
  r.onerror = () => cb(0, false, r.error);
};
// flush: see flush in entities.go ('' = none); completion is the transaction's. Rows: recs
// (framed: a line per row, empty for a row without record; else JSON, null for none), ops (all
// rows' ops, framed or JSON lists) and counts (how many ops each row has, comma-separated; ''
// for no rows); texts: the record texts framed lines may name (recAt).
H.flush = (tx, { recs, ops, counts, framed, dels, unmarks, marks, count, texts }) => {
  if (unmarks !== '') unmark(tx, JSON.parse(unmarks));
  if (marks !== '') mark(tx, JSON.parse(marks));
  const st = tx.objectStore('records');
  if (dels !== '') delAll(st, dels);
  if (counts !== '') {
    const ix = ixOf(tx), ns = counts.split(',').map(Number);
    let rs, os;
    if (framed) {
      rs = recs.split(RS).map((line) => (line === '' ? null : recAt(line, 0, texts)));
      const all = ops === '' ? [] : framedOps(ops);
      os = [];
      let at = 0;
      for (const n of ns) { os.push(all.slice(at, at + n)); at += n; }
    } else {
      rs = JSON.parse(recs).map((v) => (v === null ? null : { v, utf8: undefined })); os = JSON.parse(ops);
    }
    rs.forEach((r, i) => {
      const v = r !== null ? ixRow(ix.get(r.v.kind), r.v) : { kind: os[i][0].kind, id: os[i][0].eid };
      st.put(pack(setOps(v, os[i]), r?.utf8));
    });
  }
  if (count) countInto(tx);
};
// Ahead lists (core/storekit/watermark.go "Ahead lists"; schema v7): per kind a head row
// ['offsync', 'ahead', kind] {n, c} and c chunks ['offsync', 'ahead', kind, i] {i, ids, us, vs}:
// the ids, watermarks and versions of the n records acks wrote past the cursor since the
// kind's watermark was last 0, a chunk per ack. It exists only while whole: a write past the
// cursor it does not list (a refetch, a cursor reset), or more than aheadMax, deletes it, and
// a pull then reads every item under the watermark. Chunks past a head's c are not read.
const aheadKey = (kind) => ['offsync', 'ahead', kind];
const aheadChunks = (kind) => IDBKeyRange.bound(['offsync', 'ahead', kind, 0], ['offsync', 'ahead', kind, []]);
const aheadMax = 4096;
const forgetAhead = (meta, kind) => { meta.delete(aheadKey(kind)); meta.delete(aheadChunks(kind)); };
H.forgetAhead = (meta, { kinds }) => { for (const kind of (JSON.parse(kinds) || [])) forgetAhead(meta, kind); };
// raiseWatermarks raises kinds' cursor watermarks to the JSON array of [kind, watermark]
// pairs and adds the JSON [[kind, id, watermark, version]...] written to the kinds' ahead
// lists; not awaited, completion is the transaction's.
H.raiseWatermarks = (tx, { pairs, written }) => {
  const cursors = tx.objectStore('cursors'), meta = tx.objectStore('meta');
  const add = new Map();
  for (const [kind, id, wm, version] of JSON.parse(written)) {
    if (!add.has(kind)) add.set(kind, { i: 0, ids: [], us: [], vs: [] });
    const a = add.get(kind);
    a.ids.push(id); a.us.push(wm); a.vs.push(version);
  }
  for (const [kind, wm] of JSON.parse(pairs)) {
    const r = cursors.get(kind), a = meta.get(aheadKey(kind));
    a.onsuccess = () => {
      const v = r.result || { kind, updatedAt: '', id: '' };
      // A list starts when nothing lies ahead; a missing one stays missing until then.
      const fresh = !(v.wm > 0);
      if (fresh) meta.delete(aheadChunks(kind));
      const head = fresh ? { n: 0, c: 0 } : a.result;
      const more = add.get(kind);
      const n = more === undefined ? 0 : more.ids.length;
      if (head !== undefined && head.n + n <= aheadMax) {
        if (n > 0) { more.i = head.c; meta.put(more, [...aheadKey(kind), head.c]); }
        meta.put({ n: head.n + n, c: head.c + (n > 0 ? 1 : 0) }, aheadKey(kind));
      } else if (head !== undefined) {
        forgetAhead(meta, kind);
      }
      if (!(v.wm >= wm)) { v.wm = wm; cursors.put(v); }
    };
  }
};
// aheadUp (upgrade v6 → v7): each v6 list {ids, us, vs} becomes a head and one chunk.
H.aheadUp = (tx) => queueStep(tx, (next) => {
  const meta = tx.objectStore('meta');
  const c = meta.openCursor(IDBKeyRange.bound(['offsync', 'ahead', ''], ['offsync', 'ahead', []]));
  c.onsuccess = () => {
    const cur = c.result;
    if (cur === null) { next(); return; }
    const k = cur.key, v = cur.value;
    if (k.length === 3 && v && Array.isArray(v.ids)) {
      meta.put({ i: 0, ids: v.ids, us: v.us, vs: v.vs }, [...k, 0]);
      cur.update({ n: v.ids.length, c: 1 });
    }
    cur.continue();
  };
});
// framedOps reads framed ops (opframe_put.go) into the values JSON would give, except that an
// op flagged 'd' (its payload is its row's data, not sent) is as setOps stores it: pd: 1, no
// payload. An op without base, attempt or other flags (the usual local write) is one object
// literal.
const framedOps = (text) => text.split(RS).map((line) => {
  const f = line.split(US), fl = f[OP.flags], ch = f[OP.changed];
  const payload = fl.includes('p') ? f[OP.payload] : null;
  const changed = ch === '-' ? null : (ch.length > 1 ? ch.slice(1).split(GS) : []);
  if (f[OP.base] === '' && f[OP.attempt] === '0') {
    if (fl === 'd') return { seq: Number(f[OP.seq]), opId: f[OP.opId], kind: f[OP.kind], eid: f[OP.eid], type: f[OP.type], pd: 1, changed, ts: Number(f[OP.ts]) };
    if (fl === 'p' || fl === '') return { seq: Number(f[OP.seq]), opId: f[OP.opId], kind: f[OP.kind], eid: f[OP.eid], type: f[OP.type], payload, changed, ts: Number(f[OP.ts]) };
  }
  const v = { seq: Number(f[OP.seq]) };
  v.opId = f[OP.opId]; v.kind = f[OP.kind]; v.eid = f[OP.eid]; v.type = f[OP.type];
  if (fl.includes('d')) v.pd = 1; else v.payload = payload;
  if (f[OP.base] !== '') v.base = f[OP.base];
  v.changed = changed; v.ts = Number(f[OP.ts]);
  if (f[OP.attempt] !== '0') v.attempt = Number(f[OP.attempt]);
  if (fl.includes('f')) v.force = true;
  return v;
});
// putFramed puts framed records (frame.go) as rows without ops (ApplyPage writes no row with
// pending ops); completion is the transaction's.
const putFramed = (src, text) => {
  const ix = ixOf(src.transaction);
  for (let at = 0; at < text.length;) {
    const { v, end } = recAt(text, at);
    src.put(pack(ix.size === 0 ? v : ixRow(ix.get(v.kind), v)));
    at = end + 1;
  }
};
H.putFramed = (src, { text }) => putFramed(src, text);
// keys reads up to count primary keys in range with getAllKeys; result: JSON array.
H.keys = (src, { lo, loOpen, hi, count }, cb) => {
  const r = src.getAllKeys(H.range(lo, loOpen, hi, false), count);
  r.onsuccess = () => cb(0, true, JSON.stringify(r.result));
  r.onerror = () => cb(0, false, r.error);
};
// indexKeys collects the distinct index keys in range (a key cursor walked inside JS).
H.indexKeys = (index, { lo, hi }, cb) => {
  const seen = new Map();
  const r = index.openKeyCursor(H.range(lo, false, hi, false), 'nextunique');
  r.onsuccess = () => {
    const c = r.result;
    if (c === null) { cb(0, true, JSON.stringify([...seen.values()])); return; }
    seen.set(JSON.stringify(c.key), c.key);
    c.continue();
  };
  r.onerror = () => cb(0, false, r.error);
};
// pageRead reads what ApplyPage decides kind's page with, in one crossing: kind's cursor
// watermark wm, the ids of its entities with pending ops (the pending index's primary keys)
// and the stored versions of the page items (ids, JSON) whose version may be older than wm
// (micros, JSON: each item's version in µs, floored; 2^53-1 when it has none), read from their
// rows once wm is known; result: JSON {wm, ids, vers: [[id, version]...]}.
H.pageRead = (tx, { kind, ids, micros }, cb) => {
  const is = JSON.parse(ids), us = JSON.parse(micros), records = tx.objectStore('records');
  let wm = 0, pend = [], left = 1, failed = false;
  const vers = [];
  const settle = () => {
    if (--left !== 0 || failed) return;
    cb(0, true, JSON.stringify({ wm, ids: pend, vers }));
  };
  const req = (r, ok) => {
    left++;
    r.onsuccess = () => { ok(r.result); settle(); };
    r.onerror = () => { if (!failed) { failed = true; cb(0, false, r.error); } };
  };
  // An item under the watermark may be older than its stored copy only if that copy was written
  // past the cursor. With the kind's ahead list, a listed id's stored version is its last
  // listed one (a write since then is listed, or lies at or before the cursor): an item under
  // that version's watermark is read, another is answered with it unread; an unlisted id's
  // item is not read. Without a list, every item under the watermark is read.
  // The list is read only under a watermark (a first pull has none).
  const read = (id) => req(records.get([kind, id]), (v) => { if (v !== undefined && hasRec(v)) vers.push([id, v.updatedAt ?? '']); });
  req(tx.objectStore('cursors').get(kind), (c) => {
    wm = (c && c.wm) || 0;
    if (wm === 0) return;
    const meta = tx.objectStore('meta');
    let chunks = null;
    req(meta.getAll(aheadChunks(kind)), (cs) => { chunks = cs; });
    req(meta.get(aheadKey(kind)), (head) => {
      if (head === undefined) {
        is.forEach((id, i) => { if (us[i] < wm) read(id); });
        return;
      }
      const ahead = new Map();
      for (const list of chunks) {
        if (!(list.i < head.c)) continue;
        list.ids.forEach((id, i) => { const e = ahead.get(id); if (e === undefined || !(e.u >= list.us[i])) ahead.set(id, { u: list.us[i], v: list.vs[i] }); });
      }
      is.forEach((id, i) => {
        const e = ahead.get(id);
        if (e === undefined) return;
        if (us[i] < e.u) read(id);
        else vers.push([id, e.v]);
      });
    });
  });
  req(records.index('pending').getAllKeys(), (ks) => { for (const k of ks) if (k[0] === kind) pend.push(k[1]); });
  settle();
};
// pageCheck checks the guess a page's writes were issued on (records.go StartPage), before
// they can commit: that the cursor row is the one page (a nonce) wrote, so that page committed,
// with no watermark, and that of ids exactly those in pend have pending ops (what H.pageRead
// would have told ApplyPage). It commits the transaction when the guess holds and aborts it
// otherwise; result: '' or why not: 'before' (the cursor row is not that page's) or 'state'.
H.pageCheck = (tx, { kind, page, ids, pend }, cb) => {
  const is = JSON.parse(ids), want = new Set(JSON.parse(pend));
  let left = 2, failed = false, cur, keys;
  const done = () => {
    if (--left !== 0 || failed) return;
    let why = '';
    if (!cur || cur.p !== page) why = 'before';
    else if (cur.wm) why = 'state';
    else {
      const have = new Set();
      for (const k of keys) if (k[0] === kind) have.add(k[1]);
      if (is.some((id) => have.has(id) !== want.has(id))) why = 'state';
    }
    if (why === '') H.commit(tx); else H.abort(tx);
    cb(0, true, why);
  };
  const fail = (r) => () => { if (!failed) { failed = true; cb(0, false, r.error); } };
  const c = tx.objectStore('cursors').get(kind);
  c.onsuccess = () => { cur = c.result; done(); };
  c.onerror = fail(c);
  const k = tx.objectStore('records').index('pending').getAllKeys();
  k.onsuccess = () => { keys = k.result; done(); };
  k.onerror = fail(k);
};
// frameOps frames outbox ops (opframe.go), a missing one (null) as an empty line; null when
// a string in them holds a separator (the caller then sends JSON). A payload may be a packed
// row's UTF-8 bytes (pendingPage does not unpack): the frame is then a Uint8Array of UTF-8,
// which Go copies as it is (jstext Text), instead of text decoded here only for Go to encode
// it again.
const GS = '\x1d';
const framableBytes = (b) => b.indexOf(0x1e) < 0 && b.indexOf(0x1f) < 0; // RS and US
const frameOps = (vs) => {
  const parts = new Array(vs.length);
  let packed = false;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (v === null || v === undefined) { parts[i] = ''; continue; }
    const base = v.base ?? '', ch = v.changed, p = v.payload;
    if (!framable(v.opId) || !framable(v.kind) || !framable(v.eid) || !framable(v.type) || !framable(base)) return null;
    const hasPayload = p !== null && p !== undefined, bytes = p instanceof Uint8Array;
    if (hasPayload && !(bytes ? framableBytes(p) : framable(p))) return null;
    if (ch && ch.some((f) => !framable(f) || f.indexOf(GS) >= 0)) return null;
    if (ch && ch.length === 1 && ch[0] === '') return null; // framed, [''] would read back as []
    const flags = (v.inFlight ? 'i' : '') + (v.force ? 'f' : '') + (hasPayload ? 'p' : '');
    // In OP's order.
    parts[i] = [v.seq, v.opId, v.kind, v.eid, v.type, base, v.ts ?? 0, v.attempt ?? 0, flags,
      ch ? '+' + ch.join(GS) : '-', hasPayload && !bytes ? p : ''].join(US);
    if (bytes) { parts[i] = [parts[i], p]; packed = true; }
  }
  return packed ? joinUTF8(parts) : parts.join(RS);
};
// joinUTF8 is the UTF-8 of parts joined by RS, each part a string or [string, bytes].
const joinUTF8 = (parts) => {
  let size = parts.length;
  for (const p of parts) size += typeof p === 'string' ? 3 * p.length : 3 * p[0].length + p[1].length;
  const out = new Uint8Array(size);
  let at = 0;
  parts.forEach((p, i) => {
    if (i > 0) out[at++] = 0x1e;
    if (typeof p === 'string') { at += utf8In.encodeInto(p, out.subarray(at)).written; return; }
    at += utf8In.encodeInto(p[0], out.subarray(at)).written;
    out.set(p[1], at);
    at += p[1].length;
  });
  return out.subarray(0, at);
};
// loadResult is load's answer (loadframe.go): framed [true, records (a line per key, empty
// when absent), the keys' ops in one list, their counts per key, parked], or [false, JSON]
// when a string in them holds a separator (rows whole).
const loadResult = (recs, ops, parked) => {
  const lines = new Array(recs.length);
  let ok = true;
  for (let i = 0; i < recs.length && ok; i++) {
    const v = recs[i];
    if (v === null) { lines[i] = ''; continue; }
    ok = framable(v.kind) && framable(v.id) && framable(v.updatedAt ?? '') && framable(v.data);
    if (ok) lines[i] = v.kind + US + v.id + US + (v.updatedAt ?? '') + US + (v.deleted ? '1' : '') + US + v.data; // in REC's order
  }
  const opsFramed = ok ? frameOps([].concat(...ops)) : null;
  if (opsFramed === null) return [false, JSON.stringify({ recs, ops, parked })];
  return [true, lines.join(RS), opsFramed, ops.map((o) => o.length).join(','), parked];
};
const opsText = (vs) => {
  const t = frameOps(vs);
  if (t !== null) return [t, true];
  for (const o of vs) if (o.payload instanceof Uint8Array) o.payload = utf8Out.decode(o.payload);
  return [JSON.stringify(vs), false];
};
// pendingPage reads the next rows with pending ops in pseq order (the pending index) from lo
// (null: the start) to hi (null: the end; exclusive with hiOpen), up to count rows; at is an
// object kept across the pages of one span (where the last page ended: rows at that pseq are
// read again and skipped, so ties are never lost), state one kept across a read's spans (the
// marks, read with the first page, and with state.count the pending count, counted then; with
// state.thin the ops come without payloads, core.StartReads.Thin).
// Result: [full, text (the rows' ops, each in flight when marked: opsText, a Uint8Array when
// a payload is a packed row's), lastPseq, framed, count (-1: not counted)]: full when the page
// held count rows, so that more may follow.
H.pendingPage = (tx, { lo, hi, hiOpen, count, at, state }, cb) => {
  let left = 1, failed = false;
  const fail = (r) => () => { if (!failed) { failed = true; cb(0, false, r.error); } };
  const records = tx.objectStore('records');
  if (state.marked === undefined) {
    left++;
    const m = tx.objectStore('marks').getAll();
    m.onsuccess = () => { state.marked = markedIds(m.result); done(); };
    m.onerror = fail(m);
  }
  if (state.count && state.n === undefined) {
    left++;
    state.n = -1;
    const c = records.index('opIds').count();
    c.onsuccess = () => { state.n = c.result; done(); };
    c.onerror = fail(c);
  }
  const from = at.pseq !== undefined ? at.pseq : lo, skip = at.seen || new Set();
  const r = records.index('pending').getAll(H.range(from, false, hi, hiOpen), count + skip.size);
  const done = () => {
    if (--left !== 0 || failed) return;
    const got = r.result, vs = skip.size === 0 ? got : got.filter((v) => !skip.has(rowKey(v)));
    if (vs.length > 0) {
      const last = vs[vs.length - 1].pseq;
      const seen = last === at.pseq ? skip : new Set();
      for (const v of vs) if (v.pseq === last) seen.add(rowKey(v));
      at.pseq = last; at.seen = seen;
    }
    const ops = [];
    for (const v of vs) for (const o of opsOf(v)) { o.inFlight = state.marked.has(o.opId); if (state.thin) o.payload = null; ops.push(o); }
    const [text, framed] = opsText(ops);
    cb(0, true, [got.length === count + skip.size, text, at.pseq ?? null, framed, state.n ?? -1]);
  };
  r.onsuccess = done;
  r.onerror = fail(r);
};
// startReads is a sync run's first read (start.go) in a new readonly transaction: the meta
// value at key, the cursor rows at the JSON array kinds, and the rows with pending ops counted;
// up to count of them are read as pendingPage reads them, thin, more are not read but their
// ops counted by kind from the opIds index's keys (one [kind, id] per op). Result:
// pendingPage's answer (or [true, '', null, false, -1] for rows not read), then the meta value
// (null: none), the rows' JSON (null where none) and the counts by kind ([kind, n, kind, n,
// ...]; null when the rows were read). The gets answer before the reads, issued after them.
// The transaction's end is not reported (H.ro).
H.startReads = (h, { key, kinds, count }, cb) => {
  const tx = h.db.transaction(['records', 'marks', 'meta', 'cursors'], 'readonly');
  const ks = JSON.parse(kinds), rows = new Array(ks.length), cs = tx.objectStore('cursors');
  let meta = null;
  const m = tx.objectStore('meta').get(key);
  m.onsuccess = () => { meta = ser(m.result); };
  ks.forEach((k, i) => { const r = cs.get(k); r.onsuccess = () => { rows[i] = ser(r.result); }; });
  const records = tx.objectStore('records'), n = records.index('pending').count();
  n.onerror = () => cb(0, false, n.error);
  n.onsuccess = () => {
    if (n.result <= count) {
      H.pendingPage(tx, { lo: null, hi: null, hiOpen: false, count, at: {}, state: { thin: true } }, (_, ok, v) => {
        if (ok) v.push(meta, JSON.stringify(rows), null);
        cb(0, ok, v);
      });
      return;
    }
    // Counting keys costs a fraction of reading the rows (start.go).
    const r = records.index('opIds').getAllKeys();
    r.onsuccess = () => {
      const totals = new Map();
      for (const k of r.result) totals.set(k[0], (totals.get(k[0]) || 0) + 1);
      cb(0, true, [true, '', null, false, -1, meta, JSON.stringify(rows), [...totals].flat()]);
    };
    r.onerror = () => cb(0, false, r.error);
  };
};
// mark marks the pending ops with the JSON ids in flight (none of them marked yet: a claim
// read their marks), one marks entry; the rows are not rewritten.
H.mark = (tx, { ids }) => mark(tx, JSON.parse(ids));
// putAll writes the JSON array of values; completion is the transaction's.
// Record values get their index properties (ixRow).
const putAll = (src, values) => {
  const ix = src.name === 'records' ? ixOf(src.transaction) : null;
  for (const v of (JSON.parse(values) || [])) src.put(ix === null ? v : pack(ixRow(ix.get(v.kind), v)));
};
H.putAll = (src, { values }) => putAll(src, values);
H.putKeyed = (src, { key, value }) => { src.put(value, key); };
const delAll = (src, keys) => { for (const k of (JSON.parse(keys) || [])) src.delete(k); };
H.delAll = (src, { keys }) => delAll(src, keys);
// queueStep runs step(next) in a schema upgrade after the steps queued before it in tx, which
// ends by calling next. Steps run one after another: two cursors over one store at once would
// each write back a copy that misses the other's change.
const steps = new WeakMap();
const queueStep = (tx, step) => {
  const queued = steps.get(tx);
  if (queued) { queued.push(step); return; }
  const queue = [step];
  steps.set(tx, queue);
  const next = () => {
    const w = queue.shift();
    if (w === undefined) { steps.delete(tx); return; }
    w(next);
  };
  next();
};
// walk rewrites the values of an object store in a schema upgrade (a queued step): fn(v)
// changes v and says whether it did; end, when given, runs after the last value.
const walk = (tx, name, fn, end) => queueStep(tx, (next) => {
  const r = tx.objectStore(name).openCursor();
  r.onsuccess = () => {
    const c = r.result;
    if (c === null) { if (end) end(); next(); return; }
    if (fn(c.value)) c.update(c.value);
    c.continue();
  };
});
// stringifyField rewrites field of every value of store name to its JSON text (upgrade v1 → v2).
H.stringifyField = (tx, { name, field }) => walk(tx, name, (v) => {
  if (v[field] === undefined || v[field] === null || typeof v[field] === 'string') return false;
  v[field] = JSON.stringify(v[field]);
  return true;
});
// moveMarks moves the inFlight flags of outbox ops into one marks entry and names the entities
// with more than one op in the later store (upgrade v2 → v3).
H.moveMarks = (tx) => {
  const seqs = [], count = new Map();
  walk(tx, 'outbox', (v) => {
    const k = JSON.stringify([v.kind, v.eid]);
    count.set(k, (count.get(k) || 0) + 1);
    if (!('inFlight' in v)) return false;
    if (v.inFlight) seqs.push(v.seq);
    delete v.inFlight;
    return true;
  }, () => {
    if (seqs.length > 0) tx.objectStore('marks').add({ seqs });
    for (const [k, n] of count) if (n > 1) tx.objectStore('later').put(1, JSON.parse(k));
  });
};
// countPending writes the outbox's size into the marks store's entry 0 (upgrade v3 → v4).
H.countPending = (tx) => {
  const r = tx.objectStore('outbox').count();
  r.onsuccess = () => { tx.objectStore('marks').put({ n: 0, pending: r.result }); };
};
// toOneRow moves the v4 outbox into the records store's rows (upgrade v4 → v5, after the
// pending and opIds indexes were made): every op, in seq order and keeping its seq, joins its
// entity's row (a row without record when the entity has none), the marks' seqs become op
// ids, the size entry 0 goes, and so do the outbox and later stores. A step of the walk
// queue: the rows it puts are issued before a later walk (query indexes) reads the store.
H.toOneRow = (tx) => queueStep(tx, (next) => {
  const r = tx.objectStore('outbox').getAll();
  r.onsuccess = () => {
    const groups = new Map(), idOf = new Map();
    for (const o of r.result) {
      idOf.set(o.seq, o.opId);
      const k = JSON.stringify([o.kind, o.eid]);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(o);
    }
    const records = tx.objectStore('records');
    let left = groups.size + 1;
    const end = () => {
      if (--left !== 0) return;
      const db = tx.db;
      db.deleteObjectStore('outbox');
      db.deleteObjectStore('later');
      const c = tx.objectStore('marks').openCursor();
      c.onsuccess = () => {
        const cur = c.result;
        if (cur === null) { next(); return; }
        const e = cur.value, ids = (e.seqs || []).map((q) => idOf.get(q)).filter((id) => id !== undefined);
        if (e.n === 0 || ids.length === 0) cur.delete(); else cur.update({ n: e.n, ids });
        cur.continue();
      };
    };
    for (const [k, ops] of groups) {
      const key = JSON.parse(k);
      const g = records.get(key);
      g.onsuccess = () => {
        records.put(setOps(g.result || { kind: key[0], id: key[1] }, ops));
        end();
      };
    }
    end();
  };
});
// Query indexes (query_schema.go, query.go). An index of a kind over fields is the records
// store's index named 'q:' + JSON [kind, fields]; its key path is a property xN of the record's
// value: one string (ixPart per field) that sorts, by UTF-16 code units as IndexedDB compares
// strings, in the query order of the fields' values (JS-API.md). A tombstone has none, so
// indexes hold live records only. The indexes of a connection are read once from its records
// store (the database, not the app's options, says what they are, so every tab computes the
// same values).
//
// ixPart: per field a tag ('0' null or missing, '1' false, '2' true, '3' number, '4' string,
// '5' array or object), then a number's double as 4 code units of its bits made to sort as
// unsigned integers (-0 as 0), a string's code units with U+0000 and U+0001 escaped (as 1 1
// and 1 2) and a U+0000 end. Every part is prefix-free, so compound keys order field by
// field; key + '\uffff' lies after every key that starts with key (no tag is U+FFFF).
// (Layout v6; before it, arrays [tag, value?...]: query-keys.mjs measured the string 5–8%
// cheaper to count over and 2–4% to read through, DESIGN.md "Queries and indexes".)
const ixBits = new DataView(new ArrayBuffer(8));
const ixNum = (x) => {
  ixBits.setFloat64(0, x === 0 ? 0 : x);
  let hi = ixBits.getUint32(0), lo = ixBits.getUint32(4);
  if (hi >= 0x80000000) { hi = ~hi >>> 0; lo = ~lo >>> 0; } else hi = (hi | 0x80000000) >>> 0;
  return String.fromCharCode(hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff);
};
const ixStr = (s) => (/[\x00\x01]/.test(s) ? s.replace(/[\x00\x01]/g, (c) => (c === '\x00' ? '\x01\x01' : '\x01\x02')) : s) + '\x00';
const ixPart = (x) => (x === undefined || x === null ? '0' : x === false ? '1' : x === true ? '2'
  : typeof x === 'number' ? '3' + ixNum(x) : typeof x === 'string' ? '4' + ixStr(x) : '5');
const ixSpecs = new WeakMap();
const ixRead = (st) => {
  const m = new Map();
  for (const name of st.indexNames) {
    if (!name.startsWith('q:')) continue;
    const [kind, fields] = JSON.parse(name.slice(2));
    if (!m.has(kind)) m.set(kind, []);
    m.get(kind).push({ kp: st.index(name).keyPath, paths: fields.map((f) => f.split('.')) });
  }
  return m;
};
const ixOf = (tx) => {
  let m = ixSpecs.get(tx.db);
  if (m === undefined) { m = ixRead(tx.objectStore('records')); ixSpecs.set(tx.db, m); }
  return m;
};
const ixKey = (o, paths) => {
  let k = '';
  for (const p of paths) {
    let x = o;
    for (const seg of p) {
      x = x !== null && typeof x === 'object' && !Array.isArray(x) && Object.prototype.hasOwnProperty.call(x, seg) ? x[seg] : undefined;
      if (x === undefined) break;
    }
    k += ixPart(x);
  }
  return k;
};
// ixBound is a range bound as query.go's keyRange and query.js's keyBounds describe it, an
// array [tag, value?...] of the ixParts (3 and 4 followed by their value, a last tag alone)
// with [] for "after every key with this start" (null: unbounded), as an index key.
const ixBound = (items) => {
  if (items === null) return null;
  let k = '';
  for (let i = 0; i < items.length; i++) {
    const t = items[i];
    if (typeof t === 'object') k += '\uffff';
    else if ((t === 3 || t === 4) && i + 1 < items.length && typeof items[i + 1] !== 'object') k += ixPart(items[++i]);
    else k += String.fromCharCode(0x30 + t);
  }
  return k;
};
// ixTest is the encoding for js/test's order test (keys of values, and of bounds).
H.ixTest = { part: ixPart, bound: ixBound };
// ixRow sets a record value's index properties (list: its kind's indexes, if any).
const ixRow = (list, v) => {
  if (list === undefined || dead(v)) return v;
  let o = null;
  try { o = JSON.parse(v.data); } catch (e) { /* not JSON: every field missing */ }
  for (const ix of list) v[ix.kp] = ixKey(o, ix.paths);
  return v;
};
// ixNames lists the query indexes of a connection (JSON names).
H.ixNames = (db) => {
  const names = [];
  for (const name of db.transaction('records').objectStore('records').indexNames) if (name.startsWith('q:')) names.push(name);
  return JSON.stringify(names);
};
// syncIndexes makes the records store's query indexes those of want (JSON [[kind, fields]...])
// in a schema upgrade: it drops the others, creates the missing ones and, when anything
// changed, rewrites every record value's index properties.
H.syncIndexes = (tx, { want }) => {
  const st = tx.objectStore('records');
  const names = JSON.parse(want).map((s) => 'q:' + JSON.stringify(s));
  const used = new Set();
  let changed = false;
  for (const name of [...st.indexNames]) {
    if (!name.startsWith('q:')) continue;
    if (names.includes(name)) used.add(st.index(name).keyPath);
    else { st.deleteIndex(name); changed = true; }
  }
  let n = 0;
  for (const name of names) {
    if (st.indexNames.contains(name)) continue;
    while (used.has('x' + n)) n++;
    used.add('x' + n);
    st.createIndex(name, 'x' + n);
    changed = true;
  }
  ixSpecs.set(tx.db, ixRead(st));
  if (changed) rekey(tx);
};
// rekey rewrites every record value's index properties for the indexes the records store has
// when the walk runs (read then: an upgrade's syncIndexes runs after the layout migrations).
const rekey = (tx) => walk(tx, 'records', (v) => {
  let had = false;
  for (const k of Object.keys(v)) if (/^x[0-9]+$/.test(k)) { delete v[k]; had = true; }
  const list = ixOf(tx).get(v.kind);
  if (list !== undefined) pack(ixRow(list, unpack(v)));
  return had || list !== undefined;
});
// rekeyIndexes re-encodes the index properties of every record as ixPart's strings (upgrade
// v5 → v6; a database without query indexes has none to rewrite).
H.rekeyIndexes = (tx) => {
  for (const name of tx.objectStore('records').indexNames) if (name.startsWith('q:')) { rekey(tx); return; }
};
// ixPage reads the index entries of a query walk (query.go) and reports those that match conds
// (as scan), framed as page's records; result [text, framed, boundary]. With head, the first n entries of the range (ascending, one
// getAll; boundary null). Otherwise about n entries from the walk's start in its direction,
// ending at a change of key: a key cursor skips n-1 entries to the boundary key b, and one
// getAll reads from the range's start to b, every entry of key b included (boundary b, or null
// when the range held fewer: it was read to its end).
// ixRange is the range of bounds, or undefined for bounds IDBKeyRange refuses because they hold
// nothing (a walk that ended on its range's last key continues with them). indexedDB.cmp runs
// only then: planned ranges are never empty, and it costs a call per query.
const ixRange = (lo, loOpen, hi, hiOpen) => {
  try {
    return H.range(lo, loOpen, hi, hiOpen);
  } catch (e) {
    const c = lo === null || hi === null ? -1 : indexedDB.cmp(lo, hi);
    if (c > 0 || (c === 0 && (loOpen || hiOpen))) return undefined;
    throw e;
  }
};
// The conditions an index range does not enforce are checked here, before records cross to
// Go: conds is JSON [[path, op, operand]...] (query.go residualJSON) or null for none. The
// rules are JS-API.md's, as core/query_eval.go has them (the differential tests hold both).
const qTag = (x) => (x === undefined || x === null ? 0 : x === false ? 1 : x === true ? 2
  : typeof x === 'number' ? 3 : typeof x === 'string' ? 4 : 5);
const qCmp = (a, b) => {
  const ta = qTag(a), tb = qTag(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ta === 3 || ta === 4) return a < b ? -1 : a > b ? 1 : 0;
  return 0;
};
const qClass = (t) => (t === 2 ? 1 : t);
const qField = (o, path) => {
  let x = o;
  for (const seg of path) {
    x = x !== null && typeof x === 'object' && !Array.isArray(x) && Object.prototype.hasOwnProperty.call(x, seg) ? x[seg] : undefined;
    if (x === undefined) return undefined;
  }
  return x;
};
const qCond = (x, op, v) => {
  switch (op) {
    case 'eq': return qCmp(x, v) === 0;
    case 'ne': return qCmp(x, v) !== 0;
    case 'in': return v.some((w) => qCmp(x, w) === 0);
    case 'startsWith': return typeof x === 'string' && x.startsWith(v);
  }
  if (qClass(qTag(x)) !== qClass(qTag(v))) return false;
  const d = qCmp(x, v);
  return op === 'gt' ? d > 0 : op === 'gte' ? d >= 0 : op === 'lt' ? d < 0 : d <= 0;
};
const qParse = (data) => {
  try { return JSON.parse(data); } catch (e) { return null; /* not JSON: every field missing */ }
};
const qMatchObj = (conds, o) => {
  for (const [path, op, v] of conds) if (!qCond(qField(o, path), op, v)) return false;
  return true;
};
const qMatch = (conds, data) => qMatchObj(conds, qParse(data));
// qTop keeps the first take (0: all) live values of vs that match conds, in the query's order
// (order: [[path, desc]...]; ties by id, by UTF-16 code units as core's compareUTF16), so that
// a query with a limit sends only its window's candidates to Go, which orders them again.
const qTop = (vs, cs, order, take) => {
  const rows = [];
  for (const v of vs) {
    if (dead(v)) continue;
    const o = cs === null && order.length === 0 ? null : qParse(v.data);
    if (cs === null || qMatchObj(cs, o)) rows.push({ v, k: order.map(([p]) => qField(o, p)) });
  }
  rows.sort(qRowCmp(order));
  return (take > 0 ? rows.slice(0, take) : rows).map((r) => r.v);
};
// qRowCmp compares rows {v, k: the values of order's paths} in the query's order.
const qRowCmp = (order) => (a, b) => {
  for (let i = 0; i < order.length; i++) {
    const c = qCmp(a.k[i], b.k[i]);
    if (c !== 0) return order[i][1] ? -c : c;
  }
  return a.v.id < b.v.id ? -1 : a.v.id > b.v.id ? 1 : 0;
};
// qFrame frames the live records of vs that match conds (null: all) as page does; result
// [text, framed].
const qFrame = (vs, conds) => {
  const keep = vs.filter((v) => !dead(v) && (conds === null || qMatch(conds, v.data)));
  const parts = new Array(keep.length);
  for (let i = 0; i < keep.length; i++) {
    const v = keep[i], u = v.updatedAt ?? '';
    if (!framable(v.id) || !framable(u) || !framable(v.data)) return [JSON.stringify(keep), false];
    parts[i] = v.kind + US + v.id + US + u + US + US + v.data; // in REC's order
  }
  return [parts.join(RS), true];
};
// scanPage: few requests (each costs a task), a bounded number of values held at once.
const scanPage = 10000;
// scan reads every record of kind in pages inside JS and reports the live ones that match
// conds (JSON, or null for all) in one crossing; with take > 0 only the first take of them in
// order (JSON [[path, desc]...]); result [text, framed].
H.scan = (st, { kind, conds, order, take }, cb) => {
  const cs = conds === null ? null : JSON.parse(conds), all = [];
  const next = (lo, loOpen) => {
    const r = st.getAll(H.range(lo, loOpen, [kind, []], false), scanPage);
    r.onsuccess = () => {
      const vs = unpackAll(r.result);
      if (take > 0) {
        for (const v of qTop(vs, cs, JSON.parse(order), take)) all.push(v);
      } else {
        for (const v of vs) if (!dead(v) && (cs === null || qMatch(cs, v.data))) all.push(v);
      }
      if (vs.length < scanPage) {
        cb(0, true, qFrame(take > 0 ? qTop(all, null, JSON.parse(order), take) : all, null));
        return;
      }
      next([kind, vs[vs.length - 1].id], true);
    };
    r.onerror = () => cb(0, false, r.error);
  };
  next([kind, ''], false);
};
// ixKeyArg: a bound as query.go sends it (JSON text of ixBound's items), as query.js plans it
// (the items) or as a walk's batch reported it (a key: it starts with a tag, never '[').
const ixKeyArg = (k) => (typeof k === 'string' ? (k.charCodeAt(0) === 0x5b ? ixBound(JSON.parse(k)) : k) : ixBound(k));
H.ixPage = (index, { lo, loOpen, hi, hiOpen, desc, n, head, conds }, cb) => {
  const cs = conds === null ? null : JSON.parse(conds);
  ixWalkRead(index, ixKeyArg(lo), loOpen, ixKeyArg(hi), hiOpen, desc, n, head,
    (vs, b) => cb(0, true, [...qFrame(vs, cs), b]), (e) => cb(0, false, e));
};
// ixWalkRead is ixPage's reading: done(values, boundary) with the entries read, fail(error).
// The values come in index order (by key, ties by id), with desc (and not head) in exactly
// the reverse.
const ixWalkRead = (index, lo, loOpen, hi, hiOpen, desc, n, head, done, fail) => {
  const range = ixRange(lo, loOpen, hi, hiOpen);
  if (range === undefined) { done([], null); return; }
  const cb = (_, ok, x) => (ok ? done(unpackAll(x[0]), x[1]) : fail(x));
  const read = (r, count, b) => {
    const g = index.getAll(r, count > 0 ? count : undefined);
    g.onsuccess = () => cb(0, true, [desc && !head ? g.result.reverse() : g.result, b]);
    g.onerror = () => cb(0, false, g.error);
  };
  if (head) { read(range, n, null); return; }
  if (dirGetAll) {
    // One getAll in the walk's direction, one entry more than asked: when that entry's key
    // differs from the last one's, the batch holds all of its key's entries; otherwise they
    // are read with a second getAll.
    const g = index.getAll({ query: range, count: n + 1, direction: desc ? 'prev' : 'next' });
    g.onsuccess = () => {
      const vs = g.result, kp = index.keyPath;
      if (vs.length <= n) { cb(0, true, [vs, null]); return; }
      const b = vs[n - 1][kp];
      if (vs[n][kp] !== b) { vs.length = n; cb(0, true, [vs, b]); return; }
      const g2 = index.getAll(IDBKeyRange.only(b));
      g2.onsuccess = () => {
        const rest = vs.slice(0, n).filter((v) => v[kp] !== b);
        cb(0, true, [rest.concat(desc ? g2.result.reverse() : g2.result), b]);
      };
      g2.onerror = () => cb(0, false, g2.error);
    };
    g.onerror = () => cb(0, false, g.error);
    return;
  }
  const kc = index.openKeyCursor(range, desc ? 'prev' : 'next');
  let moved = false;
  kc.onsuccess = () => {
    const c = kc.result;
    if (c !== null && !moved && n > 1) { moved = true; c.advance(n - 1); return; }
    if (c === null) { read(range, undefined, null); return; }
    const b = c.key;
    read(desc ? H.range(b, false, hi, hiOpen) : H.range(lo, loOpen, b, false), undefined, b);
  };
  kc.onerror = () => cb(0, false, kc.error);
};
// dirGetAll: getAll takes {query, count, direction} (Chromium 141+, with getAllRecords).
// Tests turn it off (withoutDirGetAll) to run the other path in the same browser.
let dirGetAll = typeof IDBIndex !== 'undefined' && typeof IDBIndex.prototype.getAllRecords === 'function';
H.withoutDirGetAll = () => { dirGetAll = false; };
// ro runs the reader helper (taking its source, args and cb) over a new readonly
// transaction's records store, or its index named index; the transaction's end is not
// reported (a readonly transaction changes nothing).
H.ro = (h, { index, helper, args }, cb) => {
  const st = h.db.transaction('records', 'readonly').objectStore('records');
  return helper(index === '' ? st : st.index(index), args, cb);
};
// ixQuery runs a query's one read as planned (query.js planIndexRead, or query_direct.go) and
// answers its rows as Query would: the live records that match conds, ordered by order then
// id, windowed, each record's data parsed. Bounds are keys or their JSON; conds and order
// arrays ([[path, op, operand]...] or null, [[path, desc]...]).
H.ixQuery = (index, { lo, loOpen, hi, hiOpen, desc, n, head, conds, order, offset, limit }, cb) => {
  ixWalkRead(index, ixKeyArg(lo), loOpen, ixKeyArg(hi), hiOpen, desc, n, head, (vs) => {
    let out;
    try {
      if (n > 0 && conds === null) {
        out = qOrdered(vs, index.keyPath, desc, offset, limit);
      } else {
        const rows = qRows(vs, conds, order);
        const end = limit < 0 ? rows.length : Math.min(rows.length, offset + limit);
        out = new Array(Math.max(end - offset, 0));
        for (let i = offset; i < end; i++) out[i - offset] = rows[i].o;
      }
    } catch (e) {
      cb(0, false, e);
      return;
    }
    cb(0, true, out);
  }, (e) => cb(0, false, e));
};
// qOrdered is the window of a pushed-down read (n > 0: an ordered walk, nothing to check):
// the values in ixWalkRead's order are in the query's but for ties, which the rules order by
// id ascending and a descending walk meets by id descending: those runs are turned around.
// Only the window's records are parsed; no order values are read, no sort runs.
const qOrdered = (vs, kp, desc, offset, limit) => {
  const end = limit < 0 ? vs.length : Math.min(vs.length, offset + limit);
  if (desc) {
    for (let i = 0; i < end;) {
      const k = vs[i][kp];
      let j = i + 1;
      while (j < vs.length && vs[j][kp] === k) j++;
      for (let a = i, b = j - 1; a < b; a++, b--) { const t = vs[a]; vs[a] = vs[b]; vs[b] = t; }
      i = j;
    }
  }
  const out = new Array(Math.max(end - offset, 0));
  for (let i = offset; i < end; i++) out[i - offset] = JSON.parse(vs[i].data);
  return out;
};
// qRows parses the live values of vs, keeps those that match conds and orders them by order,
// then id: rows {v, o: the data, k: order's values (one order key: its value)}. An ordered
// walk's values come in that order but for ties (by id descending in a descending walk), so
// the sort's check for a first run usually ends it.
const qRows = (vs, conds, order) => {
  const rows = [];
  const many = order.length > 1, p0 = order.length === 1 ? order[0][0] : null;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (dead(v)) continue;
    const o = JSON.parse(v.data);
    if (conds !== null && !qMatchObj(conds, o)) continue;
    rows.push({ v, o, k: many ? order.map(([path]) => qField(o, path)) : p0 === null ? undefined : qField(o, p0) });
  }
  if (rows.length > 1) rows.sort(many ? qRowCmp(order) : qRowCmp1(p0 !== null && order[0][1]));
  return rows;
};
// qRowCmp1 compares rows by their one order value k (desc: descending; none: undefined), then id.
const qRowCmp1 = (desc) => (a, b) => {
  const c = qCmp(a.k, b.k);
  if (c !== 0) return desc ? -c : c;
  return a.v.id < b.v.id ? -1 : a.v.id > b.v.id ? 1 : 0;
};
// ixCount counts the index entries in range.
H.ixCount = (index, { lo, loOpen, hi, hiOpen }, cb) => {
  const range = ixRange(ixKeyArg(lo), loOpen, ixKeyArg(hi), hiOpen);
  if (range === undefined) { cb(0, true, 0); return; }
  const r = index.count(range);
  r.onsuccess = () => cb(0, true, r.result);
  r.onerror = () => cb(0, false, r.error);
};
return H;
