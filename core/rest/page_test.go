package rest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notPages are documents splitPage could cut but that are not JSON: it checks as it cuts.
var notPages = []string{
	`{"items":[1 2]}`, `{"items":[{"a":}]}`, `{"items":[],}`, `{"items":[]} x`, `{"items":[]}}`, "{\"a\x01\":1}",
	"{\"nextPageToken\":\"a\tb\"}", `{"items":[{"x":[1,]}]}`, `{"x":{"a" 1},"items":[]}`, `{"items":[01]}`,
	`{"items":[tru]}`, `{"items":nul}`, `{"items":[] "nextPageToken":null}`, `{"items":[],"x":"\q"}`, `{,"items":[]}`,
	`{"items":[{"a":"\u12"}]}`, `{"items":["` + "\x1f" + `"]}`, `{"items":[]`, `{"items":[],"x":}`,
}

func TestSplitPageRefusesWhatIsNotJSON(t *testing.T) {
	for _, s := range notPages {
		require.False(t, json.Valid([]byte(s)), "%q is meant to be invalid", s)
		_, ok := splitPage([]byte(s))
		assert.False(t, ok, "%q", s)
		_, err := decodePage([]byte(s))
		assert.Error(t, err, "%q", s)
	}
}

// FuzzSplitPage: splitPage answers only for valid JSON, and there encoding/json gives the same
// items and token.
func FuzzSplitPage(f *testing.F) {
	for _, s := range append([]string{
		`{"items":[{"id":"a"},{"id":"b","x":[1,"]"]}],"nextPageToken":"t"}`,
		`{"items":[],"nextPageToken":null}`, `{"items":null}`, `{"Items":[1]}`, `{"x":{"items":[]},"items":[ 1 , "2" ,null ]}`,
		`{"items":[1],"items":[2]}`, `{"nextPageToken":"a\nb"}`, ` { } `, `{"items":[[[]]],"z":[{"a":{"b":null}}]}`,
	}, notPages...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := splitPage(b)
		if !ok {
			return
		}
		require.True(t, json.Valid(b), "splitPage cut a document that is not JSON: %q", b)
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
