package core_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

var simMovesFlag = flag.String("sim.moves", "", "moves: empty (the seed's choice), classic, serial (every move but push concurrency) or all")

// simMoves is which moves a seed enables beyond the original simulation. They are drawn from
// a stream of their own, and a quarter of the seeds is "classic": the original simulation,
// same actions and faults, so that the seeds of before keep their coverage.
type simMoves struct {
	// concurrency is PushConcurrency; above 1 several batches are in flight at once, in an
	// order the scheduler picks, so such a run is checked but not replayed exactly.
	concurrency int
	// overlap turns Config.Serial off (with push concurrency only): answers written while the
	// next request is out, kinds pulled at once, pages fetched ahead.
	overlap    bool
	enqueue    bool // app-made ops through Engine.Enqueue, seed style
	strategies bool // "note" gets a strategy too (merge included); "task" is its per-kind override
	deferral   bool // the resolver sometimes defers; the app resolves later (keep-local, keep-server, merged)
	dropParked bool // the app gives up some parked ops
	resyncs    bool // full resyncs more often, each checked against the server right after
	claimHeads bool // the store claims the push's heads (core.HeadClaimer): the first pass claims as it goes
}

func pickMoves(seed uint64, forced string) simMoves {
	r := rand.New(rand.NewPCG(seed, 3))
	all := simMoves{enqueue: true, strategies: true, deferral: true, dropParked: true, resyncs: true, claimHeads: true}
	switch forced {
	case "classic":
		return simMoves{}
	case "serial":
		return all
	case "all":
		all.concurrency, all.overlap = 2+r.IntN(2), true
		return all
	}
	if r.IntN(4) == 0 {
		return simMoves{}
	}
	m := simMoves{enqueue: r.IntN(3) > 0, strategies: r.IntN(3) > 0, deferral: r.IntN(3) > 0, dropParked: r.IntN(2) == 0, resyncs: r.IntN(2) == 0}
	if r.IntN(3) == 0 {
		m.concurrency, m.overlap = 2+r.IntN(2), r.IntN(2) == 0
	}
	m.claimHeads = r.IntN(2) == 0 // drawn last: the seeds of before keep their other moves
	return m
}

func (m simMoves) classic() bool { return m == simMoves{} }

func (m simMoves) String() string {
	if m.classic() {
		return "classic"
	}
	var on []string
	if m.concurrency > 1 {
		on = append(on, fmt.Sprintf("pushConcurrency=%d", m.concurrency))
	}
	if m.overlap {
		on = append(on, "overlap")
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{m.enqueue, "enqueue"}, {m.strategies, "strategies"}, {m.deferral, "deferral"}, {m.dropParked, "dropParked"}, {m.resyncs, "resyncs"}, {m.claimHeads, "claimHeads"}} {
		if f.on {
			on = append(on, f.name)
		}
	}
	return strings.Join(on, ",")
}

// movesStep is randomStep for a seed with new moves: r < 52 is a local action as before.
func (w *simWorld) movesStep(c *simClient, kind string) {
	switch r := w.rng.IntN(100); {
	case r < 52:
		w.localAction(c, kind, r)
	case r < 57 && w.moves.enqueue:
		w.enqueue(c, kind)
	case r < 60 && w.moves.deferral:
		w.resolveDeferred(c)
	case r < 61 && w.moves.dropParked:
		w.dropParked(c)
	case r < 62:
		w.retryParked(c)
	case r < 65 && w.moves.resyncs:
		w.fullResync(c)
	case r < 96:
		w.sync(c)
	default:
		w.fullResync(c)
	}
}

