// Package sqlite is the reference server's embedded backend on modernc.org/sqlite (pure Go):
// one database file in WAL mode, one writer connection (which serialises every write, so
// version assignment and commit order agree) and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/offsync/offsync/server/storage"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// migrations are applied in order; user_version records how many ran.
var migrations = []string{
	`CREATE TABLE records (
		tenant TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
		updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, doc BLOB NOT NULL,
		PRIMARY KEY (tenant, kind, id)) WITHOUT ROWID;
	CREATE INDEX records_pull ON records (tenant, kind, updated_at, id);
	CREATE TABLE idempotency (
		tenant TEXT NOT NULL, key TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
		saved_at INTEGER NOT NULL, PRIMARY KEY (tenant, key)) WITHOUT ROWID;
	CREATE INDEX idempotency_saved ON idempotency (saved_at);`,
	// Saved answers move to a rowid table, appended in the order they are saved, with the
	// random client keys in a separate narrow index: keyed by (tenant, key), every 100-op batch
	// rewrote about a hundred scattered pages holding whole answers.
	`CREATE TABLE idempotency_v2 (
		tenant TEXT NOT NULL, key TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
		saved_at INTEGER NOT NULL);
	INSERT INTO idempotency_v2 (tenant, key, status, body, saved_at)
		SELECT tenant, key, status, body, saved_at FROM idempotency ORDER BY saved_at;
	DROP TABLE idempotency;
	ALTER TABLE idempotency_v2 RENAME TO idempotency;
	CREATE UNIQUE INDEX idempotency_key ON idempotency (tenant, key);
	CREATE INDEX idempotency_saved ON idempotency (saved_at);`,
}

// Store is the SQLite backend.
type Store struct {
	w  *sql.DB // exactly one connection: the single writer
	st *stmts  // prepared on w
	r  *sql.DB
	cp *checkpointer
}

var _ storage.Storage = (*Store)(nil)

// Open opens (creating and migrating) the database file at path.
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: in WAL mode NORMAL may lose the last commits on power loss, and an acknowledged op
	// is gone from the client's outbox.
	q.Add("_pragma", "synchronous(FULL)")
	// The statement journal of a multi-row upsert stays in memory instead of a temp file.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "foreign_keys(ON)")
	dsn := "file:" + path + "?" + q.Encode()
	w := url.Values{"_txlock": {"immediate"}, "_pragma": {
		// 64 MiB of page cache (default 2 MiB): idempotency keys are random, so each batch
		// touches pages all over their index; re-reading them was most of a batch's wall time
		// once the tables held 100,000 rows.
		"cache_size(-65536)",
		// The checkpointer copies the WAL in the background; a checkpoint inside a commit (at
		// ~80 MiB of WAL instead of ~4 MiB) only happens if it falls behind.
		"wal_autocheckpoint(20000)",
	}}
	wdb, err := sql.Open("sqlite", dsn+"&"+w.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	s := &Store{w: wdb}
	if err := s.migrate(ctx); err != nil {
		wdb.Close()
		return nil, err
	}
	if s.st, err = prepare(ctx, wdb); err != nil {
		wdb.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		s.st.close()
		wdb.Close()
		return nil, fmt.Errorf("sqlite: open readers %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s.r = r
	cdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: open checkpointer %s: %w", path, err)
	}
	cdb.SetMaxOpenConns(1)
	s.cp = startCheckpointer(cdb)
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("sqlite: read schema version: %w", err)
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("sqlite: migration %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations))); err != nil {
		return fmt.Errorf("sqlite: set schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

// Close stops the checkpointer and closes the pools.
func (s *Store) Close() error {
	var err error
	if s.cp != nil {
		err = s.cp.close()
	}
	s.st.close()
	return errors.Join(err, s.r.Close(), s.w.Close())
}

// Write runs fn in one IMMEDIATE transaction on the single writer connection.
func (s *Store) Write(ctx context.Context, fn func(storage.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(&txn{tx: tx, st: s.st}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	s.cp.wrote()
	return nil
}

// Get reads one row (tombstones included).
func (s *Store) Get(ctx context.Context, tenant, kind, id string) (storage.Row, bool, error) {
	r := storage.Row{Kind: kind, ID: id}
	err := s.r.QueryRowContext(ctx, getSQL, tenant, kind, id).Scan(&r.UpdatedAt, &r.Deleted, &r.Doc)
	if errors.Is(err, sql.ErrNoRows) {
		return storage.Row{}, false, nil
	}
	if err != nil {
		return storage.Row{}, false, fmt.Errorf("sqlite: get %s/%s: %w", kind, id, err)
	}
	return r, true, nil
}

// Pull reads one page in (updated_at, id) order, stopping at the first row past the page.
func (s *Store) Pull(ctx context.Context, q storage.PullQuery) ([]storage.Row, bool, error) {
	query := `SELECT id, updated_at, deleted, doc FROM records
		WHERE tenant = ? AND kind = ? AND (updated_at, id) > (?, ?)`
	if !q.IncludeDeleted {
		query += ` AND deleted = 0`
	}
	query += ` ORDER BY updated_at, id LIMIT ?`
	rows, err := s.r.QueryContext(ctx, query, q.Tenant, q.Kind, q.AfterUpdatedAt, q.AfterID, q.Limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: pull %s: %w", q.Kind, err)
	}
	defer rows.Close()
	out := make([]storage.Row, 0, min(q.Limit, 64))
	cut := storage.NewPageCut(q)
	for rows.Next() {
		r := storage.Row{Kind: q.Kind}
		if err := rows.Scan(&r.ID, &r.UpdatedAt, &r.Deleted, &r.Doc); err != nil {
			return nil, false, fmt.Errorf("sqlite: pull %s: %w", q.Kind, err)
		}
		if !cut.Fits(len(r.Doc)) {
			return out, true, nil
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("sqlite: pull %s: %w", q.Kind, err)
	}
	return out, false, nil
}

// Prune drops idempotency entries saved before t.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM idempotency WHERE saved_at < ?`, before.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune idempotency keys: %w", err)
	}
	return res.RowsAffected()
}

// Trim keeps the tenant's newest keep idempotency entries (rowid order is save order).
func (s *Store) Trim(ctx context.Context, tenant string, keep int) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM idempotency WHERE tenant = ? AND rowid <=
		(SELECT rowid FROM idempotency WHERE tenant = ? ORDER BY rowid DESC LIMIT 1 OFFSET ?)`, tenant, tenant, keep)
	if err != nil {
		return 0, fmt.Errorf("sqlite: trim idempotency keys: %w", err)
	}
	return res.RowsAffected()
}

// CrowdedTenants lists the tenants holding more than keep idempotency entries.
func (s *Store) CrowdedTenants(ctx context.Context, keep int) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT tenant FROM idempotency GROUP BY tenant HAVING count(*) > ?`, keep)
	if err != nil {
		return nil, fmt.Errorf("sqlite: count idempotency keys: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("sqlite: count idempotency keys: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
