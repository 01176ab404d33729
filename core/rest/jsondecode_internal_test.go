package rest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// The slow-path decoders against encoding/json into the structs they replace.

var slowSamples = []string{
	`{"items":[{"id":"a"},{"id":"b","updatedAt":"t"}],"nextPageToken":"n"}`,
	`{"ITEMS":[1,"x",null],"NextPageToken":null}`, `{"items":null}`, `null`, `[]`, `{"items":{}}`,
	`{"items":[],"nextPageToken":5}`, `{"results":[{"opId":"o","statusCode":200,"data":{"id":"x"},"error":null}]}`,
	`{"Results":[{"OPID":"o","statusCode":409.5}]}`, `{"results":[{"statusCode":"200"}]}`,
	`{"id":"x","ID":null,"updated_at":"u","deletedAt":"d","DELETED_AT":null}`, `{"id":1}`,
	`{"current":{"id":"c"},"serverData":null}`, `{"message":"m","error":"e"}`, `{"message":1,"error":"e"}`,
	`{"error":{"code":"x"}}`, `{"a":1`, `"just text"`,
}

func checkSlow(t *testing.T, b []byte) {
	var wp pullBody
	werr := json.Unmarshal(b, &wp)
	gp, err := decodePageSlow(b)
	require.Equal(t, werr == nil, err == nil, "page %q: %v / %v", b, werr, err)
	if err == nil {
		require.Equal(t, len(wp.Items), len(gp.Items))
		require.Equal(t, wp.Items == nil, gp.Items == nil)
		for i := range wp.Items {
			require.Equal(t, string(wp.Items[i]), string(gp.Items[i]))
		}
		require.Equal(t, wp.NextPageToken, gp.NextPageToken)
	}

	// encoding/json decodes a repeated "results" into the first array's elements; the slow
	// path takes the last array whole.
	if strings.Count(strings.ToLower(string(b)), `"results"`) < 2 {
		var wr struct {
			Results []batchResult `json:"results"`
		}
		werr = json.Unmarshal(b, &wr)
		gr, err := decodeResultsSlow(b)
		require.Equal(t, werr == nil, err == nil, "results %q: %v / %v", b, werr, err)
		if err == nil {
			require.Equal(t, len(wr.Results), len(gr), "%q", b)
			require.Equal(t, wr.Results == nil, gr == nil)
			for i, w := range wr.Results {
				require.Equal(t, w.OpID, gr[i].OpID)
				require.Equal(t, w.StatusCode, gr[i].StatusCode)
				require.Equal(t, string(w.Data), string(gr[i].Data))
				require.Equal(t, string(w.Error), string(gr[i].Error))
			}
		}
	}

	var wm jsonscan.Meta
	werr = json.Unmarshal(b, &wm)
	gm, err := decodeMeta(b)
	require.Equal(t, werr == nil, err == nil, "meta %q: %v / %v", b, werr, err)
	if err == nil {
		require.Equal(t, wm, gm, "%q", b)
	}

	var wh struct {
		Current core.RawJSON `json:"current"`
		Message core.RawJSON `json:"message"`
	}
	werr = json.Unmarshal(b, &wh)
	gh, ok := rawFields(b, "current", "message")
	require.Equal(t, werr == nil, ok, "fields %q", b)
	if ok {
		require.Equal(t, string(wh.Current), string(gh[0]))
		require.Equal(t, string(wh.Message), string(gh[1]))
	}

	var ws string
	werr = json.Unmarshal(b, &ws)
	var gs string
	require.Equal(t, werr == nil, jsonString(b, &gs), "string %q", b)
	require.Equal(t, ws, gs)
}

func TestSlowDecodersAgreeWithEncodingJSON(t *testing.T) {
	for _, s := range slowSamples {
		checkSlow(t, []byte(s))
	}
}

func FuzzSlowDecoders(f *testing.F) {
	for _, s := range slowSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkSlow(t, b) })
}
