package core

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/offsync/offsync/internal/jsonscan"
	"github.com/offsync/offsync/internal/jsonv"
)

// Local queries (JS-API.md "Queries and live queries"): the typed query, its parser and the
// comparison rules. Matching, ordering and windowing are in query_eval.go, the index planner in
// query_plan.go.

// CondOp is a where operator.
type CondOp string

// The operators of JS-API.md.
const (
	CondEq         CondOp = "eq"
	CondNe         CondOp = "ne"
	CondGt         CondOp = "gt"
	CondGte        CondOp = "gte"
	CondLt         CondOp = "lt"
	CondLte        CondOp = "lte"
	CondIn         CondOp = "in"
	CondStartsWith CondOp = "startsWith"
)

// Cond is one condition on one field; a query's conditions are ANDed.
type Cond struct {
	Field string   // as the app wrote it (a dotted path)
	Path  []string // Field split at its dots
	Op    CondOp
	Value Value   // the operand (all operators but in)
	In    []Value // in's operands
}

// OrderKey is one orderBy entry.
type OrderKey struct {
	Field string
	Path  []string
	Desc  bool
}

// Query is a parsed, valid query: conditions sorted by field then operator (the order the
// app's JSON object had is not kept by JSON parsers, so none is promised), orderBy in order.
type Query struct {
	Where   []Cond
	OrderBy []OrderKey
	Limit   int // -1: no limit
	Offset  int
}

// maxQueryInts bounds limit and offset (a double holds every integer up to 2^53 exactly).
const maxQueryInts = 1 << 53

// ParseQuery decodes and checks a query object {where?, orderBy?, limit?, offset?}. Empty text
// or null is the query of every record. Anything malformed (an unknown key or operator, in
// without an array, a non-scalar operand, a bad field path or number) is an ErrInvalid error.
func ParseQuery(text []byte) (Query, error) {
	q := Query{Limit: -1}
	t := trimWS(text)
	if len(t) == 0 || string(t) == "null" {
		return q, nil
	}
	if !jsonscan.Valid(t) {
		return q, Errorf(CodeInvalid, "query", "the query is not JSON")
	}
	ok, err := eachMember(t, func(k string, raw []byte) error {
		raw = trimWS(raw)
		if string(raw) == "null" {
			return nil
		}
		var err error
		switch k {
		case "where":
			q.Where, err = parseWhere(raw)
		case "orderBy":
			q.OrderBy, err = parseOrderBy(raw)
		case "limit":
			q.Limit, err = parseCount(raw, "limit")
		case "offset":
			q.Offset, err = parseCount(raw, "offset")
		default:
			err = Errorf(CodeInvalid, "query", "unknown query key %q", k)
		}
		return err
	})
	if err == nil && !ok {
		err = Errorf(CodeInvalid, "query", "the query must be a JSON object")
	}
	if err != nil {
		return Query{Limit: -1}, err
	}
	return q, nil
}

func parseCount(raw []byte, name string) (int, error) {
	v, _ := decodeScalar(raw)
	if f := v.Num; v.Tag != TagNumber || f < 0 || f != math.Trunc(f) || f > maxQueryInts {
		return 0, Errorf(CodeInvalid, "query", "%s must be a non-negative integer", name)
	}
	return int(v.Num), nil
}

func parseWhere(raw []byte) ([]Cond, error) {
	var out []Cond
	ok, err := eachMember(raw, func(field string, cond []byte) error {
		path, err := parsePath(field)
		if err != nil {
			return err
		}
		conds, err := parseFieldCond(field, path, trimWS(cond))
		out = append(out, conds...)
		return err
	})
	if err == nil && !ok {
		err = Errorf(CodeInvalid, "query", "where must be an object of fields")
	}
	if err != nil {
		return nil, err
	}
	// sort.Slice, not slices.SortFunc: one more generic sort instance costs sync.wasm ~10 KB.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Op < out[j].Op
	})
	return out, nil
}

