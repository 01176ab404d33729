package core_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/memstore"
)

// benchRecords is the size of a large first sync.
const benchRecords = 10_000

func benchEngine(b *testing.B, srv *simserver.Server) *core.Engine {
	b.Helper()
	eng, err := core.New(core.Config{Store: memstore.New(), Transport: srv, Kinds: []string{"note"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = eng.Close() })
	return eng
}

// BenchmarkPush10k: 10,000 local records written in one PutMany, then pushed by one Sync.
func BenchmarkPush10k(b *testing.B) {
	data := make([]core.RawJSON, benchRecords)
	for i := range data {
		data[i] = core.RawJSON(fmt.Sprintf(`{"id":"r%05d","text":"some text","n":%d}`, i, i))
	}
	for b.Loop() {
		b.StopTimer()
		eng := benchEngine(b, simserver.New(simserver.Options{}))
		if _, err := eng.PutMany(context.Background(), "note", data); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err := eng.Sync(context.Background(), core.SyncOptions{})
		if err != nil || st.Pushed != benchRecords {
			b.Fatal(st, err)
		}
	}
}

// BenchmarkPull10k: a fresh client pulls 10,000 records in pages of 500.
func BenchmarkPull10k(b *testing.B) {
	srv := simserver.New(simserver.Options{})
	data := make([]core.RawJSON, benchRecords)
	for i := range data {
		data[i] = core.RawJSON(fmt.Sprintf(`{"id":"r%05d","text":"some text","n":%d}`, i, i))
	}
	if _, err := srv.Import("note", data); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		eng := benchEngine(b, srv)
		b.StartTimer()
		st, err := eng.Sync(context.Background(), core.SyncOptions{})
		if err != nil || st.Pulled != benchRecords {
			b.Fatal(st, err)
		}
	}
}
