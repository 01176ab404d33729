//go:build js && wasm

package idbstore

import (
	"math/rand/v2"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
)

// TestMatchesMemstore runs the differential harness (storetest.Differential) on idbstore. It
// forgets which entities it wrote at random, so that writes ahead are refuted often; its rows
// must hold the layout's invariants and its pending count match them after every call
// (readRaw, checkCount).
func TestMatchesMemstore(t *testing.T) {
	storetest.Differential(t, func(t *testing.T) core.Store { return openFresh(t) }, storetest.DiffOptions{
		Before: func(_ *testing.T, s core.Store, r *rand.Rand) {
			if r.IntN(2) == 0 {
				s.(*Store).recent = recentKeys{}
			}
		},
		After: func(t *testing.T, s core.Store) { checkCount(t, s.(*Store)) },
	})
}

// TestMatchesMemstoreFreshOpIDs is TestMatchesMemstore for a store opened as the wasm bridge
// opens it (Options.FreshOpIDs: op ids not looked up), over calls whose op ids are all new.
func TestMatchesMemstoreFreshOpIDs(t *testing.T) {
	storetest.Differential(t, func(t *testing.T) core.Store { return openFreshWith(t, Options{FreshOpIDs: true}) }, storetest.DiffOptions{
		UniqueOpIDs: true,
		Before: func(_ *testing.T, s core.Store, r *rand.Rand) {
			if r.IntN(2) == 0 {
				s.(*Store).recent = recentKeys{}
			}
		},
		After: func(t *testing.T, s core.Store) { checkCount(t, s.(*Store)) },
	})
}
