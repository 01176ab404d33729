package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/memstore"
)

// DiffOptions tunes Differential; the zero value is the default.
type DiffOptions struct {
	// Seeds is how many seeded runs (default 4), Steps how many calls each (default 150).
	Seeds, Steps int
	// Before, when set, runs before each call on the store under test, with the run's random
	// source (idbstore forgets which entities it wrote, so that writes ahead are refuted).
	Before func(t *testing.T, s core.Store, r *rand.Rand)
	// After, when set, runs after each call on the store under test (a backend's own
	// bookkeeping checks).
	After func(t *testing.T, s core.Store)
	// UniqueOpIDs makes every op id new (none reused to be refused): for a store told that
	// its op ids are fresh (idbstore's Options.FreshOpIDs), which does not look them up.
	UniqueOpIDs bool
}

// Differential drives a store from open and memstore (the reference) with the same seeded
// random calls — valid and invalid ones, over few entities so that coalescing, rebasing,
// holding and parking meet — and requires the same results, the same error categories and the
// same state after every call. Seqs are compared by their order only (the outbox is compared
// in Seq order): that is all the contract says of them, and a backend may use up Seqs (a
// write ahead that its reads refute). open returns a new, empty store per seed; Differential
// closes it.
func Differential(t *testing.T, open func(t *testing.T) core.Store, o DiffOptions) {
	if o.Seeds <= 0 {
		o.Seeds = 4
	}
	if o.Steps <= 0 {
		o.Steps = 150
	}
	for seed := uint64(1); seed <= uint64(o.Seeds); seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			s := open(t)
			defer func() { _ = s.Close() }()
			mem := memstore.New()
			r := rand.New(rand.NewPCG(seed, 42))
			g := &gen{r: r, unique: o.UniqueOpIDs}
			tally := map[string]int{}
			for step := range o.Steps {
				name, call := g.next(ctx, mem)
				if o.Before != nil {
					o.Before(t, s, r)
				}
				got, err := call(s)
				gotM, errM := call(mem)
				tally[name+" "+string(core.CodeOf(errM))]++
				require.Equal(t, core.CodeOf(errM), core.CodeOf(err), "step %d %s: err %v, memstore err %v", step, name, err, errM)
				require.Equal(t, withoutSeqs(gotM), withoutSeqs(got), "step %d %s result", step, name)
				require.Equal(t, State(ctx, t, mem), State(ctx, t, s), "step %d %s state", step, name)
				if o.After != nil {
					o.After(t, s)
				}
			}
			t.Logf("calls by outcome: %v", tally)
		})
	}
}

type gen struct {
	r          *rand.Rand
	ops, fresh int
	unique     bool // op ids never reused (DiffOptions.UniqueOpIDs)
}

// id is mostly one of a few ids, sometimes a new one (a create).
func (g *gen) id() string {
	if g.r.IntN(8) == 0 {
		g.fresh++
		return fmt.Sprint("new", g.fresh)
	}
	return []string{"a", "b", "c"}[g.r.IntN(3)]
}
func (g *gen) kind() string { return []string{"note", "note", "task"}[g.r.IntN(3)] }
func (g *gen) opID() string {
	g.ops++
	if g.r.IntN(15) == 0 && g.ops > 2 && !g.unique {
		return fmt.Sprint("op", g.r.IntN(g.ops-1)+1) // reused: must be refused
	}
	return fmt.Sprint("op", g.ops)
}
func (g *gen) data(id string) core.RawJSON {
	return core.RawJSON(fmt.Sprintf(`{"id":%q,"v":%d,"f%d":true}`, id, g.r.IntN(5), g.r.IntN(3)))
}

// pick returns one of the stores' current outbox ops (nil when empty), read from memstore.
func (g *gen) pick(ctx context.Context, mem core.Store) *core.Op {
	ops, _ := mem.Outbox(ctx, 0)
	if len(ops) == 0 {
		return nil
	}
	o := ops[g.r.IntN(len(ops))]
	return &o
}

type storeCall func(core.Store) (any, error)