// enqueue is a seed-style app: it keeps its own copy of the entity and enqueues the op itself
// (an upsert of one or two fields, a create, or a delete; sometimes forced). Engine.Enqueue
// does not touch the local record, so while such an op is pending the app does not also Put
// the entity from the (older) local copy: put skips app-owned entities.
func (w *simWorld) enqueue(c *simClient, kind string) {
	id := fmt.Sprintf("e%d", w.rng.IntN(simIDs))
	ctx := w.ctx()
	stored, exists, err := c.store.Get(ctx, kind, id)
	require.NoError(w.t, err)
	copyKey := c.name + " " + kind + "/" + id
	var data map[string]any
	switch {
	case w.appOwned(c, kind, id) && w.appCopy[copyKey] != nil:
		data = simClone(w.t, w.appCopy[copyKey])
	case exists && !stored.Deleted:
		data = simDecode(w.t, stored.Data)
	}
	op := core.Op{Kind: kind, EntityID: id, Type: core.OpUpsert, Force: w.rng.IntN(4) == 0}
	if exists {
		op.BaseUpdatedAt = stored.UpdatedAt
	}
	if data != nil && w.rng.IntN(5) == 0 {
		op.Type = core.OpDelete
		w.supersede(c, kind, id, nil)
		w.rewritten(c, kind, id)
		w.touched[c.name+" "+kind+"/"+id] = true
		got, err := c.eng.Enqueue(ctx, op)
		require.NoError(w.t, err)
		w.enqueued[c.name+" "+got.OpID] = true
		delete(w.appCopy, copyKey)
		w.logf("%s enqueue delete %s/%s force=%v base=%q", c.name, kind, id, op.Force, op.BaseUpdatedAt)
		if len(w.pendingOps(c, kind, id)) > 0 {
			w.due(c, kind, id, simDeleted, "")
		}
		return
	}
	var changed []string
	if data == nil {
		data = map[string]any{"id": id, "a": w.value(c), "tags": []any{w.value(c)}}
		changed = []string{"a", "tags"}
	} else {
		changed = w.editFields(c, data)
	}
	raw, err := json.Marshal(data)
	require.NoError(w.t, err)
	op.Payload, op.ChangedFields = raw, changed
	w.supersede(c, kind, id, changed)
	w.supersedeByCopy(c, kind, id, data)
	w.rewritten(c, kind, id)
	w.touched[c.name+" "+kind+"/"+id] = true
	got, err := c.eng.Enqueue(ctx, op)
	require.NoError(w.t, err)
	w.enqueued[c.name+" "+got.OpID] = true
	w.appCopy[copyKey] = data
	w.counts["enqueued"]++
	w.logf("%s enqueue %s/%s %s force=%v base=%q", c.name, kind, id, raw, op.Force, op.BaseUpdatedAt)
	w.dueChanged(c, kind, id, data, changed)
}

// appOwned reports whether an op the app enqueued for kind/id is pending or parked on c (a
// parked one comes back when requeued, and the app's copy still holds its change).
func (w *simWorld) appOwned(c *simClient, kind, id string) bool {
	if len(w.enqueued) == 0 {
		return false
	}
	ops := w.pendingOps(c, kind, id)
	parked, err := c.eng.Parked(w.ctx())
	require.NoError(w.t, err)
	for _, p := range parked {
		if p.Op.Kind == kind && p.Op.EntityID == id {
			ops = append(ops, p.Op)
		}
	}
	for _, o := range ops {
		if w.enqueued[c.name+" "+o.OpID] {
			return true
		}
	}
	return false
}

// supersedeByCopy marks the obligations of the entity's last op, when it was never sent, whose
// value the app's new payload no longer holds: coalescing replaces that op's payload with one
// built from the app's own copy, which may have moved on from it (a parked op requeued behind
// the app's later op of the same entity). Only for app-made ops: a Put's payload comes from
// the local record, which must keep what it was given.
func (w *simWorld) supersedeByCopy(c *simClient, kind, id string, data map[string]any) {
	ops := w.pendingOps(c, kind, id)
	if len(ops) == 0 || ops[len(ops)-1].InFlight {
		return
	}
	last := ops[len(ops)-1].OpID
	tags, _ := data["tags"].([]any)
	for i := range w.dues {
		d := &w.dues[i]
		if d.client != c || d.carrier != last || d.kind != kind || d.id != id {
			continue
		}
		switch d.field {
		case "tags[]":
			d.superseded = d.superseded || !containsValue(tags, d.value)
		case "a", "b":
			d.superseded = d.superseded || data[d.field] != d.value
		}
	}
}

