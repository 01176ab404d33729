package core

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// queryRecords is a kind with every type of value in v, a missing v, a nested field and a
// tombstone.
func queryRecords() []Record {
	data := map[string]string{
		"n0": `{"id":"n0","v":null}`,
		"m":  `{"id":"m"}`,
		"f":  `{"id":"f","v":false}`,
		"t":  `{"id":"t","v":true}`,
		"i1": `{"id":"i1","v":1,"o":{"p":"b"}}`,
		"i2": `{"id":"i2","v":2.5,"o":{"p":"a"}}`,
		"i3": `{"id":"i3","v":-3}`,
		"sa": `{"id":"sa","v":"apple","o":{"p":"b"}}`,
		"sb": `{"id":"sb","v":"banana"}`,
		"se": `{"id":"se","v":""}`,
		"ar": `{"id":"ar","v":[1,2]}`,
		"ob": `{"id":"ob","v":{"x":1}}`,
		"es": `{"id":"es","v":"\u0061pp"}`,
	}
	var out []Record
	for id, d := range data {
		out = append(out, Record{Kind: "k", ID: id, Data: RawJSON(d)})
	}
	out = append(out, Record{Kind: "k", ID: "del", Data: RawJSON(`{"id":"del","v":1}`), Deleted: true})
	return out
}

