package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// QueryIndexes are the indexes RunQueries opens its stores with (memstore may ignore them: an
// index changes only the speed of a query).
var QueryIndexes = map[string][]core.IndexSpec{
	kindA: {{"v"}, {"tag", "v"}, {"o.p"}},
}

// RunQueries runs the query tests (core.Querier) on stores open returns, once without indexes
// and once with QueryIndexes.
func RunQueries(t *testing.T, open func(t *testing.T, indexes map[string][]core.IndexSpec) core.Store) {
	for _, ix := range []struct {
		name    string
		indexes map[string][]core.IndexSpec
	}{{"scan", nil}, {"indexed", QueryIndexes}} {
		t.Run(ix.name, func(t *testing.T) {
			for _, tc := range queryTests {
				t.Run(tc.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					s := open(t, ix.indexes)
					defer func() { _ = s.Close() }()
					if _, ok := s.(core.Querier); !ok {
						t.Skip("the store is not a core.Querier")
					}
					tc.run(&env{T: t, ctx: ctx, s: s})
				})
			}
		})
	}
}

// queryData writes a kind with every type of value in v (a missing one too), a compound
// (tag, v), a nested o.p, a tombstone, a pulled record and a record of another kind.
func (e *env) queryData() {
	e.Helper()
	e.write(
		e.upsert(kindA, "n0", `{"id":"n0","v":null,"tag":"x"}`),
		e.upsert(kindA, "m", `{"id":"m","tag":"y"}`),
		e.upsert(kindA, "f", `{"id":"f","v":false,"tag":"x"}`),
		e.upsert(kindA, "t", `{"id":"t","v":true}`),
		e.upsert(kindA, "i1", `{"id":"i1","v":1,"tag":"x","o":{"p":"b"}}`),
		e.upsert(kindA, "i2", `{"id":"i2","v":2.5,"tag":"y","o":{"p":"a"}}`),
		e.upsert(kindA, "i3", `{"id":"i3","v":-3,"tag":"x"}`),
		e.upsert(kindA, "sa", `{"id":"sa","v":"apple","tag":"x","o":{"p":"b"}}`),
		e.upsert(kindA, "se", `{"id":"se","v":"","tag":"y"}`),
		e.upsert(kindA, "ar", `{"id":"ar","v":[1,2],"tag":"x"}`),
		e.upsert(kindA, "gone", `{"id":"gone","v":1,"tag":"x"}`),
		e.upsert(kindB, "other", `{"id":"other","v":1,"tag":"x"}`),
	)
	e.write(e.del(kindA, "gone"))
	_, err := e.s.ApplyPage(e.ctx, kindA, []core.Record{
		{Kind: kindA, ID: "sb", Data: raw(`{"id":"sb","v":"banana","tag":"y"}`), UpdatedAt: "u1"},
		{Kind: kindA, ID: "ob", Data: raw(`{"id":"ob","v":{"x":1},"tag":"x"}`), UpdatedAt: "u2"},
		{Kind: kindA, ID: "del", Data: raw(`{"id":"del","v":2,"tag":"x"}`), UpdatedAt: "u3", Deleted: true},
	}, core.Cursor{UpdatedAt: "u3", ID: "del"})
	require.NoError(e, err)
}

func (e *env) query(kind, text string) ([]string, core.Query) {
	e.Helper()
	q, err := core.ParseQuery([]byte(text))
	require.NoError(e, err, text)
	recs, err := e.s.(core.Querier).Query(e.ctx, kind, q)
	require.NoError(e, err, text)
	out := []string{}
	for _, r := range recs {
		require.False(e, r.Deleted)
		out = append(out, r.ID)
	}
	n, err := e.s.(core.Querier).Count(e.ctx, kind, q)
	require.NoError(e, err, text)
	all := q
	all.Offset, all.Limit = 0, -1
	require.Equal(e, len(all.Run(e.list(kind))), n, "count of %s", text)
	return out, q
}

