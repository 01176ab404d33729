package main

import (
	"context"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/memstore"
)

// openStore opens the store the options name: IndexedDB (database = options.name) or memory.
func openStore(ctx context.Context, o options) (core.Store, error) {
	if o.Storage == "memory" {
		return memstore.New(), nil
	}
	return nil, core.Errorf(core.CodeInvalid, "open", "indexeddb pending")
}
