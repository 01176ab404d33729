package main

import (
	"context"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/idbstore"
	"github.com/offsync/offsync/memstore"
)

// openStore opens the store the options name: IndexedDB (database = options.name, local
// writes committed with options.durability, idbstore's helpers as offsync.js gave them; the
// engine makes every local write's op id a random UUID, so idbstore looks none up) or memory.
func openStore(ctx context.Context, o options, idbHelpers js.Value) (core.Store, error) {
	if o.Storage == "memory" {
		return memstore.New(), nil
	}
	s, err := idbstore.OpenWith(ctx, o.Name, idbstore.Options{Durability: o.Durability, Helpers: idbHelpers, Indexes: o.indexes, FreshOpIDs: true})
	if err != nil {
		return nil, core.Wrap(core.CodeStorage, "open indexeddb "+o.Name, err)
	}
	return s, nil
}
