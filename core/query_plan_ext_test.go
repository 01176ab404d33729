package core_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
)

// TestPlansAgreeWithScan executes random plans as an index store would (entries of the
// range, walked in index order, residual checked, the window cut at the walk's length) and
// checks them against the plain evaluation.
func TestPlansAgreeWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	indexes := []core.IndexSpec{{"a"}, {"b"}, {"a", "b"}, {"c.d"}}
	for round := range 300 {
		recs := storetest.RandomRecords(rng, "k", 30)
		for range 20 {
			text := storetest.RandomQuery(rng)
			q := mustParse(t, text)
			want := recIDs(q.Run(slices.Clone(recs)))
			p := core.PlanQuery(indexes, &q)
			got := recIDs(simulatePlan(indexes, &q, &p, recs))
			require.Equal(t, want, got, "round %d: %s plan %+v", round, text, p)
		}
	}
}

// simulatePlan reads recs as a store executing p does.
func simulatePlan(indexes []core.IndexSpec, q *core.Query, p *core.Plan, recs []core.Record) []core.Record {
	if p.Empty {
		return nil
	}
	if p.Index < 0 {
		return q.Run(slices.Clone(recs))
	}
	ix := indexes[p.Index]
	type entry struct {
		key []core.Value
		rec core.Record
	}
	var entries []entry
	for _, r := range recs {
		if r.Deleted {
			continue
		}
		e := entry{rec: r}
		for _, f := range ix {
			e.key = append(e.key, core.FieldValue(r.Data, strings.Split(f, ".")))
		}
		if inRange(&p.Range, e.key) {
			entries = append(entries, e)
		}
	}
	cmpKey := func(a, b entry) int {
		for i := range a.key {
			if c := core.CompareValues(a.key[i], b.key[i]); c != 0 {
				return c
			}
		}
		return 0
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := cmpKey(a, b); c != 0 {
			return c
		}
		return core.CompareUTF16(a.rec.ID, b.rec.ID)
	})
	if p.Desc {
		slices.Reverse(entries)
	}
	need := -1
	if p.Ordered && q.Limit >= 0 {
		need = q.Offset + q.Limit
	}
	var out []core.Record
	for i, e := range entries {
		// Stop once enough matched, at a change of key (a batch boundary).
		if need >= 0 && len(out) >= need && (i == 0 || cmpKey(entries[i-1], e) != 0) {
			break
		}
		if core.MatchConds(p.Residual, e.rec.Data) {
			out = append(out, e.rec)
		}
	}
	if p.Exact() {
		n := 0
		for _, r := range recs {
			if q.Matches(r) {
				n++
			}
		}
		if need < 0 && n != len(out) {
			panic(fmt.Sprintf("exact plan counts %d, scan %d", len(out), n))
		}
	}
	q.Sort(out)
	return q.Window(out)
}

func inRange(r *core.IndexRange, key []core.Value) bool {
	for i, v := range r.Eq {
		if core.CompareValues(key[i], v) != 0 {
			return false
		}
	}
	if !r.Ranged {
		return true
	}
	v := key[len(r.Eq)]
	if class(v) != r.Class {
		return false
	}
	if r.Lo != nil {
		if c := core.CompareValues(v, r.Lo.Value); c < 0 || (c == 0 && r.Lo.Open) {
			return false
		}
	}
	if r.Hi != nil {
		if c := core.CompareValues(v, r.Hi.Value); c > 0 || (c == 0 && r.Hi.Open) {
			return false
		}
	}
	return true
}

func class(v core.Value) core.ValueTag {
	if v.Tag == core.TagTrue {
		return core.TagFalse
	}
	return v.Tag
}

func mustParse(t *testing.T, s string) core.Query {
	t.Helper()
	q, err := core.ParseQuery([]byte(s))
	require.NoError(t, err, s)
	return q
}

func recIDs(recs []core.Record) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}
