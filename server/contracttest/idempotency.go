package contracttest

import (
	"encoding/json"
	"net/http"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sameResponse checks a replay returned the first answer: same status, same JSON body.
func sameResponse(t T, first, replay resp) {
	t.Helper()
	require.Equal(t, first.Status, replay.Status, "replayed status; body %s", replay.Body)
	assert.JSONEq(t, string(first.Body), string(replay.Body), "replayed body")
}

func (s *suite) idempotencyChecks() []Check {
	return []Check{
		{"a replayed PUT returns the first answer and applies once", func(t T) {
			kind := s.kind()
			key := map[string]string{"X-Idempotency-Key": "k-" + randomHex(8)}
			first := s.a.put(t, kind, "i", map[string]any{"id": "i", "n": 1}, key)
			require.Equal(t, http.StatusCreated, first.Status, "%s", first.Body)
			replay := s.a.put(t, kind, "i", map[string]any{"id": "i", "n": 1}, key)
			sameResponse(t, first, replay)
			other := s.a.put(t, kind, "i", map[string]any{"id": "i", "n": 2}, key)
			sameResponse(t, first, other)
			assert.Equal(t, first.obj(t), s.a.get(t, kind, "i"), "no second effect")
			assert.Len(t, s.a.pullAll(t, kind, 10, true), 1)
		}},
		{"a replayed 409 stays a 409; the re-push under a new key succeeds", func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "c", map[string]any{"n": 1})
			v1, _ := version(t, rec)
			r := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 2, "_baseUpdatedAt": v1}, nil)
			require.Equal(t, http.StatusOK, r.Status)
			v2, _ := version(t, r.obj(t))
			op := "op-" + randomHex(8)
			first := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v1},
				map[string]string{"X-Idempotency-Key": op})
			requireConflict(t, first)
			replay := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v2},
				map[string]string{"X-Idempotency-Key": op})
			sameResponse(t, first, replay)
			repush := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v2},
				map[string]string{"X-Idempotency-Key": op + ":r1"})
			require.Equal(t, http.StatusOK, repush.Status, "%s", repush.Body)
			again := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v2},
				map[string]string{"X-Idempotency-Key": op + ":r1"})
			sameResponse(t, repush, again)
			assert.EqualValues(t, 3, s.a.get(t, kind, "c")["n"])
		}},
		{"a replayed DELETE returns the first answer", func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "d", nil)
			v1, _ := version(t, rec)
			key := map[string]string{"X-Idempotency-Key": "del-" + randomHex(8)}
			first := s.a.del(t, kind, "d", v1, key)
			require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
			sameResponse(t, first, s.a.del(t, kind, "d", v1, key))
			assert.Equal(t, first.obj(t), s.a.get(t, kind, "d"))
		}},
		{"a batch op's key replays like the single op's", func(t T) {
			kind := s.kind()
			op := "bop-" + randomHex(8)
			body := map[string]any{"ops": []any{map[string]any{
				"opId": op, "kind": kind, "id": "b", "type": "upsert", "payload": map[string]any{"id": "b", "n": 1},
			}}}
			first := s.a.do(t, http.MethodPost, "/batch", nil, body)
			require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
			sameResponse(t, first, s.a.do(t, http.MethodPost, "/batch", nil, body))
			var res struct {
				Results []struct {
					StatusCode int             `json:"statusCode"`
					Data       json.RawMessage `json:"data"`
				} `json:"results"`
			}
			require.NoError(t, json.Unmarshal(first.Body, &res))
			require.Len(t, res.Results, 1)
			require.Equal(t, http.StatusCreated, res.Results[0].StatusCode)
			single := s.a.put(t, kind, "b", map[string]any{"id": "b", "n": 2}, map[string]string{"X-Idempotency-Key": op})
			require.Equal(t, http.StatusCreated, single.Status, "the single-op retry of a batched op replays its answer")
			assert.JSONEq(t, string(res.Results[0].Data), string(single.Body))
			assert.EqualValues(t, 1, s.a.get(t, kind, "b")["n"])
		}},
	}
}