// parseFieldCond reads a field's condition: a bare scalar (eq) or an object of operators.
func parseFieldCond(field string, path []string, raw []byte) ([]Cond, error) {
	if raw[0] != '{' {
		v, err := parseScalar(raw)
		if err != nil {
			return nil, Errorf(CodeInvalid, "query", "where.%s: %v", field, err)
		}
		return []Cond{{Field: field, Path: path, Op: CondEq, Value: v}}, nil
	}
	var out []Cond
	_, err := eachMember(raw, func(name string, arg []byte) error {
		c := Cond{Field: field, Path: path, Op: CondOp(name)}
		var err error
		switch c.Op {
		case CondEq, CondNe, CondGt, CondGte, CondLt, CondLte:
			c.Value, err = parseScalar(arg)
		case CondStartsWith:
			c.Value, err = parseScalar(arg)
			if err == nil && c.Value.Tag != TagString {
				err = Errorf(CodeInvalid, "query", "needs a string")
			}
		case CondIn:
			c.In, err = parseIn(arg)
		default:
			err = Errorf(CodeInvalid, "query", "unknown operator")
		}
		if err != nil {
			return Errorf(CodeInvalid, "query", "where.%s.%s: %v", field, name, err)
		}
		out = append(out, c)
		return nil
	})
	if err == nil && len(out) == 0 {
		err = Errorf(CodeInvalid, "query", "where.%s: an empty condition", field)
	}
	return out, err
}

