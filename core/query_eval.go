package core

import (
	"sort"
	"unicode/utf8"

	"github.com/offsync/offsync/internal/jsonscan"
	"github.com/offsync/offsync/internal/jsonv"
)

// FieldValue reads the value at path in a record's JSON object without decoding the rest: a
// missing field (or a path through a non-object) is null. As JSON.parse, the last of
// duplicate keys wins.
func FieldValue(data []byte, path []string) Value {
	for depth, seg := range path {
		start, ok := member(data, seg)
		if !ok {
			return Value{}
		}
		end, ok := jsonscan.SkipValue(data, start)
		if !ok {
			return Value{}
		}
		if depth == len(path)-1 {
			v, ok := decodeScalar(data[start:end])
			if !ok {
				return Value{}
			}
			return v
		}
		if data[start] != '{' {
			return Value{}
		}
		data = data[start:end]
	}
	return Value{}
}

// member returns where the value of key starts in the object obj (the last one when repeated).
func member(obj []byte, key string) (int, bool) {
	i := jsonscan.SkipWS(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return 0, false
	}
	found, at := false, 0
	i = jsonscan.SkipWS(obj, i+1)
	for i < len(obj) && obj[i] == '"' {
		kEnd, ok := jsonscan.SkipValue(obj, i)
		if !ok {
			return 0, false
		}
		match := keyIs(obj[i:kEnd], key)
		i = jsonscan.SkipWS(obj, kEnd)
		if i >= len(obj) || obj[i] != ':' {
			return 0, false
		}
		i = jsonscan.SkipWS(obj, i+1)
		if match {
			found, at = true, i
		}
		end, ok := jsonscan.SkipValue(obj, i)
		if !ok {
			return 0, false
		}
		i = jsonscan.SkipWS(obj, end)
		if i < len(obj) && obj[i] == ',' {
			i = jsonscan.SkipWS(obj, i+1)
		}
	}
	return at, found
}

// keyIs reports whether the quoted JSON key equals key (escapes decoded when there are any).
func keyIs(quoted []byte, key string) bool {
	if s, _, ok := jsonscan.PlainString(quoted, 0); ok && utf8.Valid(s) {
		return string(s) == key
	}
	var s string
	return jsonv.Check(quoted) == nil && jsonv.Kind(quoted) == "string" && jsonv.String(quoted, &s) == nil && s == key
}

// matches reports whether v satisfies c.
func (c *Cond) matches(v Value) bool {
	switch c.Op {
	case CondEq:
		return compareValues(v, c.Value) == 0
	case CondNe:
		return compareValues(v, c.Value) != 0
	case CondIn:
		for _, o := range c.In {
			if compareValues(v, o) == 0 {
				return true
			}
		}
		return false
	case CondStartsWith:
		return v.Tag == TagString && len(v.Str) >= len(c.Value.Str) && v.Str[:len(c.Value.Str)] == c.Value.Str
	}
	if v.typeClass() != c.Value.typeClass() {
		return false
	}
	d := compareValues(v, c.Value)
	switch c.Op {
	case CondGt:
		return d > 0
	case CondGte:
		return d >= 0
	case CondLt:
		return d < 0
	}
	return d <= 0 // CondLte
}

// MatchConds reports whether a record's JSON satisfies every condition. Conditions on one field
// are adjacent in a parsed Query, so each field is read once.
func MatchConds(conds []Cond, data []byte) bool {
	var v Value
	for i := range conds {
		if i == 0 || conds[i].Field != conds[i-1].Field {
			v = FieldValue(data, conds[i].Path)
		}
		if !conds[i].matches(v) {
			return false
		}
	}
	return true
}

// Matches reports whether a live record is in the query's result (before offset and limit).
func (q *Query) Matches(r Record) bool { return !r.Deleted && MatchConds(q.Where, r.Data) }

// sortable is a record with its orderBy values read once.
type sortable struct {
	rec  Record
	keys []Value
}

// compareBy orders by the keys (each asc or desc), then by id ascending.
func compareBy(order []OrderKey, a, b *sortable) int {
	for i, k := range order {
		c := compareValues(a.keys[i], b.keys[i])
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return compareUTF16(a.rec.ID, b.rec.ID)
}

// Compare orders two records as the query's result lists them.
func (q *Query) Compare(a, b Record) int {
	sa, sb := q.sortable(a), q.sortable(b)
	return compareBy(q.OrderBy, &sa, &sb)
}

func (q *Query) sortable(r Record) sortable {
	s := sortable{rec: r, keys: make([]Value, len(q.OrderBy))}
	for i, k := range q.OrderBy {
		s.keys[i] = FieldValue(r.Data, k.Path)
	}
	return s
}

// Sort orders records (already filtered) as the query's result lists them.
func (q *Query) Sort(recs []Record) {
	if len(q.OrderBy) == 0 {
		sort.Slice(recs, func(i, j int) bool { return compareUTF16(recs[i].ID, recs[j].ID) < 0 })
		return
	}
	ss := make([]sortable, len(recs))
	for i, r := range recs {
		ss[i] = q.sortable(r)
	}
	sort.Slice(ss, func(i, j int) bool { return compareBy(q.OrderBy, &ss[i], &ss[j]) < 0 })
	for i := range ss {
		recs[i] = ss[i].rec
	}
}

// Window applies offset and limit to an ordered result.
func (q *Query) Window(recs []Record) []Record {
	if q.Offset >= len(recs) {
		return recs[:0]
	}
	recs = recs[q.Offset:]
	if q.Limit >= 0 && q.Limit < len(recs) {
		recs = recs[:q.Limit]
	}
	return recs
}

// Run is the whole query over a kind's records (tombstones allowed: they are dropped): filter,
// order, window. It reuses recs' backing array.
func (q *Query) Run(recs []Record) []Record {
	out := recs[:0]
	for _, r := range recs {
		if q.Matches(r) {
			out = append(out, r)
		}
	}
	q.Sort(out)
	return q.Window(out)
}
