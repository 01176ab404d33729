package core

import "unicode/utf8"

// The query planner: a pure function from a kind's declared indexes and a Query to how a store
// reads it. An index orders its entries by the values of its fields (in the query order, a
// missing field as null), ties by id ascending, and holds the live records only.

// Bound is one end of a range over an index field's values.
type Bound struct {
	Value Value
	Open  bool // exclusive
}

// IndexRange selects index entries: Eq pins the index's first len(Eq) fields; the next field
// lies between Lo and Hi (nil: unbounded within Class); Class, when Ranged, is the type class
// (TagNull, TagFalse for booleans, TagNumber, TagString) the next field's value must have.
type IndexRange struct {
	Eq     []Value
	Ranged bool
	Class  ValueTag
	Lo, Hi *Bound
}

// Plan says how to read a query's records.
type Plan struct {
	// Index is the position of the index to walk in the kind's list; -1 is a scan of the kind.
	Index int
	Range IndexRange
	// Empty: the conditions contradict each other, nothing can match.
	Empty bool
	// Desc walks the index backwards.
	Desc bool
	// Ordered: the walk yields the query's order (a backward walk yields ties by id
	// descending; a store reading it in batches ends each batch at a change of index key, so
	// that sorting what it read restores id order among ties).
	Ordered bool
	// Residual are the conditions the range does not enforce: every record read is checked.
	Residual []Cond
}

// Exact reports whether the records the range selects are exactly the matches: a count is the
// range's count and, when Ordered too, offset and limit apply to the walk itself.
func (p *Plan) Exact() bool { return p.Index >= 0 && len(p.Residual) == 0 }

// PlanQuery chooses the index (of indexes, the kind's) that reads the fewest records for q.
func PlanQuery(indexes []IndexSpec, q *Query) Plan {
	best := Plan{Index: -1, Residual: q.Where}
	bestScore := 0
	for i, ix := range indexes {
		p, score := planIndex(i, ix, q)
		if p.Empty {
			return p
		}
		if score > bestScore {
			best, bestScore = p, score
		}
	}
	return best
}

// planIndex plans q over one index and scores the plan (0: no better than a scan).
func planIndex(pos int, ix IndexSpec, q *Query) (Plan, int) {
	p := Plan{Index: pos}
	used := make([]bool, len(q.Where))
	k := 0
	// Equalities pin a prefix of the index's fields.
	for k < len(ix) {
		j := findCond(q.Where, used, ix[k], func(c *Cond) bool { return c.Op == CondEq })
		if j < 0 {
			break
		}
		used[j] = true
		p.Range.Eq = append(p.Range.Eq, q.Where[j].Value)
		k++
	}
	// Range operators bound the next field.
	if k < len(ix) {
		for j := range q.Where {
			c := &q.Where[j]
			if used[j] || c.Field != ix[k] || !isRangeOp(c.Op) {
				continue
			}
			ok, exact := p.Range.narrow(c)
			if !ok {
				return Plan{Index: pos, Empty: true}, 0
			}
			used[j] = exact
		}
	}
	if p.Range.empty() {
		return Plan{Index: pos, Empty: true}, 0
	}
	for j := range q.Where {
		if !used[j] {
			p.Residual = append(p.Residual, q.Where[j])
		}
	}
	p.Ordered, p.Desc = indexOrders(ix, k, q.OrderBy)
	score := 4 * len(p.Range.Eq)
	if p.Range.Ranged {
		score += 2
	}
	if p.Ordered && q.Limit >= 0 {
		score += 3 // the walk stops after offset+limit
	}
	if score > 0 && len(p.Residual) == 0 {
		score++
	}
	return p, score
}

// findCond returns the first unused condition on field that ok accepts, -1 when none.
func findCond(conds []Cond, used []bool, field string, ok func(*Cond) bool) int {
	for j := range conds {
		if !used[j] && conds[j].Field == field && ok(&conds[j]) {
			return j
		}
	}
	return -1
}

func isRangeOp(op CondOp) bool {
	switch op {
	case CondGt, CondGte, CondLt, CondLte, CondStartsWith:
		return true
	}
	return false
}

// narrow intersects the range with c's: ok is false when the intersection is empty for certain
// (two type classes), exact false when the range is wider than c (c must still be checked).
func (r *IndexRange) narrow(c *Cond) (ok, exact bool) {
	class := c.Value.typeClass()
	if r.Ranged && r.Class != class {
		return false, true
	}
	r.Ranged, r.Class = true, class
	switch c.Op {
	case CondGt:
		r.raiseLo(Bound{Value: c.Value, Open: true})
	case CondGte:
		r.raiseLo(Bound{Value: c.Value})
	case CondLt:
		r.lowerHi(Bound{Value: c.Value, Open: true})
	case CondLte:
		r.lowerHi(Bound{Value: c.Value})
	case CondStartsWith:
		r.raiseLo(Bound{Value: c.Value})
		next, ok := prefixEnd(c.Value.Str)
		if ok {
			r.lowerHi(Bound{Value: Value{Tag: TagString, Str: next}, Open: true})
		}
		return true, ok || c.Value.Str == ""
	}
	return true, true
}

// empty reports whether the bounds exclude every value (a store could not even express them).
func (r *IndexRange) empty() bool {
	if r.Lo == nil || r.Hi == nil {
		return false
	}
	c := compareValues(r.Lo.Value, r.Hi.Value)
	return c > 0 || (c == 0 && (r.Lo.Open || r.Hi.Open))
}

func (r *IndexRange) raiseLo(b Bound) {
	if r.Lo == nil {
		r.Lo = &b
		return
	}
	if c := compareValues(b.Value, r.Lo.Value); c > 0 || (c == 0 && b.Open) {
		r.Lo = &b
	}
}

func (r *IndexRange) lowerHi(b Bound) {
	if r.Hi == nil {
		r.Hi = &b
		return
	}
	if c := compareValues(b.Value, r.Hi.Value); c < 0 || (c == 0 && b.Open) {
		r.Hi = &b
	}
}

// prefixEnd is the least string above every string that starts with s (in UTF-16 order); false
// when there is none (s is empty or all U+FFFF).
func prefixEnd(s string) (string, bool) {
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
		switch {
		case r == 0xFFFF:
			continue // no unit above it: drop it and raise the one before
		case r == 0xD7FF:
			// The next unit, 0xD800, starts a surrogate pair: the least such string is U+10000.
			return s + "\U00010000", true
		case r >= 0x10000:
			// A pair: raise its low unit, carrying into the high one (pairs are contiguous).
			return s + string(r+1), r+1 <= utf8.MaxRune
		}
		return s + string(r+1), true
	}
	return "", false
}

// indexOrders reports whether walking the index (its first k fields pinned) yields orderBy's
// order, and in which direction. Keys on pinned fields order nothing; the rest must be the
// index's remaining fields exactly, all one way. With nothing left to order by, the walk must
// pin every field (entries are then in id order).
func indexOrders(ix IndexSpec, k int, order []OrderKey) (ordered, desc bool) {
	rest := make([]OrderKey, 0, len(order))
	for _, o := range order {
		pinned := false
		for _, f := range ix[:k] {
			pinned = pinned || f == o.Field
		}
		if !pinned {
			rest = append(rest, o)
		}
	}
	if len(rest) == 0 {
		return k == len(ix), false
	}
	if len(rest) != len(ix)-k {
		return false, false
	}
	for i, o := range rest {
		if o.Field != ix[k+i] || o.Desc != rest[0].Desc {
			return false, false
		}
	}
	return true, rest[0].Desc
}
