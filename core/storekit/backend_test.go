package storekit_test

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
	"github.com/offsync/offsync/core/storetest"
)

// mapBackend is the smallest storekit.Backend: its whole state in maps and slices, every
// Change made on a copy that replaces the state when it succeeds. It knows nothing of
// coalescing, rebasing, validation or what a pull may overwrite (storekit does), and it proves
// the claim of storekit.Backend: a new backend written only against that interface passes the
// conformance suite and the differential harness.
type mapBackend struct {
	mu     sync.Mutex
	closed bool
	st     *mapState
}

type key struct{ kind, id string }

type mapState struct {
	records   map[key]core.Record
	outbox    []core.Op // in Seq order
	seq       int64
	parked    []core.ParkedOp
	cursors   map[string]core.Cursor
	conflicts []core.Conflict
	meta      map[string]string
}

func (s *mapState) clone() *mapState {
	c := *s
	c.records = maps.Clone(s.records)
	c.outbox = slices.Clone(s.outbox)
	c.parked = slices.Clone(s.parked)
	c.cursors = maps.Clone(s.cursors)
	c.conflicts = slices.Clone(s.conflicts)
	c.meta = maps.Clone(s.meta)
	return &c
}

func newMapStore() core.Store {
	s := new(storekit.Store)
	s.Init(&mapBackend{st: &mapState{records: map[key]core.Record{}, cursors: map[string]core.Cursor{}, meta: map[string]string{}}})
	return s
}

