//go:build js && wasm

package idbstore

import (
	"context"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// changeConflict is Change's FlowConflict in one transaction: the named conflict's key read
// by its id, then what fn staged: the conflict put in place of the stored one (same key, so
// the same place in the order), or the stored one deleted.
func (b backend) changeConflict(ctx context.Context, c storekit.Change, fn func(storekit.Tx) error) error {
	s := b.s
	const op = "conflict"
	if err := s.guard(op); err != nil {
		return err
	}
	return s.update(ctx, op, []string{stConflicts}, func(t *txn) error {
		n, err := conflictKey(ctx, t, c.ConflictID)
		if err != nil {
			return err
		}
		k := &kitTx{}
		if err := fn(k); err != nil {
			return err
		}
		switch {
		case k.conflict != nil:
			v := toConflictValue(*k.conflict)
			v.N = n
			return putValues(t, stConflicts, []conflictValue{v})
		case k.dropConflict && n != 0:
			st, err := t.store(stConflicts)
			if err != nil {
				return err
			}
			return t.fire(t.js.delAll, st, delAllArgs{Keys: jsonText([]int64{n})})
		}
		return nil
	})
}

// conflictKey returns the primary key of conflict id, 0 when absent.
func conflictKey(ctx context.Context, t *txn, id string) (int64, error) {
	idx, err := t.index(stConflicts, "cid")
	if err != nil {
		return 0, err
	}
	var keys []*int64
	if err := t.issueJSON(ctx, &keys, t.js.gather, idx, gatherArgs{Method: "getKey", Keys: jsonText([]string{id})}); err != nil {
		return 0, err
	}
	if keys[0] == nil {
		return 0, nil
	}
	return *keys[0], nil
}

// Conflicts lists deferred conflicts in the order they were first stored.
func (b backend) Conflicts(ctx context.Context) ([]core.Conflict, error) {
	s := b.s
	if err := s.guard("conflicts"); err != nil {
		return nil, err
	}
	out := []core.Conflict{}
	err := s.view(ctx, "conflicts", []string{stConflicts}, func(t *txn) error {
		out = out[:0]
		vals, err := readAll[conflictValue](ctx, t, stConflicts, 0)
		for _, v := range vals {
			out = append(out, v.conflict())
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Meta reads an app metadata value.
func (b backend) Meta(ctx context.Context, key string) (string, bool, error) {
	s := b.s
	if err := s.guard("meta"); err != nil {
		return "", false, err
	}
	var val *string
	err := s.view(ctx, "meta", []string{stMeta}, func(t *txn) error {
		st, err := t.store(stMeta)
		if err != nil {
			return err
		}
		var vals []*string
		if err := t.issueJSON(ctx, &vals, t.js.gather, st, gatherArgs{Method: "get", Keys: jsonText([]string{key})}); err != nil {
			return err
		}
		val = vals[0]
		return nil
	})
	if err != nil || val == nil {
		return "", false, err
	}
	return *val, true, nil
}

// SetMeta writes an app metadata value.
func (b backend) SetMeta(ctx context.Context, key, value string) error {
	s := b.s
	if err := s.guard("set meta"); err != nil {
		return err
	}
	return s.update(ctx, "set meta", []string{stMeta}, func(t *txn) error {
		st, err := t.store(stMeta)
		if err != nil {
			return err
		}
		return t.fire(t.js.putKeyed, st, putKeyedArgs{Key: key, Value: value})
	})
}
