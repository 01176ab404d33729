package core_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// simDeleted is the pseudo-field of a delete's obligation.
const simDeleted = "<deleted>"

// simSeen is what the server was ever observed to hold (after every push that changed it).
type simSeen struct {
	values  map[string]bool          // "kind/id/field=value", list items as field "tags[]"
	deleted map[string][]simDeletion // "kind/id" → its deleted state at each change
	version map[string]string        // "kind/id" → last version seen
	count   map[string]int           // kind → records (tombstones included)
	// notFound holds "client opID" of deletes answered 404: the server did not have the
	// record, so the delete is done.
	notFound map[string]bool
}

// simDeletion is a record's deleted state from a step on.
type simDeletion struct {
	step    int
	deleted bool
}

// deletedBetween reports whether the server held kind/id deleted at some step in [from, to]
// (to 0: until the end), or never held it.
func (s simSeen) deletedBetween(key string, from, to int) bool {
	states := s.deleted[key]
	if len(states) == 0 {
		return true
	}
	for i, st := range states {
		endsAfterFrom := i+1 == len(states) || states[i+1].step >= from
		startsBeforeTo := to == 0 || st.step <= to
		if st.deleted && endsAfterFrom && startsBeforeTo {
			return true
		}
	}
	return false
}

// simDue is what one acknowledged local write obliges the system to keep: the value must
// reach the server (or the delete happen there) unless the same client's own later write
// replaced it before it was sent, or a conflict event of that client said it was discarded.
type simDue struct {
	client     *simClient
	kind, id   string
	field      string
	value      string
	step       int
	carrier    string // the op that carries it
	superseded bool
	// until is, for a delete, the step where the same client wrote the entity again (it then
	// saw it live): the delete must have happened on the server by then. 0 while open.
	until int
}

func seenKey(kind, id, field, value string) string {
	return kind + "/" + id + "/" + field + "=" + value
}

// due records the obligation of a write just made; the op carrying it is the entity's last.
func (w *simWorld) due(c *simClient, kind, id, field, value string) {
	ops := w.pendingOps(c, kind, id)
	require.NotEmpty(w.t, ops, "step %d: write of %s/%s by %s left no op", w.step, kind, id, c.name)
	w.dues = append(w.dues, simDue{client: c, kind: kind, id: id, field: field, value: value, step: w.step, carrier: ops[len(ops)-1].OpID})
}

// supersede marks the obligations a write of fields (nil: a delete) is about to fold away:
// those carried by the entity's last op when it was never sent, so coalescing replaces it.
func (w *simWorld) supersede(c *simClient, kind, id string, fields []string) {
	ops := w.pendingOps(c, kind, id)
	if len(ops) == 0 || ops[len(ops)-1].InFlight {
		return
	}
	last := ops[len(ops)-1].OpID
	for i := range w.dues {
		d := &w.dues[i]
		if d.client != c || d.carrier != last || d.kind != kind || d.id != id {
			continue
		}
		field := strings.TrimSuffix(d.field, "[]")
		if fields == nil || d.field == simDeleted || (slices.Contains(fields, field) && field != "tags") {
			d.superseded = true
		}
	}
}

// rewritten closes c's open delete obligations on kind/id whose op is settled (neither
// pending nor parked): c is writing the entity again (or retrying a parked change of it),
// so its delete is behind it.
func (w *simWorld) rewritten(c *simClient, kind, id string) {
	pending := map[string]bool{}
	for _, o := range w.pendingOps(c, kind, id) {
		pending[o.OpID] = true
	}
	parked, err := c.eng.Parked(w.ctx())
	require.NoError(w.t, err)
	for _, p := range parked {
		pending[p.Op.OpID] = true
	}
	for i := range w.dues {
		d := &w.dues[i]
		if d.client == c && d.kind == kind && d.id == id && d.field == simDeleted && d.until == 0 && !pending[d.carrier] {
			d.until = w.step
		}
	}
}

// observeServer records every value and tombstone the server holds now, and traces changes.
func (w *simWorld) observeServer() {
	for _, k := range simKinds {
		recs := w.srv.Records(k)
		w.seen.count[k] = len(recs)
		for _, r := range recs {
			key := k + "/" + r.ID
			if w.seen.version[key] == r.UpdatedAt {
				continue
			}
			w.seen.version[key] = r.UpdatedAt
			w.seen.deleted[key] = append(w.seen.deleted[key], simDeletion{step: w.step, deleted: r.Deleted})
			w.logf("server %s del=%v %s", key, r.Deleted, r.Data)
			var data map[string]core.RawJSON
			require.NoError(w.t, json.Unmarshal(r.Data, &data))
			for _, f := range []string{"a", "b"} {
				var v string
				if json.Unmarshal(data[f], &v) == nil {
					w.seen.values[seenKey(k, r.ID, f, v)] = true
				}
			}
			var tags []string
			if json.Unmarshal(data["tags"], &tags) == nil {
				for _, tag := range tags {
					w.seen.values[seenKey(k, r.ID, "tags[]", tag)] = true
				}
			}
		}
	}
}

