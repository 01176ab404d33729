//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/require"
)

func TestLoadQueryIsTheJSONOfKeysAndIDs(t *testing.T) {
	cases := []struct {
		name string
		keys []entityKey
		ids  []string
	}{
		{"empty", nil, nil},
		{"plain", []entityKey{{"note", "a"}, {"task", "b-1"}}, []string{"op-1", "op-2"}},
		{"escapes", []entityKey{{"note", `quo"te\back`}, {"note", "tab\tnl\n<&>"}}, []string{"\x00\x1f"}},
		{"unicode", []entityKey{{"note", "é漢字🙂"}}, []string{"\u2028\u2029"}},
		{"invalid utf-8", []entityKey{{"note", "a\xffb"}}, []string{"\xc3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got [2]core.RawJSON
			require.NoError(t, json.Unmarshal([]byte(loadQuery(tc.keys, tc.ids)), &got))
			wantKeys := tc.keys
			if wantKeys == nil {
				wantKeys = []entityKey{}
			}
			wantIDs := tc.ids
			if wantIDs == nil {
				wantIDs = []string{}
			}
			require.JSONEq(t, jsonText(wantKeys), string(got[0]))
			require.JSONEq(t, jsonText(wantIDs), string(got[1]))
		})
	}
}
