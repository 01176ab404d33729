package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

var outboxTests = []test{
	{"Seq order and limit", func(e *env) {
		for _, id := range []string{"c", "a", "b", "d"} {
			e.write(e.upsert(kindA, id, `{"id":"`+id+`"}`))
		}
		two, err := e.s.Outbox(e.ctx, 2)
		require.NoError(e, err)
		require.Equal(e, []string{"c", "a"}, []string{two[0].EntityID, two[1].EntityID})
		all, err := e.s.Outbox(e.ctx, -1)
		require.NoError(e, err)
		require.Len(e, all, 4)
		require.Equal(e, two, all[:2])
		big, err := e.s.Outbox(e.ctx, 100)
		require.NoError(e, err)
		require.Equal(e, all, big)
		require.Equal(e, 4, e.pending())
	}},
	{"empty outbox", func(e *env) {
		require.Empty(e, e.outbox())
		require.Zero(e, e.pending())
	}},
	{"MarkInFlight is durable, returns the marked ops and ignores unknown ids", func(e *env) {
		a, b, c := e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindB, "c", `{"id":"c"}`)
		e.write(a, b, c)
		marked := e.markInFlight([]string{c.OpID, "nope", b.OpID})
		ops := e.outbox()
		require.False(e, ops[0].InFlight)
		require.True(e, ops[1].InFlight)
		require.True(e, ops[2].InFlight)
		require.Equal(e, []core.Op{ops[2], ops[1]}, marked, "the stored ops, in the order asked")
		again := e.markInFlight([]string{b.OpID})
		require.Equal(e, []core.Op{ops[1]}, again, "an op already in flight is returned too")
		require.Empty(e, e.markInFlight(nil))
	}},
	{"Seq is never reused", func(e *env) {
		w := e.upsert(kindA, "a", `{"id":"a"}`)
		e.write(w)
		first := e.opOf(kindA, "a")
		e.ack(core.Ack{Op: first, Server: ptr(server(kindA, "a", "v1", ""))})
		e.write(e.upsert(kindA, "b", `{"id":"b"}`))
		require.Greater(e, e.opOf(kindA, "b").Seq, first.Seq)
	}},
}

var ackTests = []test{
	{"removes the op and writes the server record", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a","t":1}`), e.upsert(kindA, "b", `{"id":"b"}`))
		op := e.opOf(kindA, "a")
		srv := server(kindA, "a", "v1", `,"t":1`)
		e.ack(core.Ack{Op: op, Server: &srv})
		require.Len(e, e.outbox(), 1)
		require.Equal(e, 1, e.pending())
		got, _ := e.get(kindA, "a")
		require.Equal(e, srv, got)
	}},
	{"several acks in one call", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindB, "b", `{"id":"b"}`))
		ops := e.outbox()
		e.ack(core.Ack{Op: ops[0], Server: ptr(server(kindA, "a", "v1", ""))},
			core.Ack{Op: ops[1], Server: ptr(server(kindB, "b", "v2", ""))})
		require.Empty(e, e.outbox())
		b, _ := e.get(kindB, "b")
		require.Equal(e, "v2", b.UpdatedAt)
	}},
	{"rebases later ops and keeps the newer local data", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		e.write(e.upsert(kindA, "a", `{"id":"a","t":2}`))
		ops := e.outbox()
		e.ack(core.Ack{Op: ops[0], Server: ptr(server(kindA, "a", "v1", `,"t":1`))})
		later := e.opOf(kindA, "a")
		require.Equal(e, ops[1].OpID, later.OpID)
		require.Equal(e, ops[1].Seq, later.Seq)
		require.Equal(e, "v1", later.BaseUpdatedAt, "rebased onto the acknowledged version")
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","t":2}`, got.Data)
		require.Equal(e, "v1", got.UpdatedAt)
		e.write(e.upsert(kindA, "a", `{"id":"a","t":3}`))
		require.Equal(e, "v1", e.opOf(kindA, "a").BaseUpdatedAt)
	}},
	{"404 on a delete leaves a tombstone", func(e *env) {
		seedSynced(e, "a", "v1", "")
		e.write(e.del(kindA, "a"))
		e.ack(core.Ack{Op: e.opOf(kindA, "a")})
		require.Empty(e, e.outbox())
		got, ok := e.get(kindA, "a")
		require.True(e, ok)
		require.True(e, got.Deleted)
	}},
	{"a tombstone from the server is stored deleted", func(e *env) {
		seedSynced(e, "a", "v1", "")
		e.write(e.del(kindA, "a"))
		ts := tombstone(kindA, "a", "v2")
		e.ack(core.Ack{Op: e.opOf(kindA, "a"), Server: &ts})
		got, _ := e.get(kindA, "a")
		require.Equal(e, ts, got)
		require.Empty(e, e.list(kindA))
	}},
	{"a Rebuild ack rebuilds the later upserts on the server's record", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","a":"local","b":"x"}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		e.write(e.upsert(kindA, "a", `{"id":"a","a":"local","b":"x","c":"later"}`)) // appended: c changed
		e.ack(core.Ack{Op: e.outbox()[0], Server: ptr(server(kindA, "a", "v1", `,"a":"x","b":"server"`)), Rebuild: true})
		ops := e.outbox()
		require.Len(e, ops, 1)
		requireJSON(e, `{"id":"a","updatedAt":"v1","a":"x","b":"server","c":"later"}`, ops[0].Payload)
		require.Equal(e, "v1", ops[0].BaseUpdatedAt)
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","updatedAt":"v1","a":"x","b":"server","c":"later"}`, got.Data)
		require.Equal(e, "v1", got.UpdatedAt)
	}},
	{"unknown op ids are ignored", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		before := snapshot(e, kindA, "a")
		e.ack(core.Ack{Op: core.Op{OpID: "gone", Kind: kindA, EntityID: "a"}, Server: ptr(server(kindA, "a", "v9", ""))})
		require.Equal(e, before, snapshot(e, kindA, "a"))
	}},
}

