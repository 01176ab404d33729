package server

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEncodeResultsMatchesMarshal: the hand-written batch answer is byte for byte what
// json.Marshal wrote before, for plain and escaped opIds, data, errors and empty results.
func TestEncodeResultsMatchesMarshal(t *testing.T) {
	type marshalled struct {
		OpID       string          `json:"opId"`
		StatusCode int             `json:"statusCode"`
		Data       json.RawMessage `json:"data,omitempty"`
		Error      json.RawMessage `json:"error,omitempty"`
	}
	tests := []struct {
		name    string
		results []batchResult
	}{
		{"none", []batchResult{}},
		{"created", []batchResult{{OpID: "0b0e2c1e-6c7e-4d4f-9a3b-2f1d8c9e7a10", StatusCode: 201, Data: []byte(`{"id":"a","updatedAt":"2026-11-26T01:00:00.000000Z"}`)}}},
		{"refused, no opId", []batchResult{{StatusCode: 400, Error: errorJSON(codeBadRequest, "op must be an object", nil)}}},
		{"escaped opIds", []batchResult{
			{OpID: `a"b\c`, StatusCode: 409, Error: errorJSON(codeConflict, "changed", []byte(`{"id":"x"}`))},
			{OpID: "<&>\u2028é\x01", StatusCode: 200, Data: []byte(`{"id":"y"}`)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := make([]marshalled, len(tt.results))
			for i, r := range tt.results {
				want[i] = marshalled{r.OpID, r.StatusCode, r.Data, r.Error}
			}
			b, err := json.Marshal(map[string]any{"results": want})
			require.NoError(t, err)
			require.Equal(t, string(b), string(encodeResults(tt.results)))
		})
	}
}