// resolveDeferred is the user answering one deferred conflict: keep-server, keep-local, or
// a merge with a value of their own in "b" (which the server must end up with, unless a later
// write replaces it or a conflict event of the op says it was discarded).
func (w *simWorld) resolveDeferred(c *simClient) {
	ctx := w.ctx()
	cs, err := c.eng.Conflicts(ctx)
	require.NoError(w.t, err)
	if len(cs) == 0 {
		return
	}
	cf := cs[w.rng.IntN(len(cs))]
	res := core.Resolution{Action: core.AcceptServer}
	marker := ""
	switch w.rng.IntN(3) {
	case 0:
	case 1:
		res.Action = core.AcceptClient
	default:
		if cf.LocalDeleted || cf.ServerDeleted {
			res.Action = core.AcceptClient
			break
		}
		data, err := core.PreservingMergeJSON(cf.Local, cf.Server, cf.ChangedFields)
		require.NoError(w.t, err)
		m := simDecode(w.t, data)
		marker = w.value(c)
		m["b"] = marker
		res.Action = core.Merged
		res.Data, err = json.Marshal(m)
		require.NoError(w.t, err)
	}
	require.NoError(w.t, c.eng.ResolveConflict(ctx, cf.ID, res), "step %d: %s resolves %s", w.step, c.name, cf.ID)
	w.resolvedByApp[c.name+" "+cf.OpID] = true
	w.counts["app resolved "+string(res.Action)]++
	w.logf("%s resolves deferred %s/%s op %s: %s %s", c.name, cf.Kind, cf.EntityID, cf.OpID, res.Action, res.Data)
	if marker != "" {
		// The user's own value replaces the op's "b": that is their later write, not a loss.
		for i := range w.dues {
			if d := &w.dues[i]; d.client == c && d.carrier == cf.OpID && d.field == "b" {
				d.superseded = true
			}
		}
		w.dues = append(w.dues, simDue{client: c, kind: cf.Kind, id: cf.EntityID, field: "b", value: marker, step: w.step, carrier: cf.OpID})
	}
}

// dropParked is the user giving up one parked op: its writes are the app's to lose.
func (w *simWorld) dropParked(c *simClient) {
	ctx := w.ctx()
	parked, err := c.eng.Parked(ctx)
	require.NoError(w.t, err)
	if len(parked) == 0 {
		return
	}
	p := parked[w.rng.IntN(len(parked))]
	require.NoError(w.t, c.eng.DropParked(ctx, []string{p.Op.OpID}))
	w.droppedOps[c.name+" "+p.Op.OpID] = true
	w.counts["parked dropped"]++
	w.logf("%s drops parked %s %s/%s", c.name, p.Op.OpID, p.Op.Kind, p.Op.EntityID)
}

// merge is the merge strategy's app function, field by field: the local value of each field
// the op changed (all when unknown), the server's for the others, tag lists unioned.
func (w *simWorld) merge(_ context.Context, c core.Conflict) (core.RawJSON, error) {
	w.mu.Lock()
	w.counts["merge func"]++
	w.mu.Unlock()
	var local, server map[string]any
	if err := json.Unmarshal(c.Local, &local); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(c.Server, &server); err != nil {
		return nil, err
	}
	if server == nil {
		server = map[string]any{}
	}
	fields := c.ChangedFields
	if fields == nil {
		for f := range local {
			fields = append(fields, f)
		}
	}
	for _, f := range fields {
		lv, ok := local[f]
		switch {
		case !ok || f == "id" || f == "updatedAt" || f == "deletedAt":
		case f == "tags":
			out, _ := server["tags"].([]any)
			out = append([]any{}, out...)
			l, _ := lv.([]any)
			for _, t := range l {
				if !containsValue(out, t) {
					out = append(out, t)
				}
			}
			server["tags"] = out
		default:
			server[f] = lv
		}
	}
	return json.Marshal(server)
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func simClone(t require.TestingT, m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	require.NoError(t, err)
	out := map[string]any{}
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
