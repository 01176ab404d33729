package contracttest

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// before reports whether item a comes before item b in (version, id) order, versions compared
// as instants (a seed-style server writes "….000Z" and "….000123Z": not string-ordered).
func before(t T, a, b map[string]any) bool {
	t.Helper()
	_, at := version(t, a)
	_, bt := version(t, b)
	if !at.Equal(bt) {
		return at.Before(bt)
	}
	return str(t, a, "id") < str(t, b, "id")
}

// requireTupleOrder checks items are in strictly increasing (updatedAt, id) order.
func requireTupleOrder(t T, items []map[string]any) {
	t.Helper()
	for i := 1; i < len(items); i++ {
		require.True(t, before(t, items[i-1], items[i]), "item %d (%s,%s) after (%s,%s)", i,
			versionString(items[i]), items[i]["id"], versionString(items[i-1]), items[i-1]["id"])
	}
}

func ids(t T, items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = str(t, it, "id")
	}
	return out
}

// seed writes n records of kind: most in one POST /batch (which a server may stamp with one
// updatedAt) when the server has it, the rest (or all) one by one.
func (s *suite) seed(t T, kind string, n int) []string {
	t.Helper()
	var ops []any
	var want, single []string
	for i := range n {
		id := fmt.Sprintf("p%03d", (i*37)%n)
		want = append(want, id)
		if i < n-5 {
			ops = append(ops, map[string]any{"opId": randomHex(12), "kind": kind, "id": id, "type": "upsert",
				"payload": map[string]any{"id": id, "i": i}})
			continue
		}
		single = append(single, id)
	}
	r := s.a.do(t, http.MethodPost, "/batch", nil, map[string]any{"ops": ops})
	switch r.Status {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		single = want
	default:
		require.Fail(t, "seeding", "POST /batch: HTTP %d: %s", r.Status, r.Body)
	}
	for i, id := range single {
		s.a.create(t, kind, id, map[string]any{"i": i})
	}
	return want
}

// walk follows (updatedSince, afterId) cursors with limit 4 until a page brings nothing new;
// it returns every item received, repeats included.
func (c *client) walk(t T, kind string) []map[string]any {
	t.Helper()
	var walked []map[string]any
	q := url.Values{"updatedSince": {epoch}, "limit": {"4"}}
	var last map[string]any
	for range 200 {
		p := c.pull(t, kind, q)
		require.LessOrEqual(t, len(p.Items), 4, "a page longer than limit")
		walked = append(walked, p.Items...)
		if len(p.Items) == 0 {
			return walked
		}
		end := p.Items[len(p.Items)-1]
		if last != nil && !before(t, last, end) {
			return walked // the cursor does not move on
		}
		last = end
		q = url.Values{"updatedSince": {versionString(end)}, "afterId": {str(t, end, "id")}, "limit": {"4"}}
	}
	require.Fail(t, "the cursor walk does not end")
	return nil
}

func (s *suite) pullChecks() []Check {
	return []Check{
		{Name: "pull: page tokens visit every record once in (updatedAt, id) order, within limit", Tier: Needed,
			Without: "devices miss records, or the client stops the pull as a protocol error",
			Run: func(t T) {
				kind := s.kind()
				want := s.seed(t, kind, 57)
				for _, limit := range []int{1, 7, 57, 1000} {
					items := s.a.pullAll(t, kind, limit, true)
					requireTupleOrder(t, items)
					assert.ElementsMatch(t, want, ids(t, items), "limit %d", limit)
				}
				p := s.a.pull(t, kind, url.Values{"updatedSince": {"2999-01-01T00:00:00Z"}})
				assert.Empty(t, p.Items)
				assert.Nil(t, p.Next, "nextPageToken is null on the last page")
			}},
		{Name: "pull: an (updatedSince, afterId) cursor misses nothing", Tier: Needed,
			Without: "each sync resumes from the stored cursor and misses records",
			Run: func(t T) {
				kind := s.kind()
				want := s.seed(t, kind, 23)
				seen := map[string]bool{}
				for _, id := range ids(t, s.a.walk(t, kind)) {
					seen[id] = true
				}
				for _, id := range want {
					assert.True(t, seen[id], "%s was walked", id)
				}
			}},
		{Name: "pull: changes and deletions (as tombstones) come after the cursor", Tier: Needed,
			Without: "other devices never learn of edits or deletes made after their last pull",
			Run: func(t T) {
				kind := s.kind()
				a := s.a.create(t, kind, "a", nil)
				b := s.a.create(t, kind, "b", nil)
				items := s.a.pullAll(t, kind, 10, true)
				require.Len(t, items, 2)
				last := items[1]
				va, _ := version(t, a)
				vb, _ := version(t, b)
				requireStatus(t, s.a.put(t, kind, "a", map[string]any{"id": "a", "n": 2, "_baseUpdatedAt": va}, nil),
					http.StatusOK, http.StatusCreated, http.StatusNoContent)
				s.a.deleteOK(t, kind, "b", vb)
				p := s.a.pull(t, kind, url.Values{"updatedSince": {versionString(last)}, "afterId": {str(t, last, "id")}, "includeDeleted": {"true"}})
				got := map[string]map[string]any{}
				for _, it := range p.Items {
					got[str(t, it, "id")] = it
				}
				require.Contains(t, got, "a", "the edit comes after the old cursor")
				assert.EqualValues(t, 2, got["a"]["n"])
				require.Contains(t, got, "b", "the delete comes after the old cursor")
				assert.True(t, deleted(got["b"]), "as a tombstone (deletedAt or deleted_at)")
			}},
		{Name: "pull: afterId is honoured (a cursor walk repeats nothing)", Tier: Better, Missing: "afterId ignored",
			Without: "each pull brings again the records sharing the cursor's updatedAt, and a page full of one updatedAt (a bulk import) cannot move on",
			Run: func(t T) {
				kind := s.kind()
				s.seed(t, kind, 23)
				all := s.a.pullAll(t, kind, 1000, true)
				assert.Equal(t, ids(t, all), ids(t, s.a.walk(t, kind)))
				last := all[len(all)-1]
				p := s.a.pull(t, kind, url.Values{"updatedSince": {versionString(last)}})
				require.NotEmpty(t, p.Items, "without afterId, updatedSince is inclusive")
				assert.Equal(t, str(t, last, "id"), str(t, p.Items[len(p.Items)-1], "id"))
			}},
		{Name: "pull: includeDeleted=false leaves tombstones out; the default page is at most 500", Tier: Better,
			Missing: "includeDeleted or the default page size not as CONTRACT.md says",
			Without: "nothing for offsync (it always asks includeDeleted=true with a limit); other clients may differ",
			Run: func(t T) {
				kind := s.kind()
				a := s.a.create(t, kind, "a", nil)
				va, _ := version(t, a)
				s.a.create(t, kind, "b", nil)
				s.a.deleteOK(t, kind, "a", va)
				assert.Equal(t, []string{"b"}, ids(t, s.a.pullAll(t, kind, 10, false)))
				s.seed(t, kind, 12)
				p := s.a.pull(t, kind, url.Values{"updatedSince": {epoch}})
				assert.Len(t, p.Items, 14)
				assert.Nil(t, p.Next)
			}},
	}
}
