// The page half of query-browser.test.js: window.qt opens a database and keeps watches whose
// calls and last rows the test reads.
const watches = [];

window.qt = {
  db: null,
  async open(cfg) {
    this.db = await window.offsync.open({ ...cfg, kinds: ['note'], token: () => cfg.token, maxRetries: 0 });
  },
  /** run answers each query and its count, and every live record (for the reference). */
  async run(queries) {
    const results = [];
    const counts = [];
    for (const q of queries) {
      results.push(await this.db.query('note', q));
      counts.push(await this.db.count('note', q));
    }
    return { records: await this.db.list('note'), results, counts };
  },
  /** watch starts a watch of query (null: the whole kind). */
  watch(query) {
    const w = { query, calls: 0, rows: null };
    const cb = (rows) => { w.calls += 1; w.rows = rows; };
    if (query === null) this.db.watch('note', cb);
    else this.db.watch('note', query, cb);
    watches.push(w);
  },
  snapshot() {
    return watches.map((w) => ({ calls: w.calls, rows: w.rows }));
  },
  /**
   * quiet waits (bounded) until every watch's rows equal a fresh query(), then a little more so
   * that a stray call would be counted, and answers the watches and every live record.
   */
  async quiet() {
    const same = async () => {
      for (const w of watches) {
        const now = await this.db.query('note', w.query ?? {});
        if (JSON.stringify(now) !== JSON.stringify(w.rows)) return false;
      }
      return true;
    };
    const end = Date.now() + 10_000;
    let ok = await same();
    while (!ok && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
      ok = await same();
    }
    await new Promise((r) => setTimeout(r, 150));
    ok = ok && (await same());
    return { ok, watches: this.snapshot(), records: await this.db.list('note') };
  },
};
