package core_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// checkSameContent: an idempotency key names one request. A key sent again must carry what it
// carried the first time, or the server replays its first answer to a different change and
// the new one is lost without a word.
func (w *simWorld) checkSameContent(c *simClient, ops []core.Op) {
	for _, op := range ops {
		key := c.name + " " + op.IdempotencyKey()
		got := simOpContent(w, op)
		if first, ok := w.pushedContent[key]; ok {
			require.Equal(w.t, first, got, "step %d: %s sent key %s again with other content", w.step, c.name, op.IdempotencyKey())
			continue
		}
		w.pushedContent[key] = got
	}
}

func simOpContent(w *simWorld, op core.Op) string {
	payload := ""
	if op.Payload != nil {
		var v any
		require.NoError(w.t, json.Unmarshal(op.Payload, &v))
		b, err := json.Marshal(v)
		require.NoError(w.t, err)
		payload = string(b)
	}
	return fmt.Sprintf("%s %s/%s base=%q force=%v %s", op.Type, op.Kind, op.EntityID, op.BaseUpdatedAt, op.Force, payload)
}

// noteDeferred records c's deferred conflicts, each of which must name a pending op: a
// listed conflict whose op is gone can never be resolved.
func (w *simWorld) noteDeferred(c *simClient) {
	ctx := w.ctx()
	cs, err := c.eng.Conflicts(ctx)
	require.NoError(w.t, err)
	if len(cs) == 0 {
		return
	}
	ops, err := c.store.Outbox(ctx, 0)
	require.NoError(w.t, err)
	pending := map[string]bool{}
	for _, o := range ops {
		pending[o.OpID] = true
	}
	for _, cf := range cs {
		require.True(w.t, pending[cf.OpID], "step %d: %s lists deferred conflict %s on %s/%s, whose op is not pending", w.step, c.name, cf.ID, cf.Kind, cf.EntityID)
		key := c.name + " " + cf.OpID
		if _, ok := w.deferred[key]; !ok {
			w.deferred[key] = cf.Kind + "/" + cf.EntityID
		}
	}
}

// checkDeferredSettled: every conflict that was ever deferred ended visibly: the app resolved
// it, a later conflictResolved or opParked event of its op said what happened, or its op
// reached the server. (checkConverged already requires that none is listed any more.)
func (w *simWorld) checkDeferredSettled() {
	ended := map[string]bool{}
	for _, c := range w.clients {
		for _, ev := range w.closedEvents[c] {
			switch {
			case ev.Type == core.EventConflictResolved && ev.Conflict != nil:
				ended[c.name+" "+ev.Conflict.OpID] = true
			case ev.Type == core.EventOpParked && ev.Parked != nil:
				ended[c.name+" "+ev.Parked.Op.OpID] = true
			}
		}
	}
	applied := map[string]bool{}
	for key := range w.srv.AppliedKeys() {
		op, _, _ := strings.Cut(key, ":r")
		applied[op] = true
	}
	for _, key := range sortedKeys(w.deferred) {
		_, opID, _ := strings.Cut(key, " ")
		kind, id, _ := strings.Cut(w.deferred[key], "/")
		require.True(w.t, w.resolvedByApp[key] || ended[key] || applied[opID],
			"deferred conflict of op %s (%s) vanished: no resolution, no event, never applied\nhistory:\n%s", key, w.deferred[key], w.history(kind, id))
	}
	w.t.Logf("%d deferred conflicts, %d resolved by the app", len(w.deferred), len(w.resolvedByApp))
}

// checkMatchesServer runs right after a successful full resync of c (nobody else acts
// meanwhile): every entity without pending or parked ops is exactly the server's record, and
// no live local record is unknown to the server unless an op of it waits. Entities written
// during the resync are left out: a pull may have held one for an op that a later write then
// cancelled, and its refetch is the next sync's.
func (w *simWorld) checkMatchesServer(c *simClient) {
	ctx := w.ctx()
	busy := map[string]bool{}
	ops, err := c.store.Outbox(ctx, 0)
	require.NoError(w.t, err)
	for _, o := range ops {
		busy[o.Kind+"/"+o.EntityID] = true
	}
	parked, err := c.eng.Parked(ctx)
	require.NoError(w.t, err)
	for _, p := range parked {
		busy[p.Op.Kind+"/"+p.Op.EntityID] = true
	}
	for key := range w.touched {
		if name, entity, _ := strings.Cut(key, " "); name == c.name {
			busy[entity] = true
		}
	}
	for _, k := range simKinds {
		onServer := map[string]bool{}
		for _, s := range w.srv.Records(k) {
			onServer[s.ID] = true
			if busy[k+"/"+s.ID] {
				continue
			}
			l, ok, err := c.store.Get(ctx, k, s.ID)
			require.NoError(w.t, err)
			if s.Deleted {
				assert.True(w.t, !ok || l.Deleted, "step %d: after a full resync %s holds %s/%s live, deleted on the server", w.step, c.name, k, s.ID)
				continue
			}
			require.True(w.t, ok && !l.Deleted, "step %d: after a full resync %s lacks %s/%s\nhistory:\n%s", w.step, c.name, k, s.ID, w.history(k, s.ID))
			assert.JSONEq(w.t, string(s.Data), string(l.Data), "step %d: after a full resync %s %s/%s data", w.step, c.name, k, s.ID)
			assert.Equal(w.t, s.UpdatedAt, l.UpdatedAt, "step %d: after a full resync %s %s/%s version", w.step, c.name, k, s.ID)
		}
		live, err := c.eng.List(ctx, k)
		require.NoError(w.t, err)
		for _, l := range live {
			require.True(w.t, onServer[l.ID] || busy[k+"/"+l.ID], "step %d: after a full resync %s holds %s/%s, which the server never had and no op carries\nhistory:\n%s", w.step, c.name, k, l.ID, w.history(k, l.ID))
		}
	}
	require.False(w.t, w.t.Failed(), "step %d: %s differs from the server after a full resync", w.step, c.name)
	w.counts["full resync checked"]++
}

// requireMovesExercised: a long run exercised every move its seed enabled.
func (w *simWorld) requireMovesExercised() {
	need := map[string]bool{
		"batches in flight together": w.moves.concurrency > 1,
		"enqueued":                   w.moves.enqueue,
		"merge func":                 w.noteStrategy == core.Merge || w.taskStrategy == core.Merge,
		"deferred":                   w.moves.deferral && (w.noteStrategy == core.Manual || w.taskStrategy == core.Manual),
		"full resync checked":        w.moves.resyncs,
	}
	for _, name := range sortedKeys(need) {
		if need[name] {
			require.Positive(w.t, w.counts[name], "the run never exercised %q", name)
		}
	}
}
