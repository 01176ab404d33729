package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server/storage"
	"github.com/offsync/offsync/server/storage/sqlite"
)

// schemaV1 is the schema the first release created, written out as it was.
const schemaV1 = `CREATE TABLE records (
		tenant TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
		updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, doc BLOB NOT NULL,
		PRIMARY KEY (tenant, kind, id)) WITHOUT ROWID;
	CREATE INDEX records_pull ON records (tenant, kind, updated_at, id);
	CREATE TABLE idempotency (
		tenant TEXT NOT NULL, key TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
		saved_at INTEGER NOT NULL, PRIMARY KEY (tenant, key)) WITHOUT ROWID;
	CREATE INDEX idempotency_saved ON idempotency (saved_at);
	PRAGMA user_version = 1;`

// TestMigrateKeepsSavedAnswers opens a version-1 database: its saved answers still replay, a
// saved key is still refused a second time, and pruning still drops old entries.
func TestMigrateKeepsSavedAnswers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "v1.db")
	old, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	_, err = old.ExecContext(ctx, schemaV1)
	require.NoError(t, err)
	_, err = old.ExecContext(ctx, `INSERT INTO idempotency (tenant, key, status, body, saved_at) VALUES
		('t', 'k-old', 201, '{"id":"a"}', 1), ('t', 'k-new', 409, '{"error":"conflict"}', 2000000)`)
	require.NoError(t, err)
	require.NoError(t, old.Close())

	s, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	at := time.UnixMicro(3000000)
	err = s.Write(ctx, func(tx storage.Tx) error {
		saved, err := tx.SavedMany(ctx, "t", []string{"k-old", "k-new", "k-none"})
		require.NoError(t, err)
		require.Equal(t, map[string]storage.Saved{
			"k-old": {Status: 201, Body: []byte(`{"id":"a"}`)},
			"k-new": {Status: 409, Body: []byte(`{"error":"conflict"}`)},
		}, saved)
		return nil
	})
	require.NoError(t, err)
	err = s.Write(ctx, func(tx storage.Tx) error {
		return tx.Flush(ctx, "t", nil, []storage.Entry{{Key: "k-old", Saved: storage.Saved{Status: 200, Body: []byte(`{}`)}}}, at)
	})
	require.ErrorIs(t, err, storage.ErrKeyTaken)
	err = s.Write(ctx, func(tx storage.Tx) error {
		return tx.Flush(ctx, "u", nil, []storage.Entry{{Key: "k-old", Saved: storage.Saved{Status: 200, Body: []byte(`{}`)}}}, at)
	})
	require.NoError(t, err, "keys are per tenant")
	n, err := s.Prune(ctx, time.UnixMicro(1000))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
}