var resolveTests = []test{
	{"replaces the op in place and writes the local record", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a","t":1}`), e.upsert(kindA, "b", `{"id":"b"}`))
		op := e.opOf(kindA, "a")
		res := op
		res.Payload, res.BaseUpdatedAt, res.Attempt, res.ChangedFields = raw(`{"id":"a","t":"merged"}`), "v5", 1, []string{"t"}
		local := core.Record{Kind: kindA, ID: "a", Data: raw(`{"id":"a","t":"merged"}`), UpdatedAt: "v5"}
		require.NoError(e, e.s.Resolve(e.ctx, res, &local, false))
		ops := e.outbox()
		require.Equal(e, res, ops[0], "same Seq, new content")
		require.Equal(e, ops[0].OpID+":r1", ops[0].IdempotencyKey())
		got, _ := e.get(kindA, "a")
		require.Equal(e, local, got)
	}},
	{"does not overwrite newer local data when later ops exist", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		e.write(e.upsert(kindA, "a", `{"id":"a","t":2}`))
		op := e.outbox()[0]
		op.Attempt = 1
		require.NoError(e, e.s.Resolve(e.ctx, op, &core.Record{Kind: kindA, ID: "a", Data: raw(`{"id":"a","t":"old"}`)}, false))
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","t":2}`, got.Data)
		require.Equal(e, 1, e.outbox()[0].Attempt)
	}},
	{"with rebuild, the later upserts are rebuilt on the local record's data", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","a":"local","b":"x"}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		e.write(e.upsert(kindA, "a", `{"id":"a","a":"local","b":"x","c":"later"}`))
		op := e.outbox()[0]
		op.Attempt, op.BaseUpdatedAt, op.Payload = 1, "v5", raw(`{"id":"a","a":"merged","b":"server"}`)
		local := core.Record{Kind: kindA, ID: "a", Data: op.Payload, UpdatedAt: "v5"}
		require.NoError(e, e.s.Resolve(e.ctx, op, &local, true))
		ops := e.outbox()
		require.Len(e, ops, 2)
		require.Equal(e, 1, ops[0].Attempt)
		requireJSON(e, `{"id":"a","a":"merged","b":"server","c":"later"}`, ops[1].Payload)
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","a":"merged","b":"server","c":"later"}`, got.Data)
		require.Equal(e, "v5", got.UpdatedAt)
	}},
	{"without a local record only the op changes", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a","t":1}`))
		op := e.opOf(kindA, "a")
		op.Force = true
		require.NoError(e, e.s.Resolve(e.ctx, op, nil, false))
		require.True(e, e.opOf(kindA, "a").Force)
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","t":1}`, got.Data)
	}},
	{"unknown op id is a no-op", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		before := snapshot(e, kindA, "a")
		op := core.Op{OpID: "gone", Kind: kindA, EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","x":1}`)}
		require.NoError(e, e.s.Resolve(e.ctx, op, &core.Record{Kind: kindA, ID: "a", Data: raw(`{"id":"a","x":1}`)}, false))
		require.Equal(e, before, snapshot(e, kindA, "a"))
	}},
}

