package rest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzSplitPage: wherever splitPage answers, encoding/json gives the same items and token.
func FuzzSplitPage(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"id":"a"},{"id":"b","x":[1,"]"]}],"nextPageToken":"t"}`,
		`{"items":[],"nextPageToken":null}`, `{"items":null}`, `{"Items":[1]}`, `{"x":{"items":[]},"items":[ 1 , "2" ,null ]}`,
		`{"items":[1],"items":[2]}`, `{"nextPageToken":"a\nb"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		got, ok := splitPage(b)
		if !ok {
			return
		}
		var want pullBody
		require.NoError(t, json.Unmarshal(b, &want), "%s", b)
		assert.Equal(t, want.Items == nil, got.Items == nil, "%s", b)
		assert.Equal(t, len(want.Items), len(got.Items), "%s", b)
		for i := range min(len(want.Items), len(got.Items)) {
			assert.Equal(t, string(want.Items[i]), string(got.Items[i]), "%s", b)
		}
		assert.Equal(t, want.NextPageToken, got.NextPageToken, "%s", b)
	})
}
