// Package postgres is the reference server's scale-out backend on PostgreSQL (pgx/v5, pgxpool).
// Several server processes may share one database: writers of a (tenant, kind) serialise on
// transaction-scoped advisory locks taken before the last version is read (LockKinds), so
// versions are assigned, and become visible, in (updatedAt, id) order across all processes.
// All processes on one database must run the same locking scheme (the same release).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
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

// Get reads one row (tombstones included).
func (s *Store) Get(ctx context.Context, tenant, kind, id string) (storage.Row, bool, error) {
	r := storage.Row{Kind: kind, ID: id}
	err := s.pool.QueryRow(ctx,
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

// errPageCut stops reading rows at the first one past a page or a read budget.
var errPageCut = errors.New("page complete")

// Pull reads one page in (updated_at, id) order, stopping at the first row past the page.
func (s *Store) Pull(ctx context.Context, q storage.PullQuery) ([]storage.Row, bool, error) {
	query := `SELECT id, updated_at, deleted, doc FROM records
		WHERE tenant = $1 AND kind = $2 AND (updated_at, id) > ($3, $4)`
	if !q.IncludeDeleted {
		query += ` AND NOT deleted`
	}
	query += ` ORDER BY updated_at, id LIMIT $5`
	rows, err := s.pool.Query(ctx, query, q.Tenant, q.Kind, q.AfterUpdatedAt, q.AfterID, q.Limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: pull %s: %w", q.Kind, err)
	}
	out := make([]storage.Row, 0, min(q.Limit, 64))
	cut := storage.NewPageCut(q)
	var r storage.Row
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.UpdatedAt, &r.Deleted, &r.Doc}, func() error {
		if !cut.Fits(len(r.Doc)) {
			return errPageCut
		}
		row := r
		row.Kind = q.Kind
		row.Doc = slices.Clone(r.Doc)
		out = append(out, row)
		return nil
	})
	if errors.Is(err, errPageCut) {
		return out, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("postgres: pull %s: %w", q.Kind, err)
	}
	return out, false, nil
}

// Prune drops idempotency entries saved before t.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency WHERE saved_at < $1`, before.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("postgres: prune idempotency keys: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Trim keeps the tenant's newest keep idempotency entries.
func (s *Store) Trim(ctx context.Context, tenant string, keep int) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency WHERE tenant = $1 AND key IN (
		SELECT key FROM idempotency WHERE tenant = $1 ORDER BY saved_at DESC, key OFFSET $2)`, tenant, keep)
	if err != nil {
		return 0, fmt.Errorf("postgres: trim idempotency keys: %w", err)
	}
	return tag.RowsAffected(), nil
}

// CrowdedTenants lists the tenants holding more than keep idempotency entries.
func (s *Store) CrowdedTenants(ctx context.Context, keep int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant FROM idempotency GROUP BY tenant HAVING count(*) > $1`, keep)
	if err != nil {
		return nil, fmt.Errorf("postgres: count idempotency keys: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: count idempotency keys: %w", err)
	}
	return out, nil
}

type txn struct{ tx pgx.Tx }

// maxKindLocks is the most kinds a transaction locks one by one; a transaction of more kinds
// locks its whole tenant instead. PostgreSQL's shared lock table holds about
// max_locks_per_transaction × max_connections locks (64 × 100 by default): batches of 500
// kinds, one lock each, filled it ("out of shared memory") and failed every writer of the
// cluster. Each transaction now holds at most maxKindLocks+1 advisory locks.
const maxKindLocks = 8

// LockKinds serialises the writers of each (tenant, kind), so that versions are assigned, and
// committed, in order (the commit-order proof: TestConcurrentWritersAndPullersLoseNothing). A
// transaction of at most maxKindLocks kinds holds its tenant's lock shared and one lock per
// kind; one of more holds its tenant's lock exclusive, which excludes every other writer of
// the tenant. The locks are taken in one order, the tenant's first and then the kinds' by key
// (hash collisions included), so that transactions never wait on each other in a cycle; all
// in one round trip.
func (t *txn) LockKinds(ctx context.Context, tenant string, kinds []string) error {
	var b pgx.Batch
	keys := kindKeys(kinds)
	if len(keys) > maxKindLocks {
		b.Queue(`SELECT pg_advisory_xact_lock($1::bigint)`, tenantKey(tenant))
	} else {
		b.Queue(`SELECT pg_advisory_xact_lock_shared($1::bigint)`, tenantKey(tenant))
		tk := int32(hash32(tenant))
		for _, k := range keys {
			b.Queue(`SELECT pg_advisory_xact_lock($1::integer, $2::integer)`, tk, k)
		}
	}
	if err := t.tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("postgres: lock %d kinds: %w", len(keys), err)
	}
	return nil
}

