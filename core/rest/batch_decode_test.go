package rest

import (
	"encoding/json"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzSplitResults: splitResults answers only for valid JSON, and there encoding/json gives the
// same results.
func FuzzSplitResults(f *testing.F) {
	for _, s := range []string{
		`{"results":[{"opId":"a","statusCode":200,"data":{"id":"x","updatedAt":"t"}},{"opId":"b","statusCode":409,"data":null,"error":{"code":"conflict","message":"m"}}]}`,
		`{"results":[]}`, `{"results":null}`, `{"Results":[]}`, `{"results":[{"OPID":"a"}]}`,
		`{"x":{"results":[1]},"results":[{"statusCode":2.5}]}`, `{"results":[{"opId":"a\"b"}]}`,
		`{"results":[{"opId":"a","statusCode":-1,"extra":[1,{"y":"]"}]}],"results":[{"opId":"c"}]}`,
		`{"results":[null]}`, `{"results":[{"statusCode":1e2}]}`,
		`{"results":[{"opId":"a" "statusCode":200}]}`, `{"results":[{"opId":"a",}]}`, `{"results":[{"data":{"x":1,}}]}`,
		`{"results":[{"opId":"a"} {"opId":"b"}]}`, `{"results":[{"opId":"a"},]}`, `{"results":[]} x`, `{"results":[],}`,
		`{"x":[1,],"results":[]}`, `{"results":[{"data":"a` + "\x01" + `"}]}`, `{"results":[{"opId":"a` + "\n" + `"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := splitResults(b)
		if !ok {
			return
		}
		require.True(t, json.Valid(b), "splitResults cut a document that is not JSON: %q", b)
		var want struct {
			Results []batchResult `json:"results"`
		}
		require.NoError(t, json.Unmarshal(b, &want), "%s", b)
		assert.Equal(t, want.Results == nil, got == nil, "%s", b)
		require.Equal(t, len(want.Results), len(got), "%s", b)
		for i := range got {
			assert.Equal(t, want.Results[i].OpID, got[i].OpID, "%s", b)
			assert.Equal(t, want.Results[i].StatusCode, got[i].StatusCode, "%s", b)
			assert.Equal(t, string(want.Results[i].Data), string(got[i].Data), "%s", b)
			assert.Equal(t, string(want.Results[i].Error), string(got[i].Error), "%s", b)
		}
	})
}

func TestDecodeResultsFallsBackToEncodingJSON(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		fast       bool
		want       []batchResult
	}{
		{"plain", `{"results":[{"opId":"a","statusCode":201,"data":{"id":"a"}}]}`, true,
			[]batchResult{{OpID: "a", StatusCode: 201, Data: core.RawJSON(`{"id":"a"}`)}}},
		{"escaped op id", `{"results":[{"opId":"a\u0062","statusCode":200}]}`, false,
			[]batchResult{{OpID: "ab", StatusCode: 200}}},
		{"key in another case", `{"results":[{"OpId":"a","statusCode":200}]}`, false,
			[]batchResult{{OpID: "a", StatusCode: 200}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fast := splitResults([]byte(tc.body))
			assert.Equal(t, tc.fast, fast)
			got, err := decodeResults([]byte(tc.body))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := decodeResults([]byte(`<html>oops</html>`))
	require.Error(t, err)
	_, err = decodeResults([]byte(`{"results":[{"statusCode":2.5}]}`))
	require.Error(t, err, "a fractional status is refused, as encoding/json does")
	for _, bad := range []string{`{"results":[{"opId":"a","data":{"id":"a",}}]}`, `{"results":[{"opId":"a" "statusCode":200}]}`,
		`{"results":[{"opId":"a","statusCode":200}]} {}`, `{"results":[{"opId":"a","statusCode":200,"data":{"id":"a"]}]}`} {
		_, err = decodeResults([]byte(bad))
		require.Error(t, err, "%s is not JSON: the results and their data are checked as they are cut", bad)
	}
}
