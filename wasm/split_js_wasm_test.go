package main

import (
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/require"
)

// A putMany resolved at its commit resolves with its text only when that text is what the
// stored records give (jsonList of the items): no space around them.
func TestIsJSONList(t *testing.T) {
	cases := map[string]bool{
		`[{"id":"a"}]`: true, `[{"id":"a"},{"id":"b","t":" , "}]`: true,
		`[]`: false, ` [{"id":"a"}]`: false, `[{"id":"a"} ]`: false, `[{"id":"a"}, {"id":"b"}]`: false,
		"[{\"id\":\"a\"}]\n": false, `[ {"id":"a"},{"id":"b"}]`: false,
	}
	for s, want := range cases {
		g, err := core.CutRecords([]byte(s))
		require.NoError(t, err, s)
		require.Equal(t, want, isJSONList(len(s), g.Items()), s)
		if want {
			require.Equal(t, s, jsonList(g.Items()), s)
		}
	}
}
