// The page half of query-plan-browser.test.js: sync.wasm started by hand (as offsync.js's
// startRuntime does) so that the test reaches the client's direct(), idbstore's own plan
// (idbstore/query_direct.go), beside query.js's planIndexRead on the same connection.
import { Go, withGoGlobals, fetchHelper } from './wasm_exec.js';
import { idbHelpers } from './idb-helpers.js';
import { indexesByKind, normalizeQuery, planIndexRead } from './query.js';

const invalid = (m) => new Error(m);

window.pt = {
  h: null,
  H: null,
  async open(cfg) {
    const go = new Go();
    const { instance } = await WebAssembly.instantiateStreaming(fetch('./sync.wasm'), go.importObject);
    let api;
    globalThis.__offsyncInit = (a) => { api = a; };
    try {
      withGoGlobals(() => go.run(instance));
    } finally {
      delete globalThis.__offsyncInit;
    }
    this.H = idbHelpers();
    this.h = await api.open(JSON.stringify({ ...cfg, kinds: ['note'], storage: 'indexeddb' }), { idbHelpers: this.H, fetchHelper: fetchHelper() });
  },
  putMany(recs) {
    return this.h.call('putMany', 'note', JSON.stringify(recs));
  },
  async list() {
    return JSON.parse(await this.h.call('list', 'note'));
  },
  /**
   * plans answers, per query, Go's direct() plan and query.js's for the query and its count
   * (as JSON text, or null) and, when query.js plans one, the rows and count its plan reads.
   */
  async plans(queries) {
    const out = [];
    for (const query of queries) {
      const one = {};
      for (const op of ['query', 'count']) {
        const text = JSON.stringify(op === 'count' ? { where: query.where } : query);
        const go = this.h.direct(op, 'note', text);
        const q = normalizeQuery(op === 'count' ? { where: query.where } : query, invalid);
        // The connection comes from Go's answer: a scan's plan (null) has none, so ask Go
        // for an indexed one first when needed.
        const conn = go?.[0] ?? this.h.direct('count', 'note', '{"where":{"a":1}}')[0];
        const js = planIndexRead(indexesByKind(this.H.ixNames(conn.db)).get('note') ?? [], q, op === 'count');
        one[op] = { go: go === null ? null : JSON.stringify(go[1]), js: js === null ? null : JSON.stringify(js) };
        if (js !== null) {
          one[op].read = await new Promise((resolve, reject) => {
            const cb = (_, ok, v) => (ok ? resolve(v) : reject(v));
            this.H.ro(conn, { index: js.index, helper: op === 'count' ? this.H.ixCount : this.H.ixQuery, args: js }, cb);
          });
        }
      }
      out.push(one);
    }
    return out;
  },
};
window.ready = true;
