//go:build js && wasm

package idbstore

import (
	"context"
	"sort"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// changePark is Change's FlowPark in one transaction: the named ops' rows found by op id and
// read, fn parks the ops, and they move from their rows to the parked list, unmarked (the
// parked op keeps the in-flight state it had).
func (b backend) changePark(ctx context.Context, parked []core.ParkedOp, fn func(storekit.Tx) error) error {
	s := b.s
	const op = "park"
	if err := s.guard(op); err != nil {
		return err
	}
	ids := make([]string, len(parked))
	for i, p := range parked {
		ids[i] = p.Op.OpID
	}
	return s.update(ctx, op, []string{stRecords, stParked, stMarks}, func(t *txn) error {
		// Parking is rare (a refused op): the rows are read after their keys, not alongside.
		found, err := rowsOfOps(ctx, t, ids)
		if err != nil {
			return err
		}
		var keys []entityKey
		for _, k := range found {
			if k != nil {
				keys = append(keys, entityKey{k[0], k[1]})
			}
		}
		es, err := loadEntities(ctx, t, &s.seqs, keys)
		if err != nil {
			return err
		}
		k := &kitTx{es: es, parkable: make(map[string]*pendingOp, len(ids))}
		for _, e := range es.byKey {
			for _, p := range e.ops {
				k.parkable[p.op.OpID] = p
			}
		}
		if err := fn(k); err != nil || len(k.parking) == 0 {
			return err
		}
		if err := es.flush(t, false); err != nil {
			return err
		}
		return putValues(t, stParked, k.parking)
	})
}

// Parked lists parked ops in the order they were parked.
func (b backend) Parked(ctx context.Context) ([]core.ParkedOp, error) {
	s := b.s
	if err := s.guard("parked"); err != nil {
		return nil, err
	}
	out := []core.ParkedOp{}
	err := s.view(ctx, "parked", []string{stParked}, func(t *txn) error {
		out = out[:0]
		vals, err := readAll[parkedValue](ctx, t, stParked, 0)
		for _, v := range vals {
			out = append(out, v.parked())
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// changeUnpark is Change's FlowUnpark in one transaction: the ops are taken off the parked
// list and, with requeue, fn puts them back in the outbox over their entities, loaded in one
// batch.
func (b backend) changeUnpark(ctx context.Context, opIDs []string, requeue bool, fn func(storekit.Tx) error) error {
	s := b.s
	if err := s.guard("unpark"); err != nil {
		return err
	}
	return s.update(ctx, "unpark", []string{stRecords, stParked, stMarks}, func(t *txn) error {
		idx, err := t.index(stParked, "opId")
		if err != nil {
			return err
		}
		var vals []*parkedValue
		if err := t.issueJSON(ctx, &vals, t.js.gather, idx, gatherArgs{Method: "get", Keys: jsonText(opIDs)}); err != nil {
			return err
		}
		var found []*parkedValue
		seen := make(map[int64]bool, len(vals))
		for _, v := range vals {
			if v != nil && !seen[v.N] {
				seen[v.N] = true
				found = append(found, v)
			}
		}
		// Requeued ops go back in the order they were parked.
		sort.Slice(found, func(i, j int) bool { return found[i].N < found[j].N })
		var dels []int64
		var adds []core.Op
		var keys []entityKey
		for _, v := range found {
			dels = append(dels, v.N)
			if requeue {
				adds = append(adds, v.Op.op())
				keys = append(keys, entityKey{v.Op.Kind, v.Op.EntityID})
			}
		}
		if len(dels) == 0 {
			return nil
		}
		parked, err := t.store(stParked)
		if err != nil {
			return err
		}
		if err := t.fire(t.js.delAll, parked, delAllArgs{Keys: jsonText(dels)}); err != nil {
			return err
		}
		if len(adds) == 0 {
			return nil
		}
		// A requeued op's change is applied to its record again (storekit's planUnpark): pulls may
		// have overwritten the record while the op was parked.
		es, err := loadEntities(ctx, t, &s.seqs, keys)
		if err != nil {
			return err
		}
		if err := fn(&kitTx{es: es, unparked: adds}); err != nil {
			return err
		}
		return es.flush(t, false)
	})
}