var queryTests = []test{
	{"every operator, mixed types, missing and nested fields", func(e *env) {
		e.queryData()
		cases := []struct{ query, want string }{
			{`{"where":{"v":1}}`, `["i1"]`},
			{`{"where":{"v":null}}`, `["m","n0"]`},
			{`{"where":{"v":{"ne":null}}}`, `["ar","f","i1","i2","i3","ob","sa","sb","se","t"]`},
			{`{"where":{"v":{"gt":1}}}`, `["i2"]`},
			{`{"where":{"v":{"gte":-3,"lt":2.5}}}`, `["i1","i3"]`},
			{`{"where":{"v":{"lte":true}}}`, `["f","t"]`},
			{`{"where":{"v":{"gt":"apple"}}}`, `["sb"]`},
			{`{"where":{"v":{"lt":"b"}}}`, `["sa","se"]`},
			{`{"where":{"v":{"startsWith":"ban"}}}`, `["sb"]`},
			{`{"where":{"v":{"in":[1,"banana",false,null]}}}`, `["f","i1","m","n0","sb"]`},
			{`{"where":{"tag":"x","v":{"gte":0}}}`, `["i1"]`},
			{`{"where":{"tag":"y","v":{"gte":""}}}`, `["sb","se"]`},
			{`{"where":{"tag":"x","v":null}}`, `["n0"]`},
			{`{"where":{"o.p":"b"}}`, `["i1","sa"]`},
			{`{"where":{"o.p":{"gt":null}}}`, `[]`},
			{`{"where":{"v":1,"tag":"y"}}`, `[]`},
		}
		for _, tc := range cases {
			got, _ := e.query(kindA, tc.query)
			requireJSON(e, tc.want, mustJSON(got))
		}
	}},
	{"orderBy asc and desc over mixed types, ties by id, offset and limit", func(e *env) {
		e.queryData()
		cases := []struct{ query, want string }{
			{`{"orderBy":"v"}`, `["m","n0","f","t","i3","i1","i2","se","sa","sb","ar","ob"]`},
			{`{"orderBy":[["v","desc"]]}`, `["ar","ob","sb","sa","se","i2","i1","i3","t","f","m","n0"]`},
			{`{"orderBy":[["v","desc"]],"offset":1,"limit":3}`, `["ob","sb","sa"]`},
			{`{"orderBy":"v","offset":10,"limit":5}`, `["ar","ob"]`},
			{`{"orderBy":"v","offset":12}`, `[]`},
			{`{"where":{"tag":"x"},"orderBy":[["v","desc"]],"limit":4}`, `["ar","ob","sa","i1"]`},
			{`{"where":{"tag":"y"},"orderBy":"v"}`, `["m","i2","se","sb"]`},
			{`{"orderBy":["tag",["v","desc"]],"limit":3}`, `["t","ar","ob"]`},
			{`{"orderBy":"o.p","limit":4}`, `["ar","f","i3","m"]`},
			{`{"where":{"v":{"gte":0}},"orderBy":[["v","desc"]]}`, `["i2","i1"]`},
			{`{"limit":3}`, `["ar","f","i1"]`},
			{`{"orderBy":[["v","desc"]],"offset":10,"limit":1e15}`, `["m","n0"]`},
			{`{"where":{"v":{"lt":1e400}},"limit":1e15}`, `["i1","i2","i3"]`},
		}
		for _, tc := range cases {
			got, _ := e.query(kindA, tc.query)
			requireJSON(e, tc.want, mustJSON(got))
		}
	}},
	{"queries see later writes, deletes and pulls", func(e *env) {
		e.queryData()
		e.write(e.upsert(kindA, "i1", `{"id":"i1","v":"zz","tag":"y"}`), e.del(kindA, "sb"))
		_, err := e.s.ApplyPage(e.ctx, kindA, []core.Record{
			{Kind: kindA, ID: "i2", Data: raw(`{"id":"i2","v":1,"tag":"x"}`), UpdatedAt: "u4"},
			{Kind: kindA, ID: "ob", Data: raw(`{"id":"ob","v":1}`), UpdatedAt: "u5", Deleted: true},
		}, core.Cursor{UpdatedAt: "u5", ID: "ob"})
		require.NoError(e, err)
		got, _ := e.query(kindA, `{"where":{"v":{"gte":1}}}`)
		requireJSON(e, `["i2"]`, mustJSON(got))
		got, _ = e.query(kindA, `{"where":{"tag":"y"},"orderBy":[["v","desc"]]}`)
		requireJSON(e, `["i1","se","i2","m"]`, mustJSON(got)) // i2 has a pending op: the pull was held
		got, _ = e.query(kindB, `{"where":{"v":1}}`)
		requireJSON(e, `["other"]`, mustJSON(got))
	}},
	{"GetMany returns live records in order and null for absent or deleted", func(e *env) {
		e.queryData()
		got, err := e.s.(core.Querier).GetMany(e.ctx, kindA, []string{"sb", "gone", "nope", "del", "i1", "sb"})
		require.NoError(e, err)
		require.Len(e, got, 6)
		require.Nil(e, got[1])
		require.Nil(e, got[2])
		require.Nil(e, got[3])
		requireJSON(e, `{"id":"sb","v":"banana","tag":"y"}`, got[0].Data)
		require.Equal(e, "u1", got[0].UpdatedAt)
		requireJSON(e, `{"id":"i1","v":1,"tag":"x","o":{"p":"b"}}`, got[4].Data)
		require.Equal(e, got[0], got[5])
		none, err := e.s.(core.Querier).GetMany(e.ctx, kindA, nil)
		require.NoError(e, err)
		require.Empty(e, none)
	}},
}

func mustJSON(v any) core.RawJSON {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
