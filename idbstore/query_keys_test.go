//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/memstore"
)

// writeV4Indexed writes a layout-4 database (IndexedDB version 4,000,001: layout 4, index
// generation 1) as the code before layout 6 left it: query indexes q:["note",["v"]] on x0 and
// q:["note",["v","w"]] on x1, whose keys are arrays of [tag, value?] per field (0 null or
// missing, 1 false, 2 true, 3 number, 4 string, 5 array or object), and the records of recs
// (JSON [{id, data, deleted}]), tombstones without keys.
const writeV4Indexed = `return new Promise((res, rej) => {
	const r = indexedDB.open(name, 4000001);
	const part = (x) => x === undefined || x === null ? [0] : x === false ? [1] : x === true ? [2]
		: typeof x === 'number' ? [3, x] : typeof x === 'string' ? [4, x] : [5];
	r.onupgradeneeded = () => {
		const db = r.result;
		const records = db.createObjectStore('records', { keyPath: ['kind', 'id'] });
		records.createIndex('q:["note",["v"]]', 'x0');
		records.createIndex('q:["note",["v","w"]]', 'x1');
		const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
		outbox.createIndex('entity', ['kind', 'eid']);
		outbox.createIndex('opId', 'opId', { unique: true });
		db.createObjectStore('cursors', { keyPath: 'kind' });
		db.createObjectStore('meta').put(4, ['offsync', 'schema']);
		const parked = db.createObjectStore('parked', { keyPath: 'n', autoIncrement: true });
		parked.createIndex('opId', 'opId', { unique: true });
		parked.createIndex('entity', ['op.kind', 'op.eid']);
		db.createObjectStore('conflicts', { keyPath: 'n', autoIncrement: true }).createIndex('cid', 'cid', { unique: true });
		db.createObjectStore('marks', { keyPath: 'n', autoIncrement: true }).put({ n: 0, pending: 0 });
		db.createObjectStore('later');
		for (const { id, data, deleted } of JSON.parse(recs)) {
			const v = { kind: 'note', id, data, updatedAt: 'u-' + id };
			if (deleted) v.deleted = true;
			else {
				const o = JSON.parse(data);
				v.x0 = part(o.v);
				v.x1 = [...part(o.v), ...part(o.w)];
			}
			records.put(v);
		}
	};
	r.onsuccess = () => { r.result.close(); res(true); };
	r.onerror = () => rej(r.error);
});`

// keyValues are the field values of the upgrade test: every type, the edges of the encoding
// (the last numbers' keys hold lone surrogates: bits D800, DC00, DBFF, DFFF).
var keyValues = []string{`null`, `false`, `true`, `0`, `-0`, `-1.5`, `2`, `1e300`, `-1e-300`, `""`, `"a"`, `"a\u0000"`,
	`"a\u0001b"`, `"ab"`, `"\uffff"`, `"😀"`, `"\ue000"`, `[1]`, `{"x":1}`,
	`7.880401239278896e+115`, `1.0537109375122782`, `-1.0087882578227436`, `1.4082506348336572e+135`}

