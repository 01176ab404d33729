package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

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
