package main

import (
	"context"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/idbstore"
	"github.com/offsync/offsync/memstore"
)

// openStore opens the store the options name: IndexedDB (database = options.name) or memory.
func openStore(ctx context.Context, o options) (core.Store, error) {
	if o.Storage == "memory" {
		return memstore.New(), nil
	}
	s, err := idbstore.Open(ctx, o.Name)
	if err != nil {
		return nil, core.Wrap(core.CodeStorage, "open indexeddb "+o.Name, err)
	}
	return s, nil
}
