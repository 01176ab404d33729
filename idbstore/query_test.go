//go:build js && wasm

package idbstore

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
)

// openFreshWith opens a store with o on a new database, closed at the end of the test.
func openFreshWith(t testing.TB, o Options) *Store {
	t.Helper()
	s, err := OpenWith(testCtx(t), freshName(t), o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestQueryConformance runs the query tests on fresh databases, with and without indexes.
func TestQueryConformance(t *testing.T) {
	storetest.RunQueries(t, func(t *testing.T, indexes map[string][]core.IndexSpec) core.Store {
		return openFreshWith(t, Options{Indexes: indexes})
	})
}
