package memstore_test

import (
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
	"github.com/offsync/offsync/memstore"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return memstore.New() })
}

func TestQueryConformance(t *testing.T) {
	storetest.RunQueries(t, func(*testing.T, map[string][]core.IndexSpec) core.Store { return memstore.New() })
}
