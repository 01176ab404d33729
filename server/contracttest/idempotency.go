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
	if len(first.Body) == 0 {
		assert.Empty(t, replay.Body, "replayed body")
		return
	}
	assert.JSONEq(t, string(first.Body), string(replay.Body), "replayed body")
}

func (s *suite) idempotencyChecks() []Check {
	return []Check{
		{Name: "a replayed PUT returns the first answer and applies once", Tier: Better, Missing: "no idempotency keys", Without: "an op whose answer was lost is sent again: the server applies it twice, and a retried edit meets the device's own write as a 409 that the strategy then resolves", Run: func(t T) {
			kind := s.kind()
			key := map[string]string{"X-Idempotency-Key": "k-" + randomHex(8)}
			first := s.a.put(t, kind, "i", map[string]any{"id": "i", "n": 1}, key)
			requireStatus(t, first, http.StatusOK, http.StatusCreated, http.StatusNoContent)
			replay := s.a.put(t, kind, "i", map[string]any{"id": "i", "n": 1}, key)
			sameResponse(t, first, replay)
			other := s.a.put(t, kind, "i", map[string]any{"id": "i", "n": 2}, key)
			sameResponse(t, first, other)
			got := s.a.get(t, kind, "i")
			assert.EqualValues(t, 1, got["n"], "the key's second use applied nothing")
			if first.Status != http.StatusNoContent {
				assert.Equal(t, first.obj(t), got, "no second effect")
			}
			assert.Len(t, s.a.pullAll(t, kind, 10, true), 1)
		}},
		{Name: "a replayed 409 is a 409 again and changes nothing; the re-push under a new key succeeds", Tier: Better, Missing: "no idempotency keys", Without: "an op whose answer was lost is sent again: the server applies it twice, and a retried edit meets the device's own write as a 409 that the strategy then resolves", Run: func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "c", map[string]any{"n": 1})
			v1, _ := version(t, rec)
			r := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 2, "_baseUpdatedAt": v1}, nil)
			requireStatus(t, r, http.StatusOK, http.StatusNoContent)
			v2, _ := version(t, s.a.get(t, kind, "c"))
			op := "op-" + randomHex(8)
			first := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v1},
				map[string]string{"X-Idempotency-Key": op})
			requireStatus(t, first, http.StatusConflict)
			// A 409 need not be kept for replay (CONTRACT.md limits: nothing was written, so a
			// replay may be evaluated again); either way the same request is a 409 again.
			replay := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v1},
				map[string]string{"X-Idempotency-Key": op})
			requireStatus(t, replay, http.StatusConflict)
			assert.EqualValues(t, 2, s.a.get(t, kind, "c")["n"], "the replayed 409 wrote nothing")
			repush := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v2},
				map[string]string{"X-Idempotency-Key": op + ":r1"})
			requireStatus(t, repush, http.StatusOK, http.StatusNoContent)
			again := s.a.put(t, kind, "c", map[string]any{"id": "c", "n": 3, "_baseUpdatedAt": v2},
				map[string]string{"X-Idempotency-Key": op + ":r1"})
			sameResponse(t, repush, again)
			assert.EqualValues(t, 3, s.a.get(t, kind, "c")["n"])
		}},
		{Name: "a replayed DELETE returns the first answer", Tier: Better, Missing: "no idempotency keys", Without: "an op whose answer was lost is sent again: the server applies it twice, and a retried edit meets the device's own write as a 409 that the strategy then resolves", Run: func(t T) {
			kind := s.kind()
			rec := s.a.create(t, kind, "d", nil)
			v1, _ := version(t, rec)
			key := map[string]string{"X-Idempotency-Key": "del-" + randomHex(8)}
			first := s.a.del(t, kind, "d", v1, key)
			requireStatus(t, first, http.StatusOK, http.StatusNoContent)
			sameResponse(t, first, s.a.del(t, kind, "d", v1, key))
		}},
		{Name: "a batch op's key replays like the single op's", Tier: Better, Missing: "no idempotency keys", Without: "an op whose answer was lost is sent again: the server applies it twice, and a retried edit meets the device's own write as a 409 that the strategy then resolves", Run: func(t T) {
			kind := s.kind()
			op := "bop-" + randomHex(8)
			body := map[string]any{"ops": []any{map[string]any{
				"opId": op, "kind": kind, "id": "b", "type": "upsert", "payload": map[string]any{"id": "b", "n": 1},
			}}}
			first := s.a.do(t, http.MethodPost, "/batch", nil, body)
			if first.Status == http.StatusNotFound || first.Status == http.StatusMethodNotAllowed {
				t.Skip("no POST /batch")
			}
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