func parseIn(raw []byte) ([]Value, error) {
	items, ok := arrayItems(raw)
	if !ok {
		return nil, Errorf(CodeInvalid, "query", "in needs an array")
	}
	out := make([]Value, len(items))
	for i, it := range items {
		v, err := parseScalar(it)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// parseScalar reads a string, number, boolean or null; anything else is invalid.
func parseScalar(raw []byte) (Value, error) {
	t := trimWS(raw)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return Value{}, Errorf(CodeInvalid, "query", "values must be strings, numbers, booleans or null")
	}
	v, ok := decodeScalar(t)
	if !ok {
		return Value{}, Errorf(CodeInvalid, "query", "bad JSON value %q", t)
	}
	return v, nil
}

func parseOrderBy(raw []byte) ([]OrderKey, error) {
	bad := Errorf(CodeInvalid, "query", "orderBy must be a field, [field, 'asc'|'desc'] or a list of those")
	if one, ok := stringOf(raw); ok {
		k, err := orderKey(one, "asc")
		return []OrderKey{k}, err
	}
	list, ok := arrayItems(raw)
	if !ok {
		return nil, bad
	}
	// ['date', 'desc'] is one key; ['date', 'mood'] two fields; [['date','desc'], 'mood'] a list.
	if len(list) == 2 {
		f, ok1 := stringOf(list[0])
		dir, ok2 := stringOf(list[1])
		if ok1 && ok2 && (dir == "asc" || dir == "desc") {
			k, err := orderKey(f, dir)
			return []OrderKey{k}, err
		}
	}
	out := make([]OrderKey, 0, len(list))
	for _, it := range list {
		f, dir := "", "asc"
		if s, ok := stringOf(it); ok {
			f = s
		} else {
			pair, ok := arrayItems(it)
			if !ok || len(pair) != 2 {
				return nil, bad
			}
			var ok1, ok2 bool
			f, ok1 = stringOf(pair[0])
			dir, ok2 = stringOf(pair[1])
			if !ok1 || !ok2 {
				return nil, bad
			}
		}
		k, err := orderKey(f, dir)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func orderKey(field, dir string) (OrderKey, error) {
	path, err := parsePath(field)
	if err != nil {
		return OrderKey{}, err
	}
	if dir != "asc" && dir != "desc" {
		return OrderKey{}, Errorf(CodeInvalid, "query", "orderBy direction must be 'asc' or 'desc', not %q", dir)
	}
	return OrderKey{Field: field, Path: path, Desc: dir == "desc"}, nil
}

// maxPathLen bounds a field path (an index key or a query field).
const maxPathLen = 256

// parsePath splits a dotted field name; empty segments are invalid.
func parsePath(field string) ([]string, error) {
	if len(field) == 0 || len(field) > maxPathLen {
		return nil, Errorf(CodeInvalid, "query", "field name must be 1–%d bytes", maxPathLen)
	}
	path := strings.Split(field, ".")
	for _, p := range path {
		if p == "" {
			return nil, Errorf(CodeInvalid, "query", "field %q has an empty path segment", field)
		}
	}
	return path, nil
}

// ValueTag is a value's place in the query order: null (and missing) < false < true < numbers
// < strings < arrays and objects.
type ValueTag uint8

// The tags, in order.
const (
	TagNull ValueTag = iota
	TagFalse
	TagTrue
	TagNumber
	TagString
	TagComposite // arrays and objects, equal among themselves
)

// Value is a record field's value as queries compare it.
type Value struct {
	Tag ValueTag
	Num float64 // TagNumber
	Str string  // TagString
}

// typeClass merges false and true: range operators match values of the operand's type.
func (v Value) typeClass() ValueTag {
	if v.Tag == TagTrue {
		return TagFalse
	}
	return v.Tag
}

// compareValues orders two values by the one total order of JS-API.md.
func compareValues(a, b Value) int {
	if a.Tag != b.Tag {
		if a.Tag < b.Tag {
			return -1
		}
		return 1
	}
	switch a.Tag {
	case TagNumber:
		switch {
		case a.Num < b.Num:
			return -1
		case a.Num > b.Num:
			return 1
		}
	case TagString:
		return compareUTF16(a.Str, b.Str)
	}
	return 0
}

// compareUTF16 compares strings by UTF-16 code units, as JavaScript's < and IndexedDB do. Byte
// order differs from it only between a character in U+E000–U+FFFF and one above U+FFFF
// (a surrogate pair, whose first unit is below U+E000).
func compareUTF16(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return cmpInt(len(a), len(b))
	}
	for i > 0 && a[i]&0xC0 == 0x80 { // back to the start of the differing character
		i--
	}
	ra, rb := firstRune(a[i:]), firstRune(b[i:])
	ua, ub := utf16Lead(ra), utf16Lead(rb)
	if ua != ub {
		return cmpInt(int(ua), int(ub))
	}
	return cmpInt(int(ra), int(rb))
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// utf16Lead is the first UTF-16 code unit of r.
func utf16Lead(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// decodeScalar decodes one JSON value's text: a scalar, or TagComposite for an array or object
// (not looked into). ok is false for text that is not a JSON value's start.
func decodeScalar(t []byte) (Value, bool) {
	if len(t) == 0 {
		return Value{}, false
	}
	switch t[0] {
	case 'n':
		return Value{Tag: TagNull}, string(t) == "null"
	case 't':
		return Value{Tag: TagTrue}, string(t) == "true"
	case 'f':
		return Value{Tag: TagFalse}, string(t) == "false"
	case '{', '[':
		return Value{Tag: TagComposite}, true
	case '"':
		// Plain text is taken as is; escapes and invalid UTF-8 (U+FFFD, as JSON.parse and
		// encoding/json read it) are decoded.
		if j := strings.IndexByte(string(t[1:]), '"'); j == len(t)-2 && !strings.Contains(string(t), `\`) && utf8.Valid(t) {
			return Value{Tag: TagString, Str: string(t[1 : len(t)-1])}, true
		}
		var s string
		if jsonv.Check(t) != nil || jsonv.String(t, &s) != nil {
			return Value{}, false
		}
		return Value{Tag: TagString, Str: s}, true
	}
	if t[0] != '-' && (t[0] < '0' || t[0] > '9') {
		return Value{}, false
	}
	f, err := strconv.ParseFloat(string(t), 64)
	if err != nil && !isRangeErr(err) {
		return Value{}, false
	}
	return Value{Tag: TagNumber, Num: f}, true
}

// isRangeErr: a JSON number too big for a double is ±Inf, as in JavaScript.
func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
