package core_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// RawJSON behaves under encoding/json as core.RawJSON does.
func TestRawJSONIsRawMessage(t *testing.T) {
	type withRaw struct {
		A core.RawJSON `json:"a"`
		B core.RawJSON `json:"b,omitempty"`
	}
	type withOurs struct {
		A core.RawJSON `json:"a"`
		B core.RawJSON `json:"b,omitempty"`
	}
	for _, s := range []string{`{"a":{"x": [1, 2]},"b":"s"}`, `{"a":null}`, `{}`, `{"a":"<&>"}`} {
		var r withRaw
		var o withOurs
		require.NoError(t, json.Unmarshal([]byte(s), &r))
		require.NoError(t, json.Unmarshal([]byte(s), &o))
		require.Equal(t, string(r.A), string(o.A), s)
		require.Equal(t, string(r.B), string(o.B), s)
		wr, err := json.Marshal(r)
		require.NoError(t, err)
		wo, err := json.Marshal(o)
		require.NoError(t, err)
		require.Equal(t, string(wr), string(wo), s)
	}
	_, err := json.Marshal(withOurs{A: core.RawJSON(`{bad`)})
	require.Error(t, err, "encoding/json checks a RawJSON as it checks a RawMessage")
}
