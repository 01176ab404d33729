package storetest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/offsync/offsync/core"
)

// RandomRecords makes n records of kind (fewer: ids repeat, the last wins) whose fields a, b
// and c.d hold values of every type from small domains, often missing; every ninth is a
// tombstone. With RandomQuery it makes the data of the query differential tests.
func RandomRecords(rng *rand.Rand, kind string, n int) []core.Record {
	out := make([]core.Record, 0, n)
	for i := range n {
		obj := map[string]any{"id": fmt.Sprintf("r%02d", rng.IntN(3*n+1))}
		for _, f := range []string{"a", "b"} {
			if v, ok := randomValue(rng); ok {
				obj[f] = v
			}
		}
		if rng.IntN(3) > 0 {
			if v, ok := randomValue(rng); ok {
				obj["c"] = map[string]any{"d": v}
			}
		}
		b, _ := json.Marshal(obj)
		out = append(out, core.Record{Kind: kind, ID: obj["id"].(string), Data: b, Deleted: i%9 == 8})
	}
	// Ids are unique in a kind: keep the last of each.
	seen := map[string]int{}
	var uniq []core.Record
	for _, r := range out {
		if j, ok := seen[r.ID]; ok {
			uniq[j] = r
			continue
		}
		seen[r.ID] = len(uniq)
		uniq = append(uniq, r)
	}
	return uniq
}

// randomValue is a value of any type from small domains (so that equal values and ties are
// common); ok is false for a missing field.
func randomValue(rng *rand.Rand) (any, bool) {
	switch rng.IntN(9) {
	case 0:
		return nil, false
	case 1:
		return nil, true
	case 2:
		return rng.IntN(2) == 0, true
	case 3, 4:
		return float64(rng.IntN(7)-3) / 2, true
	case 5, 6:
		return []string{"", "a", "ab", "abc", "b", "ba", "é", "\uFFFF", "\U0001F600"}[rng.IntN(9)], true
	case 7:
		return []any{1, "x"}, true
	}
	return map[string]any{"x": 1}, true
}

// RandomQuery makes a query over a, b, c.d and c with every operator, orderBy asc and desc,
// limit and offset.
func RandomQuery(rng *rand.Rand) string {
	fields := []string{"a", "b", "c.d", "c"}
	ops := []string{"eq", "ne", "gt", "gte", "lt", "lte", "in", "startsWith", "bare"}
	where := map[string]any{}
	for range rng.IntN(3) {
		f := fields[rng.IntN(len(fields))]
		op := ops[rng.IntN(len(ops))]
		v, _ := randomValue(rng)
		switch v.(type) {
		case []any, map[string]any:
			v = "a"
		}
		if op == "startsWith" {
			v = []string{"", "a", "ab", "b", "\uFFFF"}[rng.IntN(5)]
		}
		if op == "in" {
			a, _ := randomValue(rng)
			if _, ok := a.(map[string]any); ok {
				a = nil
			}
			if _, ok := a.([]any); ok {
				a = 1
			}
			v = []any{v, a}
		}
		if op == "bare" {
			where[f] = v
			continue
		}
		m, _ := where[f].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[op] = v
		where[f] = m
	}
	q := map[string]any{"where": where}
	var order []any
	for range rng.IntN(3) {
		f := fields[rng.IntN(len(fields))]
		if rng.IntN(2) == 0 {
			order = append(order, []string{f, "desc"})
		} else {
			order = append(order, []string{f, "asc"})
		}
	}
	if len(order) > 0 {
		q["orderBy"] = order
	}
	if rng.IntN(2) == 0 {
		q["limit"] = rng.IntN(6)
	}
	if rng.IntN(3) == 0 {
		q["offset"] = rng.IntN(5)
	}
	b, _ := json.Marshal(q)
	return string(b)
}
