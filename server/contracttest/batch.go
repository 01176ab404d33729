package contracttest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type batchResult struct {
	OpID       string         `json:"opId"`
	StatusCode int            `json:"statusCode"`
	Data       map[string]any `json:"data"`
	Error      map[string]any `json:"error"`
}

func (c *client) batch(t T, ops []any) []batchResult {
	t.Helper()
	r := c.do(t, http.MethodPost, "/batch", nil, map[string]any{"ops": ops})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var res struct {
		Results []batchResult `json:"results"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &res), "%s", r.Body)
	require.Len(t, res.Results, len(ops), "one result per op")
	return res.Results
}

func (s *suite) batchChecks() []Check {
	return []Check{
		{Name: "batch applies ops in order with per-op results; a bad op fails alone", Tier: Better, Missing: "no POST /batch", Without: "the client pushes one op per request (pushConcurrency at a time)", Run: func(t T) {
			kind := s.kind()
			pre := s.a.create(t, kind, "pre", map[string]any{"n": 0})
			preV, _ := version(t, pre)
			gone := s.a.create(t, kind, "gone", nil)
			goneV, _ := version(t, gone)
			ops := []any{
				map[string]any{"opId": "o1", "kind": kind, "id": "a", "type": "upsert", "payload": map[string]any{"id": "a", "n": 1}},
				map[string]any{"opId": "o2", "kind": kind, "id": "a", "type": "upsert", "payload": map[string]any{"id": "a", "n": 2},
					"baseUpdatedAt": "2000-01-01T00:00:00.000000Z"},
				map[string]any{"opId": "o3", "kind": "Bad-Kind", "id": "x", "type": "upsert", "payload": map[string]any{"id": "x"}},
				map[string]any{"opId": "o4", "kind": kind, "id": "pre", "type": "upsert", "payload": map[string]any{"id": "pre", "n": 4},
					"baseUpdatedAt": preV},
				map[string]any{"opId": "o5", "kind": kind, "id": "gone", "type": "delete", "baseUpdatedAt": goneV},
				map[string]any{"opId": "o6", "kind": kind, "id": "missing", "type": "delete"},
				map[string]any{"opId": "o7", "kind": kind, "id": "y", "type": "frobnicate"},
				map[string]any{"opId": "o8", "kind": kind, "id": "b", "type": "upsert", "payload": []any{1}},
				map[string]any{"opId": "o9", "kind": kind, "id": "pre", "type": "upsert", "payload": map[string]any{"id": "pre", "n": 9},
					"baseUpdatedAt": "2000-01-01T00:00:00.000000Z", "force": true},
			}
			res := s.a.batch(t, ops)
			for i, r := range res {
				assert.Equal(t, fmt.Sprintf("o%d", i+1), r.OpID, "results are in op order")
			}
			want := []int{201, 409, 400, 200, 200, 404, 400, 400, 200}
			for i, r := range res {
				assert.Equal(t, want[i], r.StatusCode, "op o%d: %+v", i+1, r)
			}
			assert.Equal(t, "a", res[0].Data["id"])
			assert.Equal(t, "conflict", res[1].Error["error"])
			cur, _ := res[1].Error["current"].(map[string]any)
			assert.EqualValues(t, 1, cur["n"], "the conflict's current is o1's write: ops apply in order")
			assert.NotEmpty(t, res[2].Error["error"])
			assert.NotEmpty(t, res[4].Data["deletedAt"])
			assert.EqualValues(t, 1, s.a.get(t, kind, "a")["n"])
			assert.EqualValues(t, 9, s.a.get(t, kind, "pre")["n"])
			assert.NotEmpty(t, s.a.get(t, kind, "gone")["deletedAt"])
			assert.Nil(t, s.a.get(t, kind, "b"), "the refused op wrote nothing")
		}},
		{Name: "a replayed batch changes nothing", Tier: Better, Missing: "no POST /batch", Without: "the client pushes one op per request (pushConcurrency at a time)", Run: func(t T) {
			kind := s.kind()
			ops := []any{
				map[string]any{"opId": "r1-" + randomHex(6), "kind": kind, "id": "a", "type": "upsert", "payload": map[string]any{"id": "a"}},
				map[string]any{"opId": "r2-" + randomHex(6), "kind": kind, "id": "b", "type": "upsert", "payload": map[string]any{"id": "b"}},
			}
			first := s.a.batch(t, ops)
			before := s.a.pullAll(t, kind, 10, true)
			again := s.a.batch(t, ops)
			assert.Equal(t, first, again)
			assert.Equal(t, before, s.a.pullAll(t, kind, 10, true))
		}},
		{Name: "more than 500 ops is refused whole", Tier: Better, Missing: "no POST /batch", Without: "the client pushes one op per request (pushConcurrency at a time)", Run: func(t T) {
			kind := s.kind()
			ops := make([]any, 501)
			for i := range ops {
				ops[i] = map[string]any{"opId": randomHex(8), "kind": kind, "id": fmt.Sprintf("m%d", i), "type": "upsert",
					"payload": map[string]any{"id": fmt.Sprintf("m%d", i)}}
			}
			r := s.a.do(t, http.MethodPost, "/batch", nil, map[string]any{"ops": ops})
			requireError(t, r, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
			assert.Nil(t, s.a.get(t, kind, "m0"))
		}},
		{Name: "a malformed batch body is 400", Tier: Better, Missing: "no POST /batch", Without: "the client pushes one op per request (pushConcurrency at a time)", Run: func(t T) {
			for _, body := range []string{`{`, `[]`, `{"ops": 3}`, `"ops"`} {
				requireError(t, s.a.do(t, http.MethodPost, "/batch", nil, []byte(body)), http.StatusBadRequest)
			}
		}},
	}
}