// checkConverged: every client holds exactly the server's live records (same data, same
// version) and has nothing pending, parked or deferred.
func (w *simWorld) checkConverged() {
	ctx := w.ctx()
	for _, c := range w.clients {
		for _, k := range simKinds {
			want := map[string]core.Record{}
			for _, r := range w.srv.Records(k) {
				if !r.Deleted {
					want[r.ID] = r
				}
			}
			got, err := c.eng.List(ctx, k)
			require.NoError(w.t, err)
			gotIDs := []string{}
			for _, r := range got {
				gotIDs = append(gotIDs, r.ID)
				s, ok := want[r.ID]
				if !ok {
					continue
				}
				assert.JSONEq(w.t, string(s.Data), string(r.Data), "%s %s/%s data", c.name, k, r.ID)
				assert.Equal(w.t, s.UpdatedAt, r.UpdatedAt, "%s %s/%s version", c.name, k, r.ID)
			}
			require.Equal(w.t, sortedKeys(want), gotIDs, "%s: live ids of %s", c.name, k)
		}
		n, err := c.eng.PendingCount(ctx)
		require.NoError(w.t, err)
		require.Zero(w.t, n, "%s: pending ops after the quiet round", c.name)
		parked, err := c.eng.Parked(ctx)
		require.NoError(w.t, err)
		require.Empty(w.t, parked, "%s: parked ops", c.name)
		conflicts, err := c.eng.Conflicts(ctx)
		require.NoError(w.t, err)
		require.Empty(w.t, conflicts, "%s: deferred conflicts", c.name)
	}
}

// closeAll closes every engine and keeps each client's full event stream.
func (w *simWorld) closeAll() {
	out := map[*simClient][]core.Event{}
	for _, c := range w.clients {
		require.NoError(w.t, c.eng.Close())
		select {
		case evs := <-c.events:
			out[c] = evs
		case <-time.After(10 * time.Second):
			require.Fail(w.t, "the event stream of "+c.name+" did not end")
		}
	}
	w.closedEvents = out
}

// checkNoWriteVanished: every obligation was met, superseded by the client itself, or
// reported discarded by a conflict event of that client's op. (Parked ops are all retried
// before the quiet round, so they are held to the same.)
func (w *simWorld) checkNoWriteVanished() {
	reported := map[string]bool{} // "client op field" discarded by a resolution
	for _, c := range w.clients {
		for _, ev := range w.closedEvents[c] {
			if ev.Type == core.EventOpParked && ev.Parked != nil {
				w.trace = append(w.trace, fmt.Sprintf("%s parked op %s on %s/%s: %d %s",
					c.name, ev.Parked.Op.OpID, ev.Parked.Op.Kind, ev.Parked.Op.EntityID, ev.Parked.Status, ev.Parked.Reason))
			}
			if ev.Type != core.EventConflictResolved || ev.Conflict == nil {
				continue
			}
			w.trace = append(w.trace, fmt.Sprintf("%s resolved conflict %s/%s op %s (attempt base %s): %s discarded %v local %s server %s",
				c.name, ev.Conflict.Kind, ev.Conflict.EntityID, ev.Conflict.OpID, ev.Conflict.BaseUpdatedAt, ev.Resolution.Action, ev.Discarded, ev.Conflict.Local, ev.Conflict.Server))
			for _, f := range ev.Discarded {
				reported[c.name+" "+ev.Conflict.OpID+" "+f] = true
			}
		}
	}
	met, superseded, discarded, dropped := 0, 0, 0, 0
	for _, d := range w.dues {
		switch {
		case d.superseded:
			superseded++
		case d.field == simDeleted && (w.seen.deletedBetween(d.kind+"/"+d.id, d.step, d.until) || w.seen.notFound[d.client.name+" "+d.carrier]):
			met++
		case d.field != simDeleted && w.seen.values[seenKey(d.kind, d.id, d.field, d.value)]:
			met++
		case d.field == simDeleted && reported[d.client.name+" "+d.carrier+" delete"],
			reported[d.client.name+" "+d.carrier+" record"],
			reported[d.client.name+" "+d.carrier+" "+strings.TrimSuffix(d.field, "[]")]:
			discarded++
		case w.droppedOps[d.client.name+" "+d.carrier]:
			dropped++
		default:
			require.Failf(w.t, "an acknowledged local write vanished",
				"step %d: %s wrote %s/%s %s=%q (op %s); the server never had it and no conflict event of that op discarded it\nhistory of %s/%s:\n%s",
				d.step, d.client.name, d.kind, d.id, d.field, d.value, d.carrier, d.kind, d.id, w.history(d.kind, d.id))
		}
	}
	w.t.Logf("%d local writes: %d reached the server, %d replaced by the same client before sending, %d reported discarded, %d given up by the app (dropped parked ops)", len(w.dues), met, superseded, discarded, dropped)
}

// checkAppliedOnce: every idempotency key changed the server at most once, and so did every
// op across all of its attempts.
func (w *simWorld) checkAppliedOnce() {
	perOp := map[string]int{}
	keys := w.srv.AppliedKeys()
	for key, n := range keys {
		require.Equal(w.t, 1, n, "key %s applied %d times", key, n)
		op, _, _ := strings.Cut(key, ":r")
		perOp[op] += n
	}
	for op, n := range perOp {
		require.Equal(w.t, 1, n, "op %s applied %d times over its attempts", op, n)
	}
	w.t.Logf("%d ops applied once each; server saw %d push and %d pull calls", len(perOp), w.srv.Calls("push"), w.srv.Calls("pull"))
	require.NotEmpty(w.t, perOp, "the simulation applied nothing")
}
