package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/offsync/offsync/server/storage"
)

// txn is one write transaction on the single writer connection. Its reads and writes send one
// statement per kind or per chunk of rows, not one per op: each statement costs tens of µs in
// the driver, which was most of a 100-op batch's time when sent per op.
type txn struct{ tx *sql.Tx }

// chunkRows bounds the rows of one multi-row statement, keeping it well under SQLite's limit
// of 32,766 host parameters.
const chunkRows = 200

const getSQL = `SELECT updated_at, deleted, doc FROM records WHERE tenant = ? AND kind = ? AND id = ?`

// LockKinds is a no-op: the single writer connection already serialises all writes.
func (t *txn) LockKinds(context.Context, string, []string) error { return nil }

func (t *txn) LastVersion(ctx context.Context, tenant, kind string) (string, error) {
	var v sql.NullString
	err := t.tx.QueryRowContext(ctx,
		`SELECT max(updated_at) FROM records WHERE tenant = ? AND kind = ?`, tenant, kind).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("sqlite: last version of %s: %w", kind, err)
	}
	return v.String, nil
}

func (t *txn) GetMany(ctx context.Context, tenant string, keys []storage.Key) (map[storage.Key]storage.Row, error) {
	var kinds []string
	ids := map[string][]any{}
	for _, k := range keys {
		if _, ok := ids[k.Kind]; !ok {
			kinds = append(kinds, k.Kind)
		}
		ids[k.Kind] = append(ids[k.Kind], k.ID)
	}
	out := make(map[storage.Key]storage.Row, len(keys))
	for _, kind := range kinds {
		for chunk := range chunks(ids[kind]) {
			q := `SELECT id, updated_at, deleted, doc FROM records WHERE tenant = ? AND kind = ? AND id IN (` +
				marks(len(chunk)) + `)`
			err := t.each(ctx, q, append([]any{tenant, kind}, chunk...), func(rows *sql.Rows) error {
				r := storage.Row{Kind: kind}
				if err := rows.Scan(&r.ID, &r.UpdatedAt, &r.Deleted, &r.Doc); err != nil {
					return err
				}
				out[storage.Key{Kind: kind, ID: r.ID}] = r
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("sqlite: get %s records: %w", kind, err)
			}
		}
	}
	return out, nil
}

func (t *txn) SavedMany(ctx context.Context, tenant string, keys []string) (map[string]storage.Saved, error) {
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	out := make(map[string]storage.Saved, len(keys))
	for chunk := range chunks(args) {
		q := `SELECT key, status, body FROM idempotency WHERE tenant = ? AND key IN (` + marks(len(chunk)) + `)`
		err := t.each(ctx, q, append([]any{tenant}, chunk...), func(rows *sql.Rows) error {
			var k string
			var s storage.Saved
			if err := rows.Scan(&k, &s.Status, &s.Body); err != nil {
				return err
			}
			out[k] = s
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("sqlite: read idempotency keys: %w", err)
		}
	}
	return out, nil
}

func (t *txn) Flush(ctx context.Context, tenant string, rows []storage.Row, entries []storage.Entry, at time.Time) error {
	for start := 0; start < len(rows); start += chunkRows {
		chunk := rows[start:min(start+chunkRows, len(rows))]
		args := make([]any, 0, 6*len(chunk))
		for _, r := range chunk {
			args = append(args, tenant, r.Kind, r.ID, r.UpdatedAt, r.Deleted, r.Doc)
		}
		q := `INSERT INTO records (tenant, kind, id, updated_at, deleted, doc) VALUES ` + tuples(len(chunk), 6) + `
			ON CONFLICT (tenant, kind, id) DO UPDATE SET
				updated_at = excluded.updated_at, deleted = excluded.deleted, doc = excluded.doc`
		if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("sqlite: put records: %w", err)
		}
	}
	for start := 0; start < len(entries); start += chunkRows {
		chunk := entries[start:min(start+chunkRows, len(entries))]
		args := make([]any, 0, 5*len(chunk))
		for _, e := range chunk {
			args = append(args, tenant, e.Key, e.Status, e.Body, at.UnixMicro())
		}
		q := `INSERT INTO idempotency (tenant, key, status, body, saved_at) VALUES ` + tuples(len(chunk), 5) + `
			ON CONFLICT (tenant, key) DO NOTHING`
		res, err := t.tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("sqlite: save idempotency keys: %w", err)
		}
		// A key skipped by DO NOTHING was stored by someone else first.
		if n, err := res.RowsAffected(); err == nil && n < int64(len(chunk)) {
			return storage.ErrKeyTaken
		}
	}
	return nil
}

// each runs a query and calls fn on every row.
func (t *txn) each(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// chunks yields args in slices of at most chunkRows.
func chunks(args []any) func(yield func([]any) bool) {
	return func(yield func([]any) bool) {
		for start := 0; start < len(args); start += chunkRows {
			if !yield(args[start:min(start+chunkRows, len(args))]) {
				return
			}
		}
	}
}

// marks is n comma-separated placeholders.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// tuples is n comma-separated parenthesised groups of per placeholders.
func tuples(n, per int) string {
	return strings.TrimSuffix(strings.Repeat("("+marks(per)+"),", n), ",")
}
