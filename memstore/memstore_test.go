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
