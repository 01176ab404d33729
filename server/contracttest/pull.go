package contracttest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireTupleOrder checks items are in strictly increasing (updatedAt, id) byte order.
func requireTupleOrder(t T, items []map[string]any) {
	t.Helper()
	for i := 1; i < len(items); i++ {
		pu, pi := str(t, items[i-1], "updatedAt"), str(t, items[i-1], "id")
		cu, ci := str(t, items[i], "updatedAt"), str(t, items[i], "id")
		require.True(t, pu < cu || (pu == cu && pi < ci), "item %d (%s,%s) after (%s,%s)", i, cu, ci, pu, pi)
	}
}

func ids(t T, items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = str(t, it, "id")
	}
	return out
}

// seed writes n records of kind, most in one batch (which a server may stamp with one
// updatedAt), the rest one by one.
func (s *suite) seed(t T, kind string, n int) []string {
	t.Helper()
	var ops []any
	var want []string
	for i := range n {
		id := fmt.Sprintf("p%03d", (i*37)%n)
		want = append(want, id)
		if i < n-5 {
			ops = append(ops, map[string]any{"opId": randomHex(12), "kind": kind, "id": id, "type": "upsert",
				"payload": map[string]any{"id": id, "i": i}})
			continue
		}
		s.a.create(t, kind, id, map[string]any{"i": i})
	}
	r := s.a.do(t, http.MethodPost, "/batch", nil, map[string]any{"ops": ops})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	return want
}

func (s *suite) pullChecks() []Check {
	return []Check{
		{"page tokens visit every record once in (updatedAt, id) order", func(t T) {
			kind := s.kind()
			want := s.seed(t, kind, 57)
			for _, limit := range []int{1, 7, 57, 1000} {
				items := s.a.pullAll(t, kind, limit, true)
				requireTupleOrder(t, items)
				assert.ElementsMatch(t, want, ids(t, items), "limit %d", limit)
			}
		}},
		{"an (updatedSince, afterId) cursor walks the same sequence", func(t T) {
			kind := s.kind()
			s.seed(t, kind, 23)
			all := s.a.pullAll(t, kind, 1000, true)
			var walked []map[string]any
			q := url.Values{"updatedSince": {epoch}, "limit": {"4"}}
			for range 100 {
				p := s.a.pull(t, kind, q)
				if len(p.Items) == 0 {
					break
				}
				walked = append(walked, p.Items...)
				last := p.Items[len(p.Items)-1]
				q = url.Values{"updatedSince": {str(t, last, "updatedAt")}, "afterId": {str(t, last, "id")}, "limit": {"4"}}
			}
			assert.Equal(t, ids(t, all), ids(t, walked))
			last := all[len(all)-1]
			p := s.a.pull(t, kind, url.Values{"updatedSince": {str(t, last, "updatedAt")}})
			require.NotEmpty(t, p.Items, "without afterId, updatedSince is inclusive")
			assert.Equal(t, str(t, last, "id"), str(t, p.Items[len(p.Items)-1], "id"))
			p = s.a.pull(t, kind, url.Values{"updatedSince": {"2999-01-01T00:00:00Z"}})
			assert.Empty(t, p.Items)
			assert.Nil(t, p.Next, "nextPageToken is null on the last page")
		}},
		{"updates and deletes show up after the cursor; includeDeleted filters tombstones", func(t T) {
			kind := s.kind()
			a := s.a.create(t, kind, "a", nil)
			b := s.a.create(t, kind, "b", nil)
			items := s.a.pullAll(t, kind, 10, true)
			require.Len(t, items, 2)
			last := items[1]
			va, _ := version(t, a)
			vb, _ := version(t, b)
			r := s.a.put(t, kind, "a", map[string]any{"id": "a", "n": 2, "_baseUpdatedAt": va}, nil)
			require.Equal(t, http.StatusOK, r.Status)
			r = s.a.del(t, kind, "b", vb, nil)
			require.Equal(t, http.StatusOK, r.Status)
			p := s.a.pull(t, kind, url.Values{"updatedSince": {str(t, last, "updatedAt")}, "afterId": {str(t, last, "id")}})
			assert.Equal(t, []string{"a", "b"}, ids(t, p.Items), "both changes come after the old cursor")
			assert.NotEmpty(t, p.Items[1]["deletedAt"], "tombstones are included by default")
			live := s.a.pullAll(t, kind, 10, false)
			assert.Equal(t, []string{"a"}, ids(t, live), "includeDeleted=false leaves tombstones out")
		}},
		{"default page size is at most 500 and limit is honoured", func(t T) {
			kind := s.kind()
			s.seed(t, kind, 12)
			p := s.a.pull(t, kind, url.Values{"updatedSince": {epoch}, "limit": {strconv.Itoa(5)}})
			assert.Len(t, p.Items, 5)
			require.NotNil(t, p.Next)
			p = s.a.pull(t, kind, url.Values{"updatedSince": {epoch}})
			assert.Len(t, p.Items, 12)
			assert.Nil(t, p.Next)
		}},
	}
}
