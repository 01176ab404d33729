package rest

import (
	"encoding/json"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
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
			if got[i].scan.metaOK {
				m, ok := jsonscan.ScanMeta(got[i].Data)
				require.True(t, ok, "%s", b)
				assert.Equal(t, m, got[i].scan.meta, "the metadata read as the data was checked is ScanMeta's: %s", b)
			}
		}
	})
}

// TestSplitResultsScansRecords: a result's record is checked and its metadata read in one pass
// (ackedRecord then reads no byte of it again), and the record ackedRecord makes of it is the
// one a second scan makes.
func TestSplitResultsScansRecords(t *testing.T) {
	op := core.Op{OpID: "a", Kind: "k", EntityID: "x", Type: core.OpUpsert, BaseUpdatedAt: "v0"}
	for _, tc := range []struct {
		name, data string
		metaOK     bool
	}{
		{"record", `{"id":"x","updatedAt":"v1","n":{"id":"y"},"a":[1,{"b":"]"}]}`, true},
		{"snake case and deleted", `{"deleted_at":null,"updated_at":"v2","id":"x"}`, true},
		{"escaped key", `{"i\u0064":"x","updatedAt":"v1"}`, false},
		{"id in another case", `{"ID":"x","updatedAt":"v1"}`, false},
		{"no version", `{"id":"x"}`, true},
		{"another id", `{"id":"z","updatedAt":"v1"}`, true},
		{"null", `null`, false},
		{"not an object", `[1]`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := splitResults([]byte(`{"results":[{"opId":"a","statusCode":200,"data":` + tc.data + `}]}`))
			require.True(t, ok)
			require.Len(t, got, 1)
			assert.Equal(t, tc.data, string(got[0].Data))
			assert.Equal(t, tc.metaOK, got[0].scan.metaOK)
			assert.Equal(t, ackedRecord(op, got[0].Data, nil), ackedRecord(op, got[0].Data, &got[0].scan))
		})
	}
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
			for i := range got {
				got[i].scan = dataScan{} // TestSplitResultsScansRecords's
			}
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
