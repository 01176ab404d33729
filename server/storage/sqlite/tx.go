package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/offsync/offsync/server/storage"
)

// txn is one write transaction on the single writer connection. Its reads and writes send a few
// multi-row statements per kind, not one per op: each statement costs tens of µs in the driver,
// which was most of a 100-op batch's time when sent per op.
type txn struct {
	tx *sql.Tx
	st *stmts
}

// A chunk of a multi-row statement holds a power of two of rows, up to maxChunk, so each
// statement exists in a few sizes that are prepared once (parsing a 100-row statement cost
// more than running it).
const (
	chunkSizes = 8
	maxChunk   = 1 << (chunkSizes - 1)
)

// stmts are the write statements, prepared on the writer connection at Open; [i] takes 1<<i rows.
type stmts struct {
	last                  *sql.Stmt
	get, saved, put, save [chunkSizes]*sql.Stmt
}

const getSQL = `SELECT updated_at, deleted, doc FROM records WHERE tenant = ? AND kind = ? AND id = ?`

func prepare(ctx context.Context, db *sql.DB) (*stmts, error) {
	st := &stmts{}
	var err error
	if st.last, err = db.PrepareContext(ctx, `SELECT max(updated_at) FROM records WHERE tenant = ? AND kind = ?`); err != nil {
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	for i := range chunkSizes {
		n := 1 << i
		for _, p := range []struct {
			to *[chunkSizes]*sql.Stmt
			q  string
		}{
			{&st.get, `SELECT id, updated_at, deleted, doc FROM records WHERE tenant = ? AND kind = ? AND id IN (` + marks(n) + `)`},
			{&st.saved, `SELECT key, status, body FROM idempotency WHERE tenant = ? AND key IN (` + marks(n) + `)`},
			{&st.put, `INSERT INTO records (tenant, kind, id, updated_at, deleted, doc) VALUES ` + tuples(n, 6) + `
				ON CONFLICT (tenant, kind, id) DO UPDATE SET
					updated_at = excluded.updated_at, deleted = excluded.deleted, doc = excluded.doc`},
			{&st.save, `INSERT INTO idempotency (tenant, key, status, body, saved_at) VALUES ` + tuples(n, 5) + `
				ON CONFLICT (tenant, key) DO NOTHING`},
		} {
			stmt, err := db.PrepareContext(ctx, p.q)
			if err != nil {
				st.close()
				return nil, fmt.Errorf("sqlite: prepare: %w", err)
			}
			p.to[i] = stmt
		}
	}
	return st, nil
}

func (st *stmts) close() {
	st.last.Close()
	for _, set := range []*[chunkSizes]*sql.Stmt{&st.get, &st.saved, &st.put, &st.save} {
		for _, s := range set {
			if s != nil {
				s.Close()
			}
		}
	}
}

// chunks yields (start, exp) covering n rows in chunks of 1<<exp rows, largest first.
func chunks(n int) func(yield func(start, exp int) bool) {
	return func(yield func(int, int) bool) {
		start := 0
		for i := chunkSizes - 1; i >= 0; i-- {
			for ; n-start >= 1<<i; start += 1 << i {
				if !yield(start, i) {
					return
				}
			}
		}
	}
}

// LockKinds is a no-op: the single writer connection already serialises all writes.
func (t *txn) LockKinds(context.Context, string, []string) error { return nil }

func (t *txn) LastVersion(ctx context.Context, tenant, kind string) (string, error) {
	var v sql.NullString
	err := t.tx.StmtContext(ctx, t.st.last).QueryRowContext(ctx, tenant, kind).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("sqlite: last version of %s: %w", kind, err)
	}
	return v.String, nil
}

func (t *txn) GetMany(ctx context.Context, tenant string, keys []storage.Key, maxBytes int) (map[storage.Key]storage.Row, bool, error) {
	var kinds []string
	ids := map[string][]any{}
	for _, k := range keys {
		if _, ok := ids[k.Kind]; !ok {
			kinds = append(kinds, k.Kind)
		}
		ids[k.Kind] = append(ids[k.Kind], k.ID)
	}
	out := make(map[storage.Key]storage.Row, len(keys))
	size := 0
	for _, kind := range kinds {
		all := ids[kind]
		args := make([]any, 2, 2+maxChunk)
		args[0], args[1] = tenant, kind
		for start, i := range chunks(len(all)) {
			args = append(args[:2], all[start:start+1<<i]...)
			err := t.each(ctx, t.st.get[i], args, func(rows *sql.Rows) error {
				if size > maxBytes {
					return errFull
				}
				r := storage.Row{Kind: kind}
				if err := rows.Scan(&r.ID, &r.UpdatedAt, &r.Deleted, &r.Doc); err != nil {
					return err
				}
				out[storage.Key{Kind: kind, ID: r.ID}] = r
				size += len(r.Doc)
				return nil
			})
			if errors.Is(err, errFull) || (err == nil && size > maxBytes) {
				return out, false, nil
			}
			if err != nil {
				return nil, false, fmt.Errorf("sqlite: get %s records: %w", kind, err)
			}
		}
	}
	return out, true, nil
}

// errFull stops reading rows past GetMany's byte budget.
var errFull = errors.New("read budget spent")

func (t *txn) SavedMany(ctx context.Context, tenant string, keys []string) (map[string]storage.Saved, error) {
	out := make(map[string]storage.Saved, len(keys))
	args := make([]any, 1, 1+maxChunk)
	args[0] = tenant
	for start, i := range chunks(len(keys)) {
		args = args[:1]
		for _, k := range keys[start : start+1<<i] {
			args = append(args, k)
		}
		err := t.each(ctx, t.st.saved[i], args, func(rows *sql.Rows) error {
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
	args := make([]any, 0, 6*min(len(rows), maxChunk))
	for start, i := range chunks(len(rows)) {
		args = args[:0]
		for _, r := range rows[start : start+1<<i] {
			args = append(args, tenant, r.Kind, r.ID, r.UpdatedAt, r.Deleted, r.Doc)
		}
		if _, err := t.tx.StmtContext(ctx, t.st.put[i]).ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sqlite: put records: %w", err)
		}
	}
	for start, i := range chunks(len(entries)) {
		args = args[:0]
		for _, e := range entries[start : start+1<<i] {
			args = append(args, tenant, e.Key, e.Status, e.Body, at.UnixMicro())
		}
		res, err := t.tx.StmtContext(ctx, t.st.save[i]).ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("sqlite: save idempotency keys: %w", err)
		}
		// A key skipped by DO NOTHING was stored by someone else first.
		if n, err := res.RowsAffected(); err == nil && n < int64(1<<i) {
			return storage.ErrKeyTaken
		}
	}
	return nil
}

// each runs a prepared query in the transaction and calls fn on every row.
func (t *txn) each(ctx context.Context, stmt *sql.Stmt, args []any, fn func(*sql.Rows) error) error {
	rows, err := t.tx.StmtContext(ctx, stmt).QueryContext(ctx, args...)
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

// marks is n comma-separated placeholders.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// tuples is n comma-separated parenthesised groups of per placeholders.
func tuples(n, per int) string {
	return strings.TrimSuffix(strings.Repeat("("+marks(per)+"),", n), ",")
}
