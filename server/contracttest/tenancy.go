package contracttest

import (
	"net/http"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (s *suite) tenancyChecks() []Check {
	return []Check{
		{Name: "tenants never see, change or replay each other's records", Tier: Better, Missing: "no tenant isolation", Without: "users read and overwrite each other's records", Run: func(t T) {
			if s.b.token == "" {
				t.Skip("no second tenant's token given")
			}
			kind := s.kind()
			key := map[string]string{"X-Idempotency-Key": "shared-" + randomHex(8)}
			ra := s.a.put(t, kind, "x", map[string]any{"id": "x", "owner": "a"}, key)
			require.Equal(t, http.StatusCreated, ra.Status, "%s", ra.Body)
			assert.Nil(t, s.b.get(t, kind, "x"), "B cannot read A's record")
			assert.Empty(t, s.b.pullAll(t, kind, 10, true), "B's pull does not list A's record")
			rb := s.b.put(t, kind, "x", map[string]any{"id": "x", "owner": "b"}, key)
			require.Equal(t, http.StatusCreated, rb.Status, "B's same id and same key is B's own create: %s", rb.Body)
			assert.Equal(t, "b", rb.obj(t)["owner"], "A's idempotency key is not replayed to B")
			assert.Equal(t, "a", s.a.get(t, kind, "x")["owner"], "A's record is untouched")
			requireError(t, s.b.del(t, kind, "only-a", "", nil), http.StatusNotFound)
			s.a.create(t, kind, "only-a", nil)
			requireError(t, s.b.del(t, kind, "only-a", "", map[string]string{"X-Force-Delete": "true"}), http.StatusNotFound)
			assert.Nil(t, s.a.get(t, kind, "only-a")["deletedAt"])
			res := s.b.batch(t, []any{map[string]any{"opId": randomHex(8), "kind": kind, "id": "only-a", "type": "delete", "force": true}})
			assert.Equal(t, http.StatusNotFound, res[0].StatusCode)
			assert.Nil(t, s.a.get(t, kind, "only-a")["deletedAt"])
		}},
	}
}
