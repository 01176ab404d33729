// Package postgres is the reference server's scale-out backend on PostgreSQL (pgx/v5, pgxpool).
// Several server processes may share one database: writers of a (tenant, kind) serialise on a
// transaction-scoped advisory lock taken before the last version is read, so versions are
// assigned, and become visible, in (updatedAt, id) order across all processes.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/offsync/offsync/server/storage"
)

// migrationLock is the advisory lock key that keeps concurrent server starts from racing on
// the schema.
const migrationLock = 0x0ff5c

// defaultMaxConns is the pool size when the URL does not set pool_max_conns.
const defaultMaxConns = 16

// migrations are applied in order; schema_version records how many ran. Text columns use the
// "C" collation so ORDER BY and tuple comparisons are byte order, whatever the cluster locale.
var migrations = []string{
	`CREATE TABLE records (
		tenant text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
		updated_at text COLLATE "C" NOT NULL, deleted boolean NOT NULL DEFAULT false, doc bytea NOT NULL,
		PRIMARY KEY (tenant, kind, id));
	CREATE INDEX records_pull ON records (tenant, kind, updated_at, id);
	CREATE TABLE idempotency (
		tenant text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, status integer NOT NULL,
		body bytea NOT NULL, saved_at bigint NOT NULL, PRIMARY KEY (tenant, key));
	CREATE INDEX idempotency_saved ON idempotency (saved_at);`,
}

// Store is the PostgreSQL backend.
type Store struct{ pool *pgxpool.Pool }

var _ storage.Storage = (*Store)(nil)

// Open connects to url (postgres://…) and creates or migrates the schema.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns=") {
		// pgxpool's default (4 on small machines) queues requests behind writers that wait
		// on a kind's lock; ?pool_max_conns=N in the URL overrides this.
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("postgres: migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
			return fmt.Errorf("postgres: schema_version: %w", err)
		}
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version VALUES (0)`); err != nil {
				return fmt.Errorf("postgres: schema_version: %w", err)
			}
		case err != nil:
			return fmt.Errorf("postgres: read schema version: %w", err)
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.Exec(ctx, migrations[i]); err != nil {
				return fmt.Errorf("postgres: migration %d: %w", i+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, len(migrations)); err != nil {
			return fmt.Errorf("postgres: set schema version: %w", err)
		}
		return nil
	})
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Write runs fn in one READ COMMITTED transaction.
func (s *Store) Write(ctx context.Context, fn func(storage.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	if err := fn(&txn{tx: tx}); err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func getRow(ctx context.Context, q querier, tenant, kind, id string) (storage.Row, bool, error) {
	r := storage.Row{Kind: kind, ID: id}
	err := q.QueryRow(ctx,
		`SELECT updated_at, deleted, doc FROM records WHERE tenant = $1 AND kind = $2 AND id = $3`,
		tenant, kind, id).Scan(&r.UpdatedAt, &r.Deleted, &r.Doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.Row{}, false, nil
	}
	if err != nil {
		return storage.Row{}, false, fmt.Errorf("postgres: get %s/%s: %w", kind, id, err)
	}
	return r, true, nil
}

// Get reads one row (tombstones included).
func (s *Store) Get(ctx context.Context, tenant, kind, id string) (storage.Row, bool, error) {
	return getRow(ctx, s.pool, tenant, kind, id)
}

// Pull reads one page in (updated_at, id) order.
func (s *Store) Pull(ctx context.Context, q storage.PullQuery) ([]storage.Row, error) {
	query := `SELECT id, updated_at, deleted, doc FROM records
		WHERE tenant = $1 AND kind = $2 AND (updated_at, id) > ($3, $4)`
	if !q.IncludeDeleted {
		query += ` AND NOT deleted`
	}
	query += ` ORDER BY updated_at, id LIMIT $5`
	rows, err := s.pool.Query(ctx, query, q.Tenant, q.Kind, q.AfterUpdatedAt, q.AfterID, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: pull %s: %w", q.Kind, err)
	}
	out := make([]storage.Row, 0, q.Limit)
	var r storage.Row
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.UpdatedAt, &r.Deleted, &r.Doc}, func() error {
		row := r
		row.Kind = q.Kind
		row.Doc = slices.Clone(r.Doc)
		out = append(out, row)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: pull %s: %w", q.Kind, err)
	}
	return out, nil
}

// Prune drops idempotency entries saved before t.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency WHERE saved_at < $1`, before.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("postgres: prune idempotency keys: %w", err)
	}
	return tag.RowsAffected(), nil
}

type txn struct{ tx pgx.Tx }

// LockKinds takes one transaction-scoped advisory lock per (tenant, kind), in sorted order so
// that two batches touching the same kinds cannot deadlock. Hash collisions only serialise
// more than needed.
func (t *txn) LockKinds(ctx context.Context, tenant string, kinds []string) error {
	sorted := slices.Clone(kinds)
	slices.Sort(sorted)
	for _, k := range slices.Compact(sorted) {
		if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, tenant, k); err != nil {
			return fmt.Errorf("postgres: lock %s: %w", k, err)
		}
	}
	return nil
}

func (t *txn) LastVersion(ctx context.Context, tenant, kind string) (string, error) {
	var v *string
	err := t.tx.QueryRow(ctx,
		`SELECT max(updated_at) FROM records WHERE tenant = $1 AND kind = $2`, tenant, kind).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("postgres: last version of %s: %w", kind, err)
	}
	if v == nil {
		return "", nil
	}
	return *v, nil
}

func (t *txn) Get(ctx context.Context, tenant, kind, id string) (storage.Row, bool, error) {
	return getRow(ctx, t.tx, tenant, kind, id)
}

func (t *txn) Put(ctx context.Context, tenant string, r storage.Row) error {
	_, err := t.tx.Exec(ctx,
		`INSERT INTO records (tenant, kind, id, updated_at, deleted, doc) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant, kind, id) DO UPDATE SET
			updated_at = excluded.updated_at, deleted = excluded.deleted, doc = excluded.doc`,
		tenant, r.Kind, r.ID, r.UpdatedAt, r.Deleted, r.Doc)
	if err != nil {
		return fmt.Errorf("postgres: put %s/%s: %w", r.Kind, r.ID, err)
	}
	return nil
}

func (t *txn) Saved(ctx context.Context, tenant, key string) (storage.Saved, bool, error) {
	var s storage.Saved
	err := t.tx.QueryRow(ctx,
		`SELECT status, body FROM idempotency WHERE tenant = $1 AND key = $2`, tenant, key).Scan(&s.Status, &s.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.Saved{}, false, nil
	}
	if err != nil {
		return storage.Saved{}, false, fmt.Errorf("postgres: read idempotency key: %w", err)
	}
	return s, true, nil
}

// Save inserts the key; a concurrent transaction holding the same key makes this wait for it
// and then report ErrKeyTaken.
func (t *txn) Save(ctx context.Context, tenant, key string, s storage.Saved, at time.Time) error {
	tag, err := t.tx.Exec(ctx,
		`INSERT INTO idempotency (tenant, key, status, body, saved_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant, key) DO NOTHING`, tenant, key, s.Status, s.Body, at.UnixMicro())
	if err != nil {
		return fmt.Errorf("postgres: save idempotency key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return storage.ErrKeyTaken
	}
	return nil
}