// tenantKey is the key of a tenant's lock. It has one bigint, the kinds' locks two integers:
// PostgreSQL keeps the two forms apart, so the two never collide.
func tenantKey(tenant string) int64 {
	h := fnv.New64a()
	h.Write([]byte(tenant))
	return int64(h.Sum64())
}

// kindKeys are the distinct keys of the kinds' locks, sorted.
func kindKeys(kinds []string) []int32 {
	keys := make([]int32, len(kinds))
	for i, k := range kinds {
		keys[i] = int32(hash32(k))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
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

func (t *txn) GetMany(ctx context.Context, tenant string, keys []storage.Key, maxBytes int) (map[storage.Key]storage.Row, bool, error) {
	kinds := make([]string, len(keys))
	ids := make([]string, len(keys))
	for i, k := range keys {
		kinds[i], ids[i] = k.Kind, k.ID
	}
	rows, err := t.tx.Query(ctx,
		`SELECT r.kind, r.id, r.updated_at, r.deleted, r.doc
		FROM records r JOIN unnest($2::text[], $3::text[]) AS k(kind, id)
			ON r.kind = k.kind COLLATE "C" AND r.id = k.id COLLATE "C"
		WHERE r.tenant = $1`, tenant, kinds, ids)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: get records: %w", err)
	}
	out := make(map[storage.Key]storage.Row, len(keys))
	size := 0
	var r storage.Row
	_, err = pgx.ForEachRow(rows, []any{&r.Kind, &r.ID, &r.UpdatedAt, &r.Deleted, &r.Doc}, func() error {
		if size > maxBytes {
			return errPageCut
		}
		row := r
		row.Doc = slices.Clone(r.Doc)
		out[storage.Key{Kind: r.Kind, ID: r.ID}] = row
		size += len(row.Doc)
		return nil
	})
	if errors.Is(err, errPageCut) {
		return out, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("postgres: get records: %w", err)
	}
	return out, true, nil
}

func (t *txn) SavedMany(ctx context.Context, tenant string, keys []string) (map[string]storage.Saved, error) {
	rows, err := t.tx.Query(ctx,
		`SELECT key, status, body FROM idempotency WHERE tenant = $1 AND key = ANY($2::text[])`, tenant, keys)
	if err != nil {
		return nil, fmt.Errorf("postgres: read idempotency keys: %w", err)
	}
	out := make(map[string]storage.Saved, len(keys))
	var k string
	var s storage.Saved
	_, err = pgx.ForEachRow(rows, []any{&k, &s.Status, &s.Body}, func() error {
		out[k] = storage.Saved{Status: s.Status, Body: slices.Clone(s.Body)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: read idempotency keys: %w", err)
	}
	return out, nil
}

// Flush sends every write as one multi-row statement per table, in one round trip.
func (t *txn) Flush(ctx context.Context, tenant string, rows []storage.Row, entries []storage.Entry, at time.Time) error {
	var b pgx.Batch
	if len(rows) > 0 {
		kinds, ids, versions := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
		deleted, docs := make([]bool, len(rows)), make([][]byte, len(rows))
		for i, r := range rows {
			kinds[i], ids[i], versions[i], deleted[i], docs[i] = r.Kind, r.ID, r.UpdatedAt, r.Deleted, r.Doc
		}
		b.Queue(`INSERT INTO records (tenant, kind, id, updated_at, deleted, doc)
			SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::bytea[])
			ON CONFLICT (tenant, kind, id) DO UPDATE SET
				updated_at = excluded.updated_at, deleted = excluded.deleted, doc = excluded.doc`,
			tenant, kinds, ids, versions, deleted, docs)
	}
	if len(entries) > 0 {
		// Key order: two transactions inserting overlapping keys wait on each other, never deadlock.
		entries = slices.SortedFunc(slices.Values(entries), func(a, b storage.Entry) int { return strings.Compare(a.Key, b.Key) })
		keys, statuses, bodies := make([]string, len(entries)), make([]int32, len(entries)), make([][]byte, len(entries))
		for i, e := range entries {
			keys[i], statuses[i], bodies[i] = e.Key, int32(e.Status), e.Body
		}
		b.Queue(`INSERT INTO idempotency (tenant, key, status, body, saved_at)
			SELECT $1, k, s, b, $5 FROM unnest($2::text[], $3::integer[], $4::bytea[]) AS e(k, s, b)
			ON CONFLICT (tenant, key) DO NOTHING`, tenant, keys, statuses, bodies, at.UnixMicro())
	}
	if b.Len() == 0 {
		return nil
	}
	br := t.tx.SendBatch(ctx, &b)
	if len(rows) > 0 {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("postgres: put records: %w", err)
		}
	}
	if len(entries) > 0 {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return fmt.Errorf("postgres: save idempotency keys: %w", err)
		}
		if tag.RowsAffected() != int64(len(entries)) {
			br.Close()
			return storage.ErrKeyTaken
		}
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("postgres: flush: %w", err)
	}
	return nil
}
