package core_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestMergeTable runs the merge table shared with the JavaScript helpers
// (js/test/merges.test.js): the two must agree case by case.
func TestMergeTable(t *testing.T) {
	raw, err := os.ReadFile("testdata/merges.json")
	require.NoError(t, err)
	var table struct {
		Cases []struct {
			Name          string       `json:"name"`
			Fn            string       `json:"fn"`
			Local         core.RawJSON `json:"local"`
			Server        core.RawJSON `json:"server"`
			ChangedFields []string     `json:"changedFields"`
			Want          core.RawJSON `json:"want"`
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &table))
	require.NotEmpty(t, table.Cases)
	fns := map[string]int{}
	for _, tc := range table.Cases {
		fns[tc.Fn]++
		t.Run(tc.Fn+": "+tc.Name, func(t *testing.T) {
			var got core.RawJSON
			var err error
			switch tc.Fn {
			case "preserving":
				got, err = core.PreservingMergeJSON(tc.Local, tc.Server, tc.ChangedFields)
			case "shallow":
				got, err = core.DefaultMergeJSON(tc.Local, tc.Server)
			case "deep":
				got, err = core.DeepMergeJSON(tc.Local, tc.Server)
			default:
				t.Fatalf("unknown fn %q", tc.Fn)
			}
			require.NoError(t, err)
			assert.JSONEq(t, string(tc.Want), string(got))
		})
	}
	assert.Len(t, fns, 3, "every helper has cases")
}
