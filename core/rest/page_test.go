package rest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"

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
		// The metadata read in the same pass is ScanMeta's, where it answers.
		require.Len(t, got.metas, len(got.Items), "%s", b)
		for i, m := range got.metas {
			if m.OK {
				sm, ok := jsonscan.ScanMeta(got.Items[i])
				require.True(t, ok, "%s", got.Items[i])
				assert.Equal(t, sm, m.Meta, "%s", got.Items[i])
			}
		}
	})
}

// TestReadPageMetaAsParseRecord: the records readPage makes from the metadata read while the
// page was checked are those parseRecord makes of each item alone, the items ScanMeta leaves
// to encoding/json (a key in another case, an escaped key or value, a non-string id) and the
// unreadable ones (set aside) included.
func TestReadPageMetaAsParseRecord(t *testing.T) {
	items := []string{
		`{"id":"a","updatedAt":"2026-01-01T00:00:00Z","n":{"id":"x"}}`,
		`{"id":"b","updated_at":"2026-01-01T00:00:01Z","deleted_at":"2026-01-01T00:00:01Z"}`,
		`{"ID":"c","updatedAt":"2026-01-01T00:00:02Z"}`,
		`{"i\u0064":"d","updatedAt":"2026-01-01T00:00:03Z"}`,
		`{"id":"e\u0065","updatedAt":"2026-01-01T00:00:04Z","deletedAt":null}`,
		`{"id":7,"updatedAt":"2026-01-01T00:00:05Z"}`,
		`{"id":"g"}`,
		`"h"`,
		`{"id":"i","updatedAt":"2026-01-01T00:00:06Z","deletedAt":"2026-01-01T00:00:06Z","id":"j"}`,
	}
	body := `{"items":[` + strings.Join(items, ",") + `],"nextPageToken":null}`
	page, err := readPage("k", &Response{Status: 200, Body: []byte(body)})
	require.NoError(t, err)
	var want []core.Record
	var bad []int
	for i, it := range items {
		rec, err := parseRecord("k", core.RawJSON(it), true, "")
		if err != nil {
			bad = append(bad, i)
			continue
		}
		want = append(want, rec)
	}
	require.Len(t, page.Items, len(want))
	for i := range want {
		assert.Equal(t, want[i], page.Items[i], "record %d", i)
	}
	require.Len(t, page.Bad, len(bad))
	for i, b := range page.Bad {
		assert.Equal(t, bad[i], b.Index)
	}
}
