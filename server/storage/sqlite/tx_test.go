package sqlite_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server/storage"
	"github.com/offsync/offsync/server/storage/sqlite"
)

// TestWriteManyRows: rows and saved answers written in one Flush come back from GetMany and
// SavedMany, whatever their count (the statements take power-of-two chunks of rows).
func TestWriteManyRows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rows.db"))
	require.NoError(t, err)
	defer s.Close()
	for _, n := range []int{0, 1, 3, 127, 128, 129, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			kind := fmt.Sprintf("k%d", n)
			rows := make([]storage.Row, n)
			keys := make([]storage.Key, n)
			entries := make([]storage.Entry, n)
			ids := make([]string, n)
			for i := range n {
				id := fmt.Sprintf("id-%d", i)
				rows[i] = storage.Row{Kind: kind, ID: id, UpdatedAt: "v", Doc: []byte(`{"id":"` + id + `"}`)}
				keys[i] = storage.Key{Kind: kind, ID: id}
				ids[i] = kind + "-" + id
				entries[i] = storage.Entry{Key: ids[i], Saved: storage.Saved{Status: 201, Body: rows[i].Doc}}
			}
			require.NoError(t, s.Write(ctx, func(tx storage.Tx) error {
				return tx.Flush(ctx, "t", rows, entries, time.Now())
			}))
			require.NoError(t, s.Write(ctx, func(tx storage.Tx) error {
				got, complete, err := tx.GetMany(ctx, "t", append(keys, storage.Key{Kind: kind, ID: "absent"}), math.MaxInt)
				require.True(t, complete)
				require.NoError(t, err)
				require.Len(t, got, n)
				for _, r := range rows {
					require.Equal(t, r, got[storage.Key{Kind: kind, ID: r.ID}])
				}
				saved, err := tx.SavedMany(ctx, "t", append(ids, "absent"))
				require.NoError(t, err)
				require.Len(t, saved, n)
				for _, e := range entries {
					require.Equal(t, e.Saved, saved[e.Key])
				}
				return nil
			}))
		})
	}
}

// TestCheckpointInBackground: written pages reach the database file soon after a commit, long
// before the writer's own autocheckpoint mark.
func TestCheckpointInBackground(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "cp.db")
	s, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	size := func() int64 {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		return fi.Size()
	}
	before := size()
	rows := make([]storage.Row, 200)
	for i := range rows {
		rows[i] = storage.Row{Kind: "k", ID: fmt.Sprint(i), UpdatedAt: "v", Doc: []byte(strings.Repeat("x", 1000))}
	}
	require.NoError(t, s.Write(ctx, func(tx storage.Tx) error { return tx.Flush(ctx, "t", rows, nil, time.Now()) }))
	require.Eventually(t, func() bool { return size() > before+100_000 }, 10*time.Second, 20*time.Millisecond,
		"the database file stays at %d bytes: the pages are still only in the WAL", before)
}