var parkTests = []test{
	{"park moves ops out of the outbox, in order", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindA, "c", `{"id":"c"}`))
		ops := e.outbox()
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: ops[2], Status: 422, Reason: "bad c", ParkedAtMs: 5}}))
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: ops[0], Status: 404, Reason: "no a", ParkedAtMs: 6}, {Op: core.Op{OpID: "gone"}}}))
		require.Equal(e, []core.Op{ops[1]}, e.outbox())
		require.Equal(e, 1, e.pending())
		p := e.parked()
		require.Len(e, p, 2)
		require.Equal(e, core.ParkedOp{Op: ops[2], Status: 422, Reason: "bad c", ParkedAtMs: 5}, p[0])
		require.Equal(e, core.ParkedOp{Op: ops[0], Status: 404, Reason: "no a", ParkedAtMs: 6}, p[1])
	}},
	{"unpark with requeue: new Seq at the end, not in flight, next attempt key", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`))
		e.markInFlight([]string{e.outbox()[0].OpID})
		ops := e.outbox()
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: ops[0], Status: 400}}))
		require.NoError(e, e.s.Unpark(e.ctx, []string{ops[0].OpID, "gone"}, true))
		require.Empty(e, e.parked())
		now := e.outbox()
		require.Len(e, now, 2)
		back := now[1]
		require.Equal(e, ops[0].OpID, back.OpID)
		require.Greater(e, back.Seq, ops[1].Seq)
		require.False(e, back.InFlight)
		require.Equal(e, ops[0].Attempt+1, back.Attempt)
		require.NotEqual(e, ops[0].IdempotencyKey(), back.IdempotencyKey())
	}},
	{"unpark with requeue applies the edit again over data pulled meanwhile", func(e *env) {
		seedSynced(e, "a", "t1", `,"mine":0,"theirs":0`)
		e.write(e.upsert(kindA, "a", `{"id":"a","updatedAt":"t1","mine":1,"theirs":0}`))
		edit := e.opOf(kindA, "a")
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: edit, Status: 400}}))
		e.apply(kindA, []core.Record{server(kindA, "a", "t2", `,"mine":0,"theirs":2`)}, core.Cursor{UpdatedAt: "t2", ID: "a"})
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","updatedAt":"t2","mine":0,"theirs":2}`, got.Data)

		require.NoError(e, e.s.Unpark(e.ctx, []string{edit.OpID}, true))
		got, _ = e.get(kindA, "a")
		requireJSON(e, `{"id":"a","updatedAt":"t2","mine":1,"theirs":2}`, got.Data)
		require.Equal(e, "t2", got.UpdatedAt)
		e.write(e.upsert(kindA, "a", `{"id":"a","updatedAt":"t2","mine":1,"theirs":2,"more":3}`))
		op := e.opOf(kindA, "a")
		require.Equal(e, edit.OpID, op.OpID, "the next write coalesces into the requeued op")
		requireJSON(e, `{"id":"a","updatedAt":"t2","mine":1,"theirs":2,"more":3}`, op.Payload)
	}},
	{"unpark with requeue of a delete makes the record a tombstone again", func(e *env) {
		seedSynced(e, "a", "t1", "")
		e.write(e.del(kindA, "a"))
		del := e.opOf(kindA, "a")
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: del, Status: 400}}))
		e.apply(kindA, []core.Record{server(kindA, "a", "t2", `,"v":2`)}, core.Cursor{UpdatedAt: "t2", ID: "a"})
		require.Equal(e, []string{"a"}, e.ids(kindA))
		require.NoError(e, e.s.Unpark(e.ctx, []string{del.OpID}, true))
		got, ok := e.get(kindA, "a")
		require.True(e, ok)
		require.True(e, got.Deleted)
		require.Empty(e, e.list(kindA))
	}},
	{"unpark without requeue drops the op", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		op := e.opOf(kindA, "a")
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: op}}))
		require.NoError(e, e.s.Unpark(e.ctx, []string{op.OpID}, false))
		require.Empty(e, e.parked())
		require.Empty(e, e.outbox())
		_, ok := e.get(kindA, "a")
		require.True(e, ok, "the record stays")
	}},
	{"a parked op id cannot be reused", func(e *env) {
		w := e.upsert(kindA, "a", `{"id":"a"}`)
		e.write(w)
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "a")}}))
		w2 := e.upsert(kindA, "b", `{"id":"b"}`)
		w2.OpID = w.OpID
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{w2})
		requireCode(e, err, core.ErrInvalid)
	}},
}

func ptr[T any](v T) *T { return &v }

// markInFlight marks the pending ops with ids in flight, passing them as Outbox reads them
// (Seq included, as the engine does; an id not pending goes with Seq 0), and returns what the
// store answered.
func (e *env) markInFlight(ids []string) []core.Op {
	e.Helper()
	byID := map[string]core.Op{}
	for _, o := range e.outbox() {
		byID[o.OpID] = o
	}
	ops := make([]core.Op, len(ids))
	for i, id := range ids {
		o, ok := byID[id]
		if !ok {
			o = core.Op{OpID: id}
		}
		ops[i] = o
	}
	return e.mark(ops...)
}

// mark calls MarkInFlight with ops as given and returns what the store answered.
func (e *env) mark(ops ...core.Op) []core.Op {
	e.Helper()
	marked, err := e.s.MarkInFlight(e.ctx, ops)
	require.NoError(e, err)
	return marked
}