// do runs fn under the lock on a copy of the state, which replaces the state when fn succeeds.
func (b *mapBackend) do(ctx context.Context, fn func(*mapState) error) error {
	if err := ctx.Err(); err != nil {
		return core.Wrap(core.CodeCancelled, "map", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return core.Errorf(core.CodeClosed, "map", "store is closed")
	}
	st := b.st.clone()
	if err := fn(st); err != nil {
		return err
	}
	b.st = st
	return nil
}

func (b *mapBackend) Get(ctx context.Context, kind, id string) (r core.Record, ok bool, err error) {
	err = b.do(ctx, func(s *mapState) error {
		r, ok = s.records[key{kind, id}]
		r = core.CloneRecord(r)
		return nil
	})
	return r, ok, err
}

func (b *mapBackend) List(ctx context.Context, kind string) (out []core.Record, err error) {
	err = b.do(ctx, func(s *mapState) error {
		out = []core.Record{}
		for k, r := range s.records {
			if k.kind == kind && !r.Deleted {
				out = append(out, core.CloneRecord(r))
			}
		}
		slices.SortFunc(out, func(a, b core.Record) int { return cmp.Compare(a.ID, b.ID) })
		return nil
	})
	return out, err
}

func (b *mapBackend) Change(ctx context.Context, c storekit.Change, fn func(storekit.Tx) error) (ch storekit.Changed, err error) {
	err = b.do(ctx, func(s *mapState) error {
		for _, id := range opIDs(c) {
			if s.find(id) >= 0 || slices.ContainsFunc(s.parked, func(p core.ParkedOp) bool { return p.Op.OpID == id }) {
				return core.Errorf(core.CodeInvalid, "change", "op id %s already in the outbox", id)
			}
		}
		t := &mapTx{mapState: s}
		if c.Flow == storekit.FlowUnpark {
			s.parked = slices.DeleteFunc(s.parked, func(p core.ParkedOp) bool {
				if slices.Contains(c.Unpark, p.Op.OpID) {
					t.unparked = append(t.unparked, p.Op)
					return true
				}
				return false
			})
		}
		if err := fn(t); err != nil {
			return err
		}
		ch.Pending = len(s.outbox)
		return nil
	})
	return ch, err
}

func opIDs(c storekit.Change) []string {
	var ids []string
	for _, w := range c.Writes {
		ids = append(ids, w.OpID)
	}
	for _, o := range c.Ops {
		ids = append(ids, o.OpID)
	}
	return ids
}

// Claim reads from the start whatever c.From says: the hint is only a shortcut.
func (b *mapBackend) Claim(ctx context.Context, c storekit.Claim) (out []core.Op, n int, err error) {
	err = b.do(ctx, func(s *mapState) error {
		out = []core.Op{}
		for i, o := range s.outbox {
			if len(out) == c.Limit {
				break
			}
			if c.Pick == nil {
				out = append(out, core.CloneOp(o))
			} else if c.Pick(o) {
				s.outbox[i].InFlight = true
				out = append(out, core.CloneOp(s.outbox[i]))
			}
		}
		n = len(s.outbox)
		return nil
	})
	return out, n, err
}

func (b *mapBackend) Parked(ctx context.Context) (out []core.ParkedOp, err error) {
	err = b.do(ctx, func(s *mapState) error {
		out = []core.ParkedOp{}
		for _, p := range s.parked {
			p.Op = core.CloneOp(p.Op)
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

func (b *mapBackend) Cursors(ctx context.Context, kinds []string) (out []core.Cursor, err error) {
	err = b.do(ctx, func(s *mapState) error {
		for _, k := range kinds {
			out = append(out, s.cursors[k])
		}
		return nil
	})
	return out, err
}

func (b *mapBackend) ApplyPage(ctx context.Context, kind string, _ []core.Record, next core.Cursor, plan storekit.PagePlan) error {
	return b.do(ctx, func(s *mapState) error {
		stored := func(id string) *core.Record {
			if r, ok := s.records[key{kind, id}]; ok {
				return &r
			}
			return nil
		}
		for _, r := range plan(func(id string) bool { return len(s.pending(kind, id)) > 0 }, stored) {
			s.records[key{r.Kind, r.ID}] = core.CloneRecord(r)
		}
		s.cursors[kind] = next
		return nil
	})
}

func (b *mapBackend) ResetCursors(ctx context.Context, kinds []string, clearData bool) error {
	return b.do(ctx, func(s *mapState) error {
		for _, kind := range kinds {
			delete(s.cursors, kind)
		}
		if !clearData {
			return nil
		}
		maps.DeleteFunc(s.records, func(k key, _ core.Record) bool {
			return slices.Contains(kinds, k.kind) && len(s.pending(k.kind, k.id)) == 0 &&
				!slices.ContainsFunc(s.parked, func(p core.ParkedOp) bool { return p.Op.Kind == k.kind && p.Op.EntityID == k.id })
		})
		return nil
	})
}

func (b *mapBackend) Conflicts(ctx context.Context) (out []core.Conflict, err error) {
	err = b.do(ctx, func(s *mapState) error {
		out = []core.Conflict{}
		for _, c := range s.conflicts {
			c.Local, c.Server, c.ChangedFields = slices.Clone(c.Local), slices.Clone(c.Server), slices.Clone(c.ChangedFields)
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

func (b *mapBackend) Meta(ctx context.Context, k string) (v string, ok bool, err error) {
	err = b.do(ctx, func(s *mapState) error { v, ok = s.meta[k]; return nil })
	return v, ok, err
}

func (b *mapBackend) SetMeta(ctx context.Context, k, v string) error {
	return b.do(ctx, func(s *mapState) error { s.meta[k] = v; return nil })
}

func (b *mapBackend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

// find is the outbox position of the pending op opID, -1 when none.
func (s *mapState) find(opID string) int {
	return slices.IndexFunc(s.outbox, func(o core.Op) bool { return o.OpID == opID })
}

// pending returns copies of the entity's pending ops in Seq order.
func (s *mapState) pending(kind, id string) []core.Op {
	var out []core.Op
	for _, o := range s.outbox {
		if o.Kind == kind && o.EntityID == id {
			out = append(out, core.CloneOp(o))
		}
	}
	return out
}

// mapTx is a Change's copy of the state as storekit's flows see it.
type mapTx struct {
	*mapState
	unparked []core.Op
}

func (t *mapTx) Record(kind, id string) *core.Record {
	r, ok := t.records[key{kind, id}]
	if !ok {
		return nil
	}
	r = core.CloneRecord(r)
	return &r
}

func (t *mapTx) Pending(kind, id string) []core.Op { return t.pending(kind, id) }
func (t *mapTx) PutRecord(r core.Record)           { t.records[key{r.Kind, r.ID}] = core.CloneRecord(r) }
func (t *mapTx) Unparked() []core.Op               { return t.unparked }

func (t *mapTx) Append(o core.Op) { t.appendOp(o) }

// appendOp appends o with the next Seq and returns it so.
func (t *mapTx) appendOp(o core.Op) core.Op {
	t.seq++
	o.Seq = t.seq
	t.outbox = append(t.outbox, core.CloneOp(o))
	return o
}

// Replace puts o in place of the pending op with its Seq.
func (t *mapTx) Replace(o core.Op) {
	i := slices.IndexFunc(t.outbox, func(x core.Op) bool { return x.Seq == o.Seq })
	t.outbox[i] = core.CloneOp(o)
}

func (t *mapTx) remove(seq int64) {
	t.outbox = slices.DeleteFunc(t.outbox, func(x core.Op) bool { return x.Seq == seq })
}

func (t *mapTx) Place(_, _ string, pending []core.Op, plan storekit.WritePlan) {
	switch {
	case plan.Append != nil:
		t.appendOp(*plan.Append)
	case plan.Replace != nil:
		t.Replace(*plan.Replace)
	case plan.Remove:
		t.remove(pending[len(pending)-1].Seq)
	}
}

func (t *mapTx) Enqueue(merged *core.Op, o core.Op) core.Op {
	if merged != nil {
		t.Replace(*merged)
		return *merged
	}
	return t.appendOp(o)
}

// later returns the ops of stored's entity after it.
func (t *mapTx) later(stored core.Op) []core.Op {
	return slices.DeleteFunc(t.pending(stored.Kind, stored.EntityID), func(o core.Op) bool { return o.Seq <= stored.Seq })
}

func (t *mapTx) Acked(a core.Ack) (core.Op, []core.Op, *core.Record, bool) {
	i := t.find(a.Op.OpID)
	if i < 0 {
		return core.Op{}, nil, nil, false
	}
	stored := core.CloneOp(t.outbox[i])
	return stored, t.later(stored), t.Record(stored.Kind, stored.EntityID), true
}

func (t *mapTx) Settle(stored core.Op, rebased []core.Op, rec *core.Record) {
	t.remove(stored.Seq)
	for _, o := range rebased {
		t.Replace(o)
	}
	if rec != nil {
		t.PutRecord(*rec)
	}
}

func (t *mapTx) Parking(opID string) (core.Op, bool) {
	i := t.find(opID)
	if i < 0 {
		return core.Op{}, false
	}
	return core.CloneOp(t.outbox[i]), true
}

func (t *mapTx) Park(p core.ParkedOp) {
	t.remove(p.Op.Seq)
	t.parked = append(t.parked, p)
}

func (t *mapTx) PutConflict(c core.Conflict) {
	if i := slices.IndexFunc(t.conflicts, func(x core.Conflict) bool { return x.ID == c.ID }); i >= 0 {
		t.conflicts[i] = c
	} else {
		t.conflicts = append(t.conflicts, c)
	}
}

func (t *mapTx) DeleteConflict(id string) {
	t.conflicts = slices.DeleteFunc(t.conflicts, func(c core.Conflict) bool { return c.ID == id })
}

func (t *mapTx) Resolving(opID string) (core.Op, []core.Op, bool) {
	i := t.find(opID)
	if i < 0 {
		return core.Op{}, nil, false
	}
	stored := core.CloneOp(t.outbox[i])
	return stored, t.later(stored), true
}

func TestMapBackendConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) core.Store { return newMapStore() })
}

func TestMapBackendMatchesMemstore(t *testing.T) {
	storetest.Differential(t, func(*testing.T) core.Store { return newMapStore() }, storetest.DiffOptions{})
}
