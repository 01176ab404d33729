package contracttest

import (
	"encoding/json"
	"net/http"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conflictCurrent is the record a 409 carries where the client looks for it: "current", then
// "serverData", then the body itself; nil when none.
func conflictCurrent(r resp) map[string]any {
	var body map[string]json.RawMessage
	if json.Unmarshal(r.Body, &body) != nil {
		return nil
	}
	for _, k := range []string{"current", "serverData"} {
		var m map[string]any
		if json.Unmarshal(body[k], &m) == nil && m != nil {
			return m
		}
	}
	var m map[string]any
	if json.Unmarshal(r.Body, &m) == nil && m["id"] != nil {
		return m
	}
	return nil
}

// deleteOK deletes kind/id at base and checks it was accepted (200 or 204).
func (c *client) deleteOK(t T, kind, id, base string) resp {
	t.Helper()
	r := c.del(t, kind, id, base, nil)
	requireStatus(t, r, http.StatusOK, http.StatusNoContent)
	return r
}

// tombstoneVersion is the version of kind/id's tombstone: from the delete's answer, a GET, or
// a pull (a seed-style server answers 204 and hides tombstones from GET).
func (c *client) tombstoneVersion(t T, kind, id string, answer resp) string {
	t.Helper()
	if m := answer.record(id); m != nil && deleted(m) {
		return versionString(m)
	}
	if m := c.get(t, kind, id); m != nil {
		require.True(t, deleted(m), "GET after a delete: a tombstone or 404, got %v", m)
		return versionString(m)
	}
	for _, it := range c.pullAll(t, kind, 1000, true) {
		if it["id"] == id {
			require.True(t, deleted(it), "the pulled record is a tombstone: %v", it)
			return versionString(it)
		}
	}
	require.Fail(t, "no tombstone", "%s/%s is neither answered, fetched nor pulled as a tombstone", kind, id)
	return ""
}

func (s *suite) conflictChecks() []Check {
	return []Check{
		{Name: "PUT with a stale base is 409 and changes nothing", Tier: Needed,
			Without: "concurrent edits overwrite each other silently: no strategy ever runs",
			Run: func(t T) {
				kind := s.kind()
				rec := s.a.create(t, kind, "c", map[string]any{"n": 1})
				v1, _ := version(t, rec)
				r := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 2, "_baseUpdatedAt": v1}, nil)
				requireStatus(t, r, http.StatusOK, http.StatusCreated, http.StatusNoContent)
				latest := s.a.get(t, kind, "c")
				require.NotNil(t, latest)
				requireStatus(t, s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v1}, nil), http.StatusConflict)
				assert.Equal(t, latest, s.a.get(t, kind, "c"), "the conflict changed nothing")
			}},
		{Name: "DELETE: a stale base is 409, the current one deletes (200 or 204)", Tier: Needed,
			Without: "a delete removes an edit it never saw, or deletes never reach the server",
			Run: func(t T) {
				kind := s.kind()
				rec := s.a.create(t, kind, "d", map[string]any{"n": 1})
				v1, _ := version(t, rec)
				requireStatus(t, s.a.del(t, kind, "d", "2000-01-01T00:00:00.000000Z", nil), http.StatusConflict)
				got := s.a.get(t, kind, "d")
				require.NotNil(t, got, "the refused delete deleted nothing")
				assert.False(t, deleted(got))
				s.a.deleteOK(t, kind, "d", v1)
				if got := s.a.get(t, kind, "d"); got != nil {
					assert.True(t, deleted(got), "after a delete GET answers a tombstone or 404: %v", got)
				}
			}},
		{Name: "an edit after a delete: a stale base is 409, the tombstone's version revives", Tier: Needed,
			Without: "a record deleted on one device and edited on another cannot be resolved",
			Run: func(t T) {
				kind := s.kind()
				rec := s.a.create(t, kind, "z", map[string]any{"n": 1})
				v1, _ := version(t, rec)
				tv := s.a.tombstoneVersion(t, kind, "z", s.a.deleteOK(t, kind, "z", v1))
				requireStatus(t, s.a.put(t, kind, "z", map[string]any{"id": "z", "n": 2, "_baseUpdatedAt": v1}, nil), http.StatusConflict)
				r := s.a.put(t, kind, "z", map[string]any{"id": "z", "n": 3, "_baseUpdatedAt": tv}, nil)
				requireStatus(t, r, http.StatusOK, http.StatusCreated, http.StatusNoContent)
				got := s.a.get(t, kind, "z")
				require.NotNil(t, got, "revived")
				assert.False(t, deleted(got), "a revived record is not deleted")
				assert.EqualValues(t, 3, got["n"])
			}},
		{Name: "409 answers carry the current record", Tier: Better, Missing: "no record in 409 answers",
			Without: "the client fetches GET /{kind}/{id} for each conflict: one round trip more",
			Run: func(t T) {
				kind := s.kind()
				rec := s.a.create(t, kind, "c", map[string]any{"n": 1})
				v1, _ := version(t, rec)
				requireStatus(t, s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 2, "_baseUpdatedAt": v1}, nil),
					http.StatusOK, http.StatusCreated, http.StatusNoContent)
				latest := s.a.get(t, kind, "c")
				r := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v1}, nil)
				requireStatus(t, r, http.StatusConflict)
				cur := conflictCurrent(r)
				require.NotNil(t, cur, "a record under current or serverData: %s", r.Body)
				assert.Equal(t, "c", cur["id"])
				assert.Equal(t, versionString(latest), versionString(cur), "current is the stored record")
				assert.Equal(t, latest, cur)
			}},
		{Name: "a PUT without base on an existing record is 409", Tier: Better, Missing: "no conflict when a create meets an existing id",
			Without: "when two devices create the same id, the later create overwrites the earlier one unseen",
			Run: func(t T) {
				kind := s.kind()
				s.a.create(t, kind, "c", map[string]any{"n": 1})
				latest := s.a.get(t, kind, "c")
				requireStatus(t, s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 4}, nil), http.StatusConflict)
				requireStatus(t, s.a.del(t, kind, "c", "", nil), http.StatusConflict)
				assert.Equal(t, latest, s.a.get(t, kind, "c"), "conflicts changed nothing")
			}},
		{Name: "X-Force-Update and X-Force-Delete override a stale base", Tier: Better, Missing: "no X-Force-Update / X-Force-Delete",
			Without: "nothing for offsync's own resolutions (they re-push with the server's version); only ops an app enqueues with force need it",
			Run: func(t T) {
				kind := s.kind()
				s.a.create(t, kind, "f", map[string]any{"n": 1})
				r := s.a.put(t, kind, "f", map[string]any{"id": "f", "n": 9, "_baseUpdatedAt": "2000-01-01T00:00:00.000000Z"},
					map[string]string{"X-Force-Update": "true"})
				requireStatus(t, r, http.StatusOK, http.StatusCreated, http.StatusNoContent)
				assert.EqualValues(t, 9, s.a.get(t, kind, "f")["n"])
				r = s.a.del(t, kind, "f", "2000-01-01T00:00:00.000000Z", map[string]string{"X-Force-Delete": "true"})
				requireStatus(t, r, http.StatusOK, http.StatusNoContent)
				if got := s.a.get(t, kind, "f"); got != nil {
					assert.True(t, deleted(got))
				}
			}},
	}
}
