package contracttest

import (
	"net/http"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireConflict checks a 409 body and returns its current record.
func requireConflict(t T, r resp) map[string]any {
	t.Helper()
	m := requireError(t, r, http.StatusConflict)
	assert.Equal(t, "conflict", m["error"])
	cur, ok := m["current"].(map[string]any)
	require.True(t, ok, "409 body has the current record: %s", r.Body)
	return cur
}

func (s *suite) conflictChecks() []Check {
	return []Check{
		{"update with the current base is 200 and advances updatedAt", func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "u", map[string]any{"n": 1})
			v1, _ := version(t, rec)
			r := s.a.put(t, kind, "u", map[string]any{"id": "u", "n": 2, "_baseUpdatedAt": v1}, nil)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			got := r.obj(t)
			v2, _ := version(t, got)
			assert.Greater(t, v2, v1)
			assert.EqualValues(t, 2, got["n"])
			assert.NotContains(t, got, "_baseUpdatedAt", "the base is not stored")
			assert.Equal(t, got, s.a.get(t, kind, "u"))
		}},
		{"stale or missing base is 409 with current and changes nothing", func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "c", map[string]any{"n": 1})
			v1, _ := version(t, rec)
			r := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 2, "_baseUpdatedAt": v1}, nil)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			latest := r.obj(t)
			cur := requireConflict(t, s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v1}, nil))
			assert.Equal(t, latest, cur, "current is the stored record")
			cur = requireConflict(t, s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 4}, nil))
			assert.Equal(t, latest, cur, "no base on an existing record is a conflict")
			assert.Equal(t, latest, s.a.get(t, kind, "c"), "conflicts changed nothing")
		}},
		{"X-Force-Update overrides a stale base", func(t T) {
			kind := s.kind()
			s.a.create(t, kind, "f", map[string]any{"n": 1})
			r := s.a.put(t, kind, "f", map[string]any{"id": "f", "n": 9, "_baseUpdatedAt": "2000-01-01T00:00:00.000000Z"},
				map[string]string{"X-Force-Update": "true"})
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			assert.EqualValues(t, 9, s.a.get(t, kind, "f")["n"])
		}},
		{"delete: 409 on stale base, tombstone on success, 404 when unknown", func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "d", map[string]any{"n": 1})
			v1, _ := version(t, rec)
			requireConflict(t, s.a.del(t, kind, "d", "2000-01-01T00:00:00.000000Z", nil))
			requireConflict(t, s.a.del(t, kind, "d", "", nil))
			r := s.a.del(t, kind, "d", v1, nil)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			tomb := r.obj(t)
			v2, _ := version(t, tomb)
			assert.Greater(t, v2, v1, "a delete advances updatedAt")
			assert.NotEmpty(t, str(t, tomb, "deletedAt"))
			assert.Equal(t, "d", tomb["id"], "a tombstone keeps its id")
			got := s.a.get(t, kind, "d")
			require.NotNil(t, got, "GET returns tombstones")
			assert.NotEmpty(t, got["deletedAt"])
			requireError(t, s.a.del(t, kind, "never-existed", "", nil), http.StatusNotFound)
		}},
		{"X-Force-Delete overrides a stale base", func(t T) {
			kind := s.kind()
			s.a.create(t, kind, "fd", nil)
			r := s.a.del(t, kind, "fd", "2000-01-01T00:00:00.000000Z", map[string]string{"X-Force-Delete": "true"})
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			assert.NotEmpty(t, s.a.get(t, kind, "fd")["deletedAt"])
		}},
		{"a PUT on a tombstone: stale base is 409, the tombstone's version revives", func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "z", map[string]any{"n": 1})
			v1, _ := version(t, rec)
			r := s.a.del(t, kind, "z", v1, nil)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			tv, _ := version(t, r.obj(t))
			cur := requireConflict(t, s.a.put(t, kind, "z", map[string]any{"id": "z", "n": 2, "_baseUpdatedAt": v1}, nil))
			assert.NotEmpty(t, cur["deletedAt"], "current of a deleted record has deletedAt")
			r = s.a.put(t, kind, "z", map[string]any{"id": "z", "n": 3, "_baseUpdatedAt": tv}, nil)
			require.Equal(t, http.StatusOK, r.Status, "revive: %s", r.Body)
			got := r.obj(t)
			assert.Nil(t, got["deletedAt"], "revived record has no deletedAt")
			assert.EqualValues(t, 3, got["n"])
			v3, _ := version(t, got)
			assert.Greater(t, v3, tv)
			assert.Nil(t, s.a.get(t, kind, "z")["deletedAt"])
		}},
	}
}