func (g *gen) next(ctx context.Context, mem core.Store) (string, storeCall) {
	switch g.r.IntN(12) {
	case 0, 1, 2:
		n := g.r.IntN(3) + 1
		var ws []core.LocalWrite
		for range n {
			k, id := g.kind(), g.id()
			w := core.LocalWrite{Kind: k, ID: id, OpID: g.opID(), LocalTimestamp: int64(g.r.IntN(100))}
			switch g.r.IntN(5) {
			case 0:
				w.Delete = true
			case 1:
				w.Data, w.ChangedFields, w.ChangedGiven = g.data(id), []string{"v"}, true
			case 2:
				w.Data = core.RawJSON(`"not an object"`)
			default:
				w.Data = g.data(id)
			}
			ws = append(ws, w)
		}
		return "WriteLocal", func(s core.Store) (any, error) { return s.WriteLocal(ctx, ws) }
	case 3:
		var ops []core.Op
		for range g.r.IntN(2) + 1 {
			id := g.id()
			o := core.Op{OpID: g.opID(), Kind: g.kind(), EntityID: id, Type: core.OpUpsert, Payload: g.data(id), InFlight: g.r.IntN(2) == 0}
			if g.r.IntN(3) == 0 {
				o.Type, o.Payload = core.OpDelete, nil
			}
			ops = append(ops, o)
		}
		return "Enqueue", func(s core.Store) (any, error) { return s.Enqueue(ctx, ops) }
	case 4:
		o := g.pick(ctx, mem)
		ops := []core.Op{{OpID: "nope", Seq: int64(g.r.IntN(4))}}
		if o != nil {
			if g.r.IntN(3) == 0 {
				o.Seq = int64(g.r.IntN(4)) // a stale or missing hint: found by op id all the same
			}
			ops = append(ops, *o)
		}
		return "MarkInFlight", func(s core.Store) (any, error) { return s.MarkInFlight(ctx, ops) }
	case 5, 6:
		o := g.pick(ctx, mem)
		if o == nil {
			return "Ack none", func(s core.Store) (any, error) { return nil, s.Ack(ctx, nil) }
		}
		a := core.Ack{Op: *o, Rebuild: g.r.IntN(4) == 0} // a conflict's serverWins now and then
		if g.r.IntN(4) != 0 {
			v := fmt.Sprint("v", g.r.IntN(1000))
			a.Server = &core.Record{Kind: o.Kind, ID: o.EntityID, Data: g.data(o.EntityID), UpdatedAt: v}
		}
		if g.r.IntN(3) != 0 {
			return "Ack", func(s core.Store) (any, error) { return nil, s.Ack(ctx, []core.Ack{a}) }
		}
		// The push's ack that claims the next batch: ops another pick, perhaps the acked op
		// itself (no longer pending once acknowledged) or one whose hint is stale.
		next := []core.Op{{OpID: "nope"}}
		if n := g.pick(ctx, mem); n != nil {
			if g.r.IntN(3) == 0 {
				n.Seq = int64(g.r.IntN(4))
			}
			next = append(next, *n)
		}
		return "AckAndMark", func(s core.Store) (any, error) { return ackAndMark(ctx, s, []core.Ack{a}, next) }
	case 7:
		o := g.pick(ctx, mem)
		if o == nil {
			return "Resolve none", func(s core.Store) (any, error) { return nil, nil }
		}
		res := *o
		res.Attempt++
		res.Type, res.Payload = core.OpUpsert, g.data(o.EntityID)
		var local *core.Record
		if g.r.IntN(2) == 0 {
			local = &core.Record{Kind: o.Kind, ID: o.EntityID, Data: res.Payload, UpdatedAt: "srv"}
		}
		rebuild := g.r.IntN(2) == 0 // a merge
		return "Resolve", func(s core.Store) (any, error) { return nil, s.Resolve(ctx, res, local, rebuild) }
	case 8:
		o := g.pick(ctx, mem)
		if o == nil || g.r.IntN(3) == 0 {
			parked, _ := mem.Parked(ctx)
			var ids []string
			for _, p := range parked {
				ids = append(ids, p.Op.OpID)
			}
			requeue := g.r.IntN(2) == 0
			return "Unpark", func(s core.Store) (any, error) { return nil, s.Unpark(ctx, ids, requeue) }
		}
		p := core.ParkedOp{Op: core.Op{OpID: o.OpID}, Status: 400 + g.r.IntN(30), Reason: "refused", ParkedAtMs: 5}
		return "Park", func(s core.Store) (any, error) { return nil, s.Park(ctx, []core.ParkedOp{p}) }
	case 9:
		k := g.kind()
		var items []core.Record
		for range g.r.IntN(4) {
			id := g.id()
			items = append(items, core.Record{Kind: k, ID: id, Data: g.data(id), UpdatedAt: fmt.Sprint("p", g.r.IntN(100)), Deleted: g.r.IntN(5) == 0})
		}
		next := core.Cursor{UpdatedAt: fmt.Sprint("p", g.r.IntN(100)), ID: g.id()}
		if g.r.IntN(2) == 0 {
			// Two pages, the second started before the first is waited for.
			mid, cut := core.Cursor{UpdatedAt: fmt.Sprint("p", g.r.IntN(100)), ID: g.id()}, len(items)/2
			return "StartPage", func(s core.Store) (any, error) {
				ps := s.(core.PageStarter)
				w1, err := ps.StartPage(ctx, k, items[:cut], mid)
				if err != nil {
					return nil, err
				}
				w2, err := ps.StartPage(ctx, k, items[cut:], next)
				h1, err1 := w1()
				if err != nil {
					return nil, err
				}
				h2, err2 := w2()
				if err1 != nil {
					return nil, err1
				}
				return [][]string{h1, h2}, err2
			}
		}
		return "ApplyPage", func(s core.Store) (any, error) { return s.ApplyPage(ctx, k, items, next) }
	case 10:
		kinds, clear := []string{g.kind()}, g.r.IntN(2) == 0
		return "ResetCursors", func(s core.Store) (any, error) { return nil, s.ResetCursors(ctx, kinds, clear) }
	default:
		c := core.Conflict{ID: g.id(), Kind: "note", EntityID: g.id(), Local: g.data("x"), ChangedFields: []string{}}
		if g.r.IntN(3) == 0 {
			id := c.ID
			return "DeleteConflict", func(s core.Store) (any, error) { return nil, s.DeleteConflict(ctx, id) }
		}
		return "PutConflict", func(s core.Store) (any, error) { return nil, s.PutConflict(ctx, c) }
	}
}