func ids(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

func runQuery(t *testing.T, query string) []string {
	t.Helper()
	q, err := ParseQuery([]byte(query))
	require.NoError(t, err, query)
	return ids(q.Run(queryRecords()))
}

func TestQueryOperators(t *testing.T) {
	cases := []struct {
		query string
		want  []string // in id order (no orderBy)
	}{
		{`{"where":{"v":1}}`, []string{"i1"}},
		{`{"where":{"v":{"eq":1}}}`, []string{"i1"}},
		{`{"where":{"v":null}}`, []string{"m", "n0"}},
		{`{"where":{"v":false}}`, []string{"f"}},
		{`{"where":{"v":"1"}}`, nil},
		{`{"where":{"v":{"ne":1}}}`, []string{"ar", "es", "f", "i2", "i3", "m", "n0", "ob", "sa", "sb", "se", "t"}},
		{`{"where":{"v":{"ne":null}}}`, []string{"ar", "es", "f", "i1", "i2", "i3", "ob", "sa", "sb", "se", "t"}},
		{`{"where":{"v":{"gt":1}}}`, []string{"i2"}},
		{`{"where":{"v":{"gte":1}}}`, []string{"i1", "i2"}},
		{`{"where":{"v":{"lt":1}}}`, []string{"i3"}},
		{`{"where":{"v":{"lte":2.5,"gt":-3}}}`, []string{"i1", "i2"}},
		{`{"where":{"v":{"gt":false}}}`, []string{"t"}},
		{`{"where":{"v":{"gte":null}}}`, []string{"m", "n0"}},
		{`{"where":{"v":{"gt":null}}}`, nil},
		{`{"where":{"v":{"lt":"b"}}}`, []string{"es", "sa", "se"}},
		{`{"where":{"v":{"gte":"b"}}}`, []string{"sb"}},
		{`{"where":{"v":{"in":[1,"apple",true,null]}}}`, []string{"i1", "m", "n0", "sa", "t"}},
		{`{"where":{"v":{"in":[]}}}`, nil},
		{`{"where":{"v":{"startsWith":"app"}}}`, []string{"es", "sa"}},
		{`{"where":{"v":{"startsWith":""}}}`, []string{"es", "sa", "sb", "se"}},
		{`{"where":{"o.p":"b"}}`, []string{"i1", "sa"}},
		{`{"where":{"o.p":null}}`, []string{"ar", "es", "f", "i3", "m", "n0", "ob", "sb", "se", "t"}},
		{`{"where":{"v.x":1}}`, []string{"ob"}},
		{`{"where":{"o.p":"b","v":{"gt":0}}}`, []string{"i1"}},
		{`{"where":{}}`, []string{"ar", "es", "f", "i1", "i2", "i3", "m", "n0", "ob", "sa", "sb", "se", "t"}},
		{`null`, []string{"ar", "es", "f", "i1", "i2", "i3", "m", "n0", "ob", "sa", "sb", "se", "t"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			got := runQuery(t, tc.query)
			if tc.want == nil {
				tc.want = []string{}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestQueryOrder(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		// null and missing tie (by id), then false, true, numbers, strings, composites (tie).
		{`{"orderBy":"v"}`, []string{"m", "n0", "f", "t", "i3", "i1", "i2", "se", "es", "sa", "sb", "ar", "ob"}},
		{`{"orderBy":["v","desc"]}`, []string{"ar", "ob", "sb", "sa", "es", "se", "i2", "i1", "i3", "t", "f", "m", "n0"}},
		{`{"orderBy":[["v","desc"]],"limit":3}`, []string{"ar", "ob", "sb"}},
		{`{"orderBy":"v","offset":11}`, []string{"ar", "ob"}},
		{`{"orderBy":"v","offset":20}`, []string{}},
		{`{"orderBy":"v","limit":0}`, []string{}},
		{`{"orderBy":["o.p","v"],"limit":4}`, []string{"m", "n0", "f", "t"}},
		{`{"orderBy":[["o.p","desc"],"v"],"limit":3}`, []string{"i1", "sa", "i2"}},
		{`{"where":{"v":{"gte":"a"}},"orderBy":"v","limit":2,"offset":1}`, []string{"sa", "sb"}},
		{`{"orderBy":["o.p","id"],"limit":3}`, []string{"ar", "es", "f"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			assert.Equal(t, tc.want, runQuery(t, tc.query))
		})
	}
}

func TestParseQueryRefusesMalformed(t *testing.T) {
	bad := []string{
		`[]`, `"x"`, `{"filter":{}}`, `{"where":[]}`, `{"where":{"v":{"like":1}}}`,
		`{"where":{"v":{"in":1}}}`, `{"where":{"v":{"in":[[1]]}}}`, `{"where":{"v":[1]}}`,
		`{"where":{"v":{"eq":{"a":1}}}}`, `{"where":{"v":{}}}`, `{"where":{"v":{"startsWith":1}}}`,
		`{"where":{"":1}}`, `{"where":{"a..b":1}}`, `{"where":{".a":1}}`,
		`{"orderBy":1}`, `{"orderBy":[["v","up"]]}`, `{"orderBy":[["v"]]}`, `{"orderBy":""}`,
		`{"limit":-1}`, `{"limit":1.5}`, `{"offset":"1"}`, `{"limit":1e300}`, `{`,
	}
	for _, s := range bad {
		_, err := ParseQuery([]byte(s))
		assert.ErrorIs(t, err, ErrInvalid, s)
	}
	q, err := ParseQuery([]byte(`{"where":{"b":{"lt":3,"gt":1},"a":"x"},"orderBy":["a",["b","desc"]],"limit":null}`))
	require.NoError(t, err)
	assert.Equal(t, -1, q.Limit)
	require.Len(t, q.Where, 3)
	assert.Equal(t, []string{"a", "b", "b"}, []string{q.Where[0].Field, q.Where[1].Field, q.Where[2].Field}, "sorted by field")
	assert.Equal(t, []OrderKey{{Field: "a", Path: []string{"a"}}, {Field: "b", Path: []string{"b"}, Desc: true}}, q.OrderBy)
}

func TestCompareUTF16(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"a", "b", -1}, {"", "a", -1}, {"ab", "a", 1}, {"x", "x", 0},
		{"\uFFFF", "\U00010000", 1}, // U+FFFF is one unit above the surrogates
		{"\uE000", "\U0001F600", 1}, // byte order says otherwise
		{"\U00010000", "\U0001F600", -1},
		{"a\uFFFDz", "a\U00010437", 1},
		{"é", "z", 1},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, compareUTF16(tc.a, tc.b), fmt.Sprintf("%q vs %q", tc.a, tc.b))
		assert.Equal(t, -tc.want, compareUTF16(tc.b, tc.a))
	}
}

func TestFieldValue(t *testing.T) {
	d := []byte(` { "a" : { "b" : [1, {"c": 2}], "c": "x\"y" } , "n": 1e2, "a.b": 7, "dup": 1, "dup": "last", "\u0065": true } `)
	cases := []struct {
		path string
		want Value
	}{
		{"a.c", Value{Tag: TagString, Str: `x"y`}},
		{"a.b", Value{Tag: TagComposite}},
		{"a.b.c", Value{}},
		{"n", Value{Tag: TagNumber, Num: 100}},
		{"dup", Value{Tag: TagString, Str: "last"}},
		{"e", Value{Tag: TagTrue}},
		{"zz", Value{}},
		{"n.x", Value{}},
		{"a", Value{Tag: TagComposite}},
	}
	for _, tc := range cases {
		p, err := parsePath(tc.path)
		require.NoError(t, err)
		assert.Equal(t, tc.want, FieldValue(d, p), tc.path)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`{"where":{"a":{"gte":1,"lt":"x"},"b.c":null},"orderBy":[["a","desc"],"b"],"limit":3,"offset":1}`,
		`{"where":{"a":{"in":[1,true,"s"]}}}`, `{"orderBy":"a"}`, `{"where":{"a":{"startsWith":""}}}`} {
		f.Add(s)
	}
	recs := queryRecords()
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery([]byte(s))
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		// A valid query runs on any records, and its result is ordered by Compare.
		out := q.Run(append([]Record(nil), recs...))
		for i := 1; i < len(out); i++ {
			require.Negative(t, q.Compare(out[i-1], out[i]))
		}
	})
}

// FuzzFieldValue checks the scanner against encoding/json (last duplicate key wins in both)
// on valid JSON objects.
func FuzzFieldValue(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":{"b":"x\u00e9"}}`, `{"a":[1],"a":null}`, `{"a":{"b":true},"c":"d"}`, `{"a\"b":2}`} {
		f.Add(s, "a.b")
		f.Add(s, "a")
	}
	f.Fuzz(func(t *testing.T, data, field string) {
		var obj map[string]any
		if json.Unmarshal([]byte(data), &obj) != nil {
			return
		}
		path, err := parsePath(field)
		if err != nil {
			return
		}
		var want Value
		var x any = obj
		for _, seg := range path {
			m, ok := x.(map[string]any)
			if !ok {
				x = nil
				break
			}
			x = m[seg]
		}
		switch v := x.(type) {
		case bool:
			want = Value{Tag: TagFalse}
			if v {
				want.Tag = TagTrue
			}
		case float64:
			want = Value{Tag: TagNumber, Num: v}
		case string:
			want = Value{Tag: TagString, Str: v}
		case map[string]any, []any:
			want = Value{Tag: TagComposite}
		}
		require.Equal(t, want, FieldValue([]byte(data), path), "%s at %s", data, field)
	})
}
