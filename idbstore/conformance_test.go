//go:build js && wasm

package idbstore

import (
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
)

// TestConformance runs the Store conformance suite on a fresh IndexedDB database per subtest.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return openFresh(t) })
}