// Observed is everything observable through the Store interface for the kinds and ids the
// differential harness uses.
type Observed struct {
	Records   map[string][]core.Record
	Tombs     map[string]core.Record
	Outbox    []core.Op
	Pending   int
	Parked    []core.ParkedOp
	Conflicts []core.Conflict
	Cursors   map[string]core.Cursor
}

// State reads s's Observed state, failing t on an error.
func State(ctx context.Context, t *testing.T, s core.Store) Observed {
	t.Helper()
	st := Observed{Records: map[string][]core.Record{}, Tombs: map[string]core.Record{}, Cursors: map[string]core.Cursor{}}
	var err error
	for _, k := range []string{"note", "task"} {
		st.Records[k], err = s.List(ctx, k)
		require.NoError(t, err)
		st.Cursors[k], err = s.Cursor(ctx, k)
		require.NoError(t, err)
		for _, id := range []string{"a", "b", "c"} {
			r, ok, err := s.Get(ctx, k, id)
			require.NoError(t, err)
			if ok && r.Deleted {
				st.Tombs[k+"/"+id] = r
			}
		}
	}
	st.Outbox, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	st.Outbox = withoutSeqs(st.Outbox).([]core.Op)
	st.Pending, err = s.PendingCount(ctx)
	require.NoError(t, err)
	st.Parked, err = s.Parked(ctx)
	require.NoError(t, err)
	for i := range st.Parked {
		st.Parked[i].Op.Seq = 0
	}
	st.Conflicts, err = s.Conflicts(ctx)
	require.NoError(t, err)
	return st
}

// withoutSeqs is v with the Seqs of ops zeroed (a copy); other values as they are.
func withoutSeqs(v any) any {
	ops, ok := v.([]core.Op)
	if !ok {
		return v
	}
	out := make([]core.Op, len(ops))
	for i, o := range ops {
		o.Seq = 0
		out[i] = o
	}
	return out
}

// ackAndMark is s's AckAndMark, and MarkInFlight of next after it when the store did not
// claim them in the same call (or has no AckAndMark: then Ack first).
func ackAndMark(ctx context.Context, s core.Store, acks []core.Ack, next []core.Op) ([]core.Op, error) {
	if am, ok := s.(core.AckMarker); ok {
		marked, claimed, err := am.AckAndMark(ctx, acks, next)
		if err != nil || claimed {
			return marked, err
		}
	} else if err := s.Ack(ctx, acks); err != nil {
		return nil, err
	}
	return s.MarkInFlight(ctx, next)
}
