package main

import (
	"encoding/json"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/require"
)

func TestSplitArray(t *testing.T) {
	valid := []string{
		`[]`, ` [ ] `, `[{"id":"a"}]`,
		`[{"id":"a","t":"x]},[{\"y"}, {"id":"b","n":[1,{"c":"]"}]} ,3,"s",null,true]`,
		"\n[\t{\"id\":\"a\\\\\"}\r]\n",
	}
	for _, s := range valid {
		t.Run(s, func(t *testing.T) {
			var want []core.RawJSON
			require.NoError(t, json.Unmarshal([]byte(s), &want))
			got, ids, err := splitArray(s)
			require.NoError(t, err)
			require.Len(t, got, len(want))
			require.Len(t, ids, len(want))
			for i := range want {
				require.JSONEq(t, string(want[i]), string(got[i]))
			}
		})
	}
	invalid := []string{
		``, `{}`, `[`, `[{"id":"a"}`, `[{"id":"a"},]`, `[,]`, `[{"id":"a"} {"id":"b"}]`,
		`[{"id":"a"}]x`, `[{"id":"a}]`, `[{"id":"a"]`, `[{"id":"a"}}]`, `[:]`,
	}
	for _, s := range invalid {
		t.Run("invalid "+s, func(t *testing.T) {
			_, _, err := splitArray(s)
			require.Error(t, err)
		})
	}
}

// splitArray reads the items' ids as it cuts them: "" where the engine must read it (not an
// object, no "id", an id ScanMeta leaves to encoding/json).
func TestSplitArrayIDs(t *testing.T) {
	_, ids, err := splitArray(`[{"id":"a","n":{"id":"x"}},{"v":1,"id":"b"},{"v":2},{"id":"c\u0064"},3,{"ID":"e"},{"id":7}]`)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "", "", "", "", ""}, ids)
}

// A putMany resolved at its commit resolves with its text only when that text is what the
// stored records give (jsonList of the items): no space around them.
func TestIsJSONList(t *testing.T) {
	cases := map[string]bool{
		`[{"id":"a"}]`: true, `[{"id":"a"},{"id":"b","t":" , "}]`: true,
		`[]`: false, ` [{"id":"a"}]`: false, `[{"id":"a"} ]`: false, `[{"id":"a"}, {"id":"b"}]`: false,
		"[{\"id\":\"a\"}]\n": false, `[ {"id":"a"},{"id":"b"}]`: false,
	}
	for s, want := range cases {
		items, _, err := splitArray(s)
		require.NoError(t, err, s)
		require.Equal(t, want, isJSONList(s, items), s)
		if want {
			require.Equal(t, s, jsonList(items), s)
		}
	}
}
