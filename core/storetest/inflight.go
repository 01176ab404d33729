package storetest

import (
	"fmt"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// inFlightTests cover the in-flight state of ops: how MarkInFlight finds them (by op id, Seq
// only a hint), that no write coalesces into a marked op, and that every call that removes an
// op, gives it a new Seq or replaces it leaves no stale in-flight state behind.
var inFlightTests = []test{
	{"MarkInFlight matches by op id whatever Seq says", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindA, "c", `{"id":"c"}`))
		ops := e.outbox()
		a, b, c := ops[0], ops[1], ops[2]
		wrongSeq := a
		wrongSeq.Seq = b.Seq
		noSeq := c
		noSeq.Seq = 0
		marked := e.mark(noSeq, wrongSeq, core.Op{OpID: "nope", Seq: b.Seq})
		now := e.outbox()
		require.True(e, now[0].InFlight)
		require.False(e, now[1].InFlight, "the op at the hinted Seq has another id: not marked")
		require.True(e, now[2].InFlight)
		require.Equal(e, []core.Op{now[2], now[0]}, marked)
	}},
	{"MarkInFlight finds ops whose Seq hints all lie past them", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindA, "c", `{"id":"c"}`))
		ops := e.outbox()
		a, b := ops[0], ops[1]
		a.Seq, b.Seq = ops[2].Seq, ops[2].Seq
		marked := e.mark(b, a)
		now := e.outbox()
		require.Equal(e, []core.Op{now[1], now[0]}, marked)
		require.True(e, now[0].InFlight)
		require.True(e, now[1].InFlight)
		require.False(e, now[2].InFlight, "the op at the hinted Seq has another id: not marked")
	}},
	{"MarkInFlight returns an op as coalesced since it was read and skips a cancelled one", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a","t":1}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindA, "c", `{"id":"c"}`))
		read := e.outbox()
		e.write(e.upsert(kindA, "a", `{"id":"a","t":2}`), e.del(kindA, "b"))
		marked := e.mark(read...)
		require.Len(e, marked, 2)
		require.Equal(e, read[0].OpID, marked[0].OpID)
		requireJSON(e, `{"id":"a","t":2}`, marked[0].Payload)
		require.True(e, marked[0].InFlight)
		require.Equal(e, read[2].OpID, marked[1].OpID)
		require.Equal(e, marked, e.outbox())
	}},
	{"MarkInFlight finds an op requeued under a new Seq since it was read", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`))
		read := e.outbox()
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: read[0], Status: 400}}))
		require.NoError(e, e.s.Unpark(e.ctx, []string{read[0].OpID}, true))
		marked := e.mark(read[0])
		require.Len(e, marked, 1)
		require.Greater(e, marked[0].Seq, read[1].Seq)
		require.Equal(e, read[0].Attempt+1, marked[0].Attempt)
		require.True(e, e.opOf(kindA, "a").InFlight)
	}},
	{"no write of a batch coalesces into a marked op", func(e *env) {
		var ws []core.LocalWrite
		for i := range 40 {
			id := fmt.Sprintf("e%02d", i)
			ws = append(ws, e.upsert(kindA, id, `{"id":"`+id+`","v":1}`))
		}
		e.write(ws...)
		var even []core.Op
		for i, o := range e.outbox() {
			if i%2 == 0 {
				even = append(even, o)
			}
		}
		e.mark(even...)
		ws = ws[:0]
		for i := range 40 {
			id := fmt.Sprintf("e%02d", i)
			ws = append(ws, e.upsert(kindA, id, `{"id":"`+id+`","v":2}`))
		}
		e.write(ws...)
		ops := e.outbox()
		require.Len(e, ops, 60, "20 marked ops kept, 20 new ops behind them, 20 coalesced")
		for _, o := range ops {
			n := 0
			_, err := fmt.Sscanf(o.EntityID, "e%02d", &n)
			require.NoError(e, err)
			switch {
			case n%2 == 1:
				require.False(e, o.InFlight)
				requireJSON(e, `{"id":"`+o.EntityID+`","v":2}`, o.Payload)
			case o.InFlight:
				requireJSON(e, `{"id":"`+o.EntityID+`","v":1}`, o.Payload)
			default:
				requireJSON(e, `{"id":"`+o.EntityID+`","v":2}`, o.Payload)
			}
		}
	}},
	{"no enqueued op coalesces into a marked op", func(e *env) {
		first := core.Op{OpID: "app-1", Kind: kindA, EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","v":1}`)}
		_, err := e.s.Enqueue(e.ctx, []core.Op{first})
		require.NoError(e, err)
		e.markInFlight([]string{"app-1"})
		out, err := e.s.Enqueue(e.ctx, []core.Op{{OpID: "app-2", Kind: kindA, EntityID: "a", Type: core.OpDelete}})
		require.NoError(e, err)
		ops := e.outbox()
		require.Len(e, ops, 2)
		require.True(e, ops[0].InFlight)
		require.Equal(e, []core.Op{ops[1]}, out)
		require.False(e, ops[1].InFlight)
	}},
	{"after an Ack the entity's later op is not in flight and takes writes", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		second := e.upsert(kindA, "a", `{"id":"a","t":2}`)
		e.write(second)
		e.ack(core.Ack{Op: e.outbox()[0], Server: ptr(server(kindA, "a", "v1", `,"t":1`))})
		later := e.opOf(kindA, "a")
		require.False(e, later.InFlight)
		e.write(e.upsert(kindA, "a", `{"id":"a","t":3}`))
		op := e.opOf(kindA, "a")
		require.Equal(e, second.OpID, op.OpID, "coalesced into the rebased op")
		requireJSON(e, `{"id":"a","t":3}`, op.Payload)
	}},
	{"AckAndMark acknowledges a batch and marks the next one", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindB, "c", `{"id":"c"}`), e.upsert(kindB, "d", `{"id":"d"}`))
		read := e.outbox()
		sent := e.mark(read[0], read[1])
		marked := e.ackAndMarkOps([]core.Ack{
			{Op: sent[0], Server: ptr(server(kindA, "a", "v1", `,"t":1`))},
			{Op: sent[1], Server: ptr(server(kindA, "b", "v2", ""))},
		}, read[3], read[2], core.Op{OpID: "nope"})
		now := e.outbox()
		require.Len(e, now, 2)
		require.True(e, now[0].InFlight)
		require.True(e, now[1].InFlight)
		require.Equal(e, []core.Op{now[1], now[0]}, marked, "as marked, in the order asked")
		a, ok := e.get(kindA, "a")
		require.True(e, ok)
		require.Equal(e, "v1", a.UpdatedAt)
		requireJSON(e, `{"id":"a","updatedAt":"v1","t":1}`, a.Data)
	}},
	{"AckAndMark marks an entity's later op as the ack left it", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		e.write(first)
		sent := e.markInFlight([]string{first.OpID})
		e.write(e.upsert(kindA, "a", `{"id":"a","t":2}`))
		later := e.outbox()[1]
		marked := e.ackAndMarkOps([]core.Ack{{Op: sent[0], Server: ptr(server(kindA, "a", "v1", `,"t":1`))}}, later, sent[0])
		op := e.opOf(kindA, "a")
		require.Equal(e, later.OpID, op.OpID)
		require.True(e, op.InFlight)
		require.Equal(e, "v1", op.BaseUpdatedAt, "rebased on the acknowledged version before it was marked")
		require.Equal(e, []core.Op{op}, marked, "the acknowledged op is no longer pending")
	}},
	{"an Ack keeps a later op that is itself in flight marked", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		second := e.upsert(kindA, "a", `{"id":"a","t":2}`)
		e.write(second)
		e.markInFlight([]string{second.OpID})
		e.ack(core.Ack{Op: e.outbox()[0], Server: ptr(server(kindA, "a", "v1", `,"t":1`))})
		later := e.opOf(kindA, "a")
		require.True(e, later.InFlight)
		require.Equal(e, "v1", later.BaseUpdatedAt)
		e.write(e.upsert(kindA, "a", `{"id":"a","t":3}`))
		require.Len(e, e.outbox(), 2, "appended behind the in-flight op")
	}},
	{"Park keeps the in-flight flag in the parked op; requeue and new ops are not in flight", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		op := e.markInFlight([]string{e.opOf(kindA, "a").OpID})[0]
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: op, Status: 422}}))
		require.True(e, e.parked()[0].Op.InFlight)
		w := e.upsert(kindA, "a", `{"id":"a","n":1}`)
		e.write(w)
		require.False(e, e.opOf(kindA, "a").InFlight)
		require.NoError(e, e.s.Unpark(e.ctx, []string{op.OpID}, true))
		ops := e.outbox()
		require.Len(e, ops, 2)
		require.False(e, ops[0].InFlight)
		require.False(e, ops[1].InFlight)
		e.write(e.upsert(kindA, "a", `{"id":"a","n":2}`))
		require.Len(e, e.outbox(), 2, "coalesced into the requeued op")
	}},
	{"Resolve sets InFlight as the op says", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a","t":1}`), e.upsert(kindA, "b", `{"id":"b","t":1}`))
		marked := e.markInFlight([]string{e.opOf(kindA, "a").OpID, e.opOf(kindA, "b").OpID})
		next := marked[0]
		next.Attempt, next.InFlight, next.Payload = 1, false, raw(`{"id":"a","t":"r"}`)
		require.NoError(e, e.s.Resolve(e.ctx, next, nil, false))
		still := marked[1]
		still.Payload = raw(`{"id":"b","t":"r"}`)
		require.NoError(e, e.s.Resolve(e.ctx, still, nil, false))
		require.Equal(e, next, e.opOf(kindA, "a"))
		require.Equal(e, still, e.opOf(kindA, "b"))
		e.write(e.upsert(kindA, "a", `{"id":"a","t":2}`), e.upsert(kindA, "b", `{"id":"b","t":2}`))
		require.Len(e, e.outbox(), 3, "a's write coalesced into the resolved op, b's appended")
	}},
}
