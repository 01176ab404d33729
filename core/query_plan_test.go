package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustQuery(t *testing.T, s string) Query {
	t.Helper()
	q, err := ParseQuery([]byte(s))
	require.NoError(t, err, s)
	return q
}

func TestPlanQuery(t *testing.T) {
	indexes := []IndexSpec{{"date"}, {"mood"}, {"mood", "date"}}
	str := func(s string) Value { return Value{Tag: TagString, Str: s} }
	num := func(n float64) Value { return Value{Tag: TagNumber, Num: n} }
	cases := []struct {
		query    string
		index    int
		eq       []Value
		lo, hi   *Bound
		ordered  bool
		desc     bool
		residual int
		empty    bool
	}{
		{query: `{}`, index: -1},
		{query: `{"where":{"x":1}}`, index: -1, residual: 1},
		{query: `{"where":{"mood":5}}`, index: 1, eq: []Value{num(5)}, ordered: true},
		{query: `{"where":{"mood":5},"orderBy":[["date","desc"]],"limit":20}`, index: 2, eq: []Value{num(5)}, ordered: true, desc: true},
		{query: `{"where":{"mood":5,"date":{"gte":"a","lt":"b"}}}`, index: 2, eq: []Value{num(5)}, lo: &Bound{Value: str("a")}, hi: &Bound{Value: str("b"), Open: true}},
		{query: `{"where":{"date":{"gt":"a","gte":"b"}},"orderBy":"date"}`, index: 0, lo: &Bound{Value: str("b")}, ordered: true},
		{query: `{"where":{"date":{"gt":"b","gte":"b"}}}`, index: 0, lo: &Bound{Value: str("b"), Open: true}},
		{query: `{"where":{"date":{"startsWith":"2026-"}}}`, index: 0, lo: &Bound{Value: str("2026-")}, hi: &Bound{Value: str("2026."), Open: true}},
		{query: `{"where":{"date":{"gt":"a","lt":5}}}`, empty: true},
		{query: `{"orderBy":[["date","desc"]],"limit":50}`, index: 0, ordered: true, desc: true},
		{query: `{"orderBy":"date"}`, index: -1},
		{query: `{"orderBy":["mood","date"],"limit":5}`, index: 2, ordered: true},
		{query: `{"orderBy":["mood",["date","desc"]],"limit":5}`, index: -1},
		{query: `{"where":{"mood":{"ne":5}}}`, index: -1, residual: 1},
		{query: `{"where":{"mood":{"in":[1,2]}}}`, index: -1, residual: 1},
		{query: `{"where":{"mood":5,"x":{"gt":1}},"orderBy":"date","limit":3}`, index: 2, eq: []Value{num(5)}, ordered: true, residual: 1},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			q := mustQuery(t, tc.query)
			p := PlanQuery(indexes, &q)
			if tc.empty {
				assert.True(t, p.Empty)
				return
			}
			assert.False(t, p.Empty)
			assert.Equal(t, tc.index, p.Index)
			assert.Len(t, p.Residual, tc.residual)
			if tc.index < 0 {
				return
			}
			assert.Equal(t, tc.eq, p.Range.Eq)
			assert.Equal(t, tc.lo, p.Range.Lo)
			assert.Equal(t, tc.hi, p.Range.Hi)
			assert.Equal(t, tc.ordered, p.Ordered)
			assert.Equal(t, tc.desc, p.Desc)
		})
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"ab", "ac", true}, {"a\uFFFF", "b", true}, {"\uFFFF\uFFFF", "", false}, {"", "", false},
		{"x\uD7FF", "x\U00010000", true}, {"\U0001F600", "\U0001F601", true}, {"\U0010FFFF", "", false},
	}
	for _, tc := range cases {
		got, ok := prefixEnd(tc.in)
		assert.Equal(t, tc.ok, ok, "%q", tc.in)
		if ok {
			assert.Equal(t, tc.want, got, "%q", tc.in)
		}
	}
}
