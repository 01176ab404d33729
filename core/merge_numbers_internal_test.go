package core

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// PreservingMerge's list union compares numbers by value, as merges.preserving (js/merges.js)
// and the seed (Dart's 1 == 1.0) do: a Dart backend writes a double 1 as 1.0, and a union by
// text kept [1.0, 1], and two objects with the same "id" both. Differential: the same inputs
// through the Go function and node.
func TestPreservingMergeListUnionNumbersMatchJS(t *testing.T) {
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node runs js/merges.js (make test installs it)")
	mergesJS, err := filepath.Abs("../js/merges.js")
	require.NoError(t, err)
	script := `import(process.argv[1]).then(({merges}) => process.stdout.write(JSON.stringify(merges.preserving(JSON.parse(process.argv[2]), JSON.parse(process.argv[3])))))`
	for _, tc := range []struct{ name, local, server, want string }{
		{"scalar 1 vs 1.0", `{"scores":[1]}`, `{"scores":[1.0]}`, `{"scores":[1]}`},
		{"scalar 100 vs 1e2", `{"scores":[100]}`, `{"scores":[1e2]}`, `{"scores":[100]}`},
		{"item id 1 vs 1.0", `{"items":[{"id":1,"v":"local"}]}`, `{"items":[{"id":1.0,"v":"server"}]}`, `{"items":[{"id":1,"v":"server"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			goOut, err := PreservingMergeJSON(RawJSON(tc.local), RawJSON(tc.server), nil)
			require.NoError(t, err)
			jsOut, err := exec.Command(node, "-e", script, "file://"+mergesJS, tc.local, tc.server).Output()
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(goOut), "Go")
			assert.JSONEq(t, tc.want, string(jsOut), "JS")
		})
	}
}

// Discarded (the conflictResolved event) names only local changes the resolution lost: with
// changedFields unknown ("all fields"), a field only the server has was never a local value,
// and createdAt is the server's (as merges take it).
func TestDiscardedListsOnlyLostLocalChanges(t *testing.T) {
	for name, c := range map[string]Conflict{
		"a field only the server has": {
			Local:  RawJSON(`{"id":"n1","mood":5}`),
			Server: RawJSON(`{"id":"n1","mood":3,"extra":"x","updatedAt":"2024-01-01T00:00:00Z"}`),
		},
		"createdAt, the server's": {
			Local:  RawJSON(`{"id":"n1","mood":5,"createdAt":"2024-01-01T00:00:00.100Z"}`),
			Server: RawJSON(`{"id":"n1","mood":3,"createdAt":"2024-01-01T00:00:00.200Z","updatedAt":"2024-01-02T00:00:00Z"}`),
		},
	} {
		for _, a := range []Action{AcceptServer, Discard} {
			assert.Equal(t, []string{"mood"}, discardedBy(c, Resolution{Action: a}), "%s, %s", name, a)
		}
	}
}