// TestIndexKeysUpgradeFromV4 opens a layout-4 database holding indexed records (keys as
// arrays) with the new code: the upgrade re-encodes every key, and queries over the indexes
// (equality, ranges, prefixes, compound, both directions, windows, counts) answer as memstore
// holding the same records. Once with the same indexes (only the re-encoding runs) and once
// with an index added (the index build runs after it).
func TestIndexKeysUpgradeFromV4(t *testing.T) {
	for _, c := range []struct {
		name    string
		indexes []core.IndexSpec
	}{
		{"same indexes", []core.IndexSpec{{"v"}, {"v", "w"}}},
		{"an index added", []core.IndexSpec{{"v"}, {"v", "w"}, {"w"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			r := rand.New(rand.NewPCG(14, 5))
			type rec struct {
				ID      string `json:"id"`
				Data    string `json:"data"`
				Deleted bool   `json:"deleted"`
			}
			var recs []rec
			var pulled []core.Record
			for i := range 300 {
				id := fmt.Sprintf("r%03d", r.IntN(1000))
				data := fmt.Sprintf(`{"id":%q`, id)
				if r.IntN(8) > 0 {
					data += `,"v":` + keyValues[r.IntN(len(keyValues))]
				}
				if r.IntN(8) > 0 {
					data += `,"w":` + keyValues[r.IntN(len(keyValues))]
				}
				data += "}"
				x := rec{ID: id, Data: data, Deleted: i%17 == 0}
				recs = append(recs, x)
				pulled = append(pulled, core.Record{Kind: "note", ID: id, Data: core.RawJSON(data), UpdatedAt: "u-" + id, Deleted: x.Deleted})
			}
			text, err := json.Marshal(recs)
			require.NoError(t, err)
			name := freshName(t)
			jsAwait(t, jsFunc("name, recs", writeV4Indexed).Invoke(name, string(text)))
			mem := memstore.New()
			// The fixture keeps the last record of an id, as a page applied in order does.
			_, err = mem.ApplyPage(ctx, "note", pulled, core.Cursor{UpdatedAt: "u", ID: "z"})
			require.NoError(t, err)

			s, err := OpenWith(ctx, name, Options{Indexes: map[string][]core.IndexSpec{"note": c.indexes}})
			require.NoError(t, err)
			defer s.Close()
			assert.Equal(t, schemaVersion, layoutOf(s.conn.Get("db").Get("version").Int()))
			spy := spyIndexReads(s)
			queries := []string{
				`{"where":{"v":2}}`, `{"where":{"v":0}}`, `{"where":{"v":null}}`, `{"where":{"v":true}}`, `{"where":{"v":"a"}}`,
				`{"where":{"v":{"gte":-1.5,"lt":1e300}}}`, `{"where":{"v":{"gt":0}},"orderBy":[["v","desc"]],"limit":5}`,
				`{"where":{"v":{"startsWith":"a"}}}`, `{"where":{"v":{"startsWith":""}},"orderBy":"v"}`,
				`{"where":{"v":{"lte":"a\u0000"}},"orderBy":[["v","desc"]]}`, `{"where":{"v":{"gt":"a"}},"orderBy":"v","limit":3,"offset":2}`,
				`{"where":{"v":{"lt":true}}}`, `{"orderBy":[["v","desc"],["w","desc"]],"limit":40}`, `{"orderBy":["v","w"],"limit":40,"offset":7}`,
				`{"where":{"v":"ab","w":{"gte":0}}}`, `{"where":{"v":2,"w":{"startsWith":"a"}},"orderBy":[["w","desc"]]}`,
				`{"where":{"v":"\uffff"},"orderBy":[["w","desc"]],"limit":2}`, `{"where":{"v":{"gt":"😀"}}}`,
				`{"where":{"w":{"gte":-1e-300}},"orderBy":"w"}`, `{"where":{"v":{"gt":1,"lt":8e115}},"orderBy":[["v","desc"]],"limit":3}`,
				`{"where":{"w":1.0537109375122782}}`, `{"where":{"v":{"lte":1.0537109375122782}},"orderBy":"v","limit":9}`,
			}
			for _, q := range queries {
				require.Equal(t, queryIDs(t, mem, "note", q), queryIDs(t, s, "note", q), q)
				require.Equal(t, countOf(t, mem, "note", q), countOf(t, s, "note", q), q)
			}
			assert.Positive(t, spy.Get("pages").Int()+spy.Get("counts").Int(), "the indexes answer")

			// Writes after the upgrade are encoded the same way.
			ws := []core.LocalWrite{
				upsert("note", "n1", `{"id":"n1","v":"a","w":-0}`, "op-n1"),
				upsert("note", "n2", `{"id":"n2","v":2,"w":"a\u0000"}`, "op-n2"),
				{Kind: "note", ID: recs[1].ID, Delete: true, OpID: "op-d"},
			}
			for _, st := range []core.Store{s, mem} {
				_, err := st.WriteLocal(ctx, ws)
				require.NoError(t, err)
			}
			for _, q := range queries {
				require.Equal(t, queryIDs(t, mem, "note", q), queryIDs(t, s, "note", q), q)
			}
		})
	}
}
