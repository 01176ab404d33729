package storetest

import (
	"fmt"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

var writeTests = []test{
	{"create writes the record and appends one op", func(e *env) {
		w := e.upsert(kindA, "a", `{"id":"a","t":"x"}`)
		recs := e.write(w)
		want := core.Record{Kind: kindA, ID: "a", Data: raw(`{"id":"a","t":"x"}`)}
		require.Equal(e, want, recs[0])
		got, ok := e.get(kindA, "a")
		require.True(e, ok)
		require.Equal(e, want, got)
		op := e.opOf(kindA, "a")
		require.Equal(e, w.OpID, op.OpID)
		require.Equal(e, core.OpUpsert, op.Type)
		require.Positive(e, op.Seq)
		require.Empty(e, op.BaseUpdatedAt)
		require.Nil(e, op.ChangedFields, "a create changes all fields")
		require.Equal(e, w.LocalTimestamp, op.LocalTimestamp)
		require.False(e, op.InFlight)
		requireJSON(e, `{"id":"a","t":"x"}`, op.Payload)
	}},
	{"an op id pending before the call is refused even when the call cancels its op", func(e *env) {
		create := e.upsert(kindA, "a", `{"id":"a"}`)
		e.write(create)
		before := e.outbox()
		reuse := e.upsert(kindA, "b", `{"id":"b"}`)
		reuse.OpID = create.OpID
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.del(kindA, "a"), reuse})
		requireCode(e, err, core.ErrInvalid)
		require.Equal(e, before, e.outbox(), "nothing applied")
		require.Equal(e, []string{"a"}, e.ids(kindA))
	}},
	{"many writes in one call, Seq strictly increasing", func(e *env) {
		e.write(e.upsert(kindA, "c", `{"id":"c"}`), e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindB, "b", `{"id":"b"}`))
		ops := e.outbox()
		require.Len(e, ops, 3)
		require.Equal(e, []string{"c", "a", "b"}, []string{ops[0].EntityID, ops[1].EntityID, ops[2].EntityID})
		require.Less(e, ops[0].Seq, ops[1].Seq)
		require.Less(e, ops[1].Seq, ops[2].Seq)
		require.Equal(e, []string{"a", "c"}, e.ids(kindA))
		require.Equal(e, []string{"b"}, e.ids(kindB))
	}},
	{"later writes in one call see earlier ones and coalesce", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		recs := e.write(first, e.upsert(kindA, "a", `{"id":"a","t":2}`), e.upsert(kindA, "a", `{"id":"a","t":3}`))
		requireJSON(e, `{"id":"a","t":3}`, recs[2].Data)
		op := e.opOf(kindA, "a")
		require.Equal(e, first.OpID, op.OpID, "coalesced into the first op")
		requireJSON(e, `{"id":"a","t":3}`, op.Payload)
		require.Nil(e, op.ChangedFields)
	}},
	{"edits of a synced record coalesce: union of changed fields, earlier base, later time", func(e *env) {
		seedSynced(e, "a", "v1", `,"t":"x","n":1,"m":0`)
		first := e.upsert(kindA, "a", `{"id":"a","updatedAt":"v1","t":"y","n":1,"m":0}`)
		e.write(first)
		second := e.upsert(kindA, "a", `{"id":"a","updatedAt":"v1","t":"y","n":2,"m":0}`)
		e.write(second)
		op := e.opOf(kindA, "a")
		require.Equal(e, first.OpID, op.OpID)
		require.Equal(e, "v1", op.BaseUpdatedAt)
		require.ElementsMatch(e, []string{"t", "n"}, op.ChangedFields)
		require.Equal(e, second.LocalTimestamp, op.LocalTimestamp)
		rec, _ := e.get(kindA, "a")
		require.Equal(e, "v1", rec.UpdatedAt)
	}},
	{"given changedFields are kept", func(e *env) {
		seedSynced(e, "a", "v1", `,"t":"x"`)
		w := e.upsert(kindA, "a", `{"id":"a","t":"x"}`)
		w.ChangedFields, w.ChangedGiven = []string{"t", "extra"}, true
		e.write(w)
		require.Equal(e, []string{"t", "extra"}, e.opOf(kindA, "a").ChangedFields)
	}},
	{"create then delete never sent cancel out, leaving a tombstone", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		e.write(e.del(kindA, "a"))
		require.Empty(e, e.outbox())
		rec, ok := e.get(kindA, "a")
		require.True(e, ok)
		require.True(e, rec.Deleted)
		require.Empty(e, e.list(kindA))
	}},
	{"delete after an edit of a synced record is one delete with the base", func(e *env) {
		seedSynced(e, "a", "v1", `,"t":"x"`)
		first := e.upsert(kindA, "a", `{"id":"a","t":"y"}`)
		e.write(first, e.del(kindA, "a"))
		op := e.opOf(kindA, "a")
		require.Equal(e, first.OpID, op.OpID)
		require.Equal(e, core.OpDelete, op.Type)
		require.Equal(e, "v1", op.BaseUpdatedAt)
		require.Empty(e, op.Payload)
	}},
	{"upsert after delete is one upsert of the new content", func(e *env) {
		seedSynced(e, "a", "v1", `,"t":"x"`)
		first := e.del(kindA, "a")
		e.write(first, e.upsert(kindA, "a", `{"id":"a","t":"back"}`))
		op := e.opOf(kindA, "a")
		require.Equal(e, first.OpID, op.OpID)
		require.Equal(e, core.OpUpsert, op.Type)
		require.Equal(e, "v1", op.BaseUpdatedAt)
		require.Nil(e, op.ChangedFields)
		rec, _ := e.get(kindA, "a")
		require.False(e, rec.Deleted)
	}},
	{"an in-flight op is never coalesced into", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		second := e.upsert(kindA, "a", `{"id":"a","t":2}`)
		e.write(second)
		ops := e.outbox()
		require.Len(e, ops, 2)
		require.True(e, ops[0].InFlight)
		requireJSON(e, `{"id":"a","t":1}`, ops[0].Payload)
		require.Equal(e, second.OpID, ops[1].OpID)
		require.False(e, ops[1].InFlight)
	}},
	{"a delete behind an in-flight create is kept", func(e *env) {
		first := e.upsert(kindA, "a", `{"id":"a","t":1}`)
		e.write(first)
		e.markInFlight([]string{first.OpID})
		e.write(e.upsert(kindA, "a", `{"id":"a","t":2}`), e.del(kindA, "a"))
		ops := e.outbox()
		require.Len(e, ops, 2)
		require.Equal(e, first.OpID, ops[0].OpID)
		require.Equal(e, core.OpDelete, ops[1].Type, "the server will have the entity: the delete must be pushed")
	}},
	{"a bulk call of 300 writes is one op per entity, in call order", func(e *env) {
		var ws []core.LocalWrite
		for i := range 300 {
			id := fmt.Sprintf("r%03d", i)
			ws = append(ws, e.upsert(kindA, id, `{"id":"`+id+`","n":`+fmt.Sprint(i)+`}`))
		}
		ws = append(ws, e.upsert(kindA, "r007", `{"id":"r007","n":"again"}`))
		e.write(ws...)
		ops := e.outbox()
		require.Len(e, ops, 300)
		require.Equal(e, "r000", ops[0].EntityID)
		require.Equal(e, "r299", ops[299].EntityID)
		requireJSON(e, `{"id":"r007","n":"again"}`, ops[7].Payload)
		require.Len(e, e.list(kindA), 300)
		ten, err := e.s.Outbox(e.ctx, 10)
		require.NoError(e, err)
		require.Equal(e, ops[:10], ten)
	}},
	{"delete of a record never seen appends a delete", func(e *env) {
		e.write(e.del(kindA, "ghost"))
		op := e.opOf(kindA, "ghost")
		require.Equal(e, core.OpDelete, op.Type)
		rec, ok := e.get(kindA, "ghost")
		require.True(e, ok)
		require.True(e, rec.Deleted)
	}},
	{"the returned pending count follows appends, coalescing, cancel-outs, batches and parking", func(e *env) {
		steps := []struct {
			name   string
			before func()
			writes func() []core.LocalWrite
			want   int
		}{
			{"append", nil, func() []core.LocalWrite { return []core.LocalWrite{e.upsert(kindA, "a", `{"id":"a"}`)} }, 1},
			{"coalesce", nil, func() []core.LocalWrite { return []core.LocalWrite{e.upsert(kindA, "a", `{"id":"a","t":1}`)} }, 1},
			{"append another kind", nil, func() []core.LocalWrite { return []core.LocalWrite{e.upsert(kindB, "b", `{"id":"b"}`)} }, 2},
			{"create+delete cancel out", nil, func() []core.LocalWrite { return []core.LocalWrite{e.del(kindB, "b")} }, 1},
			{"batch with a coalesce and a cancel-out", nil, func() []core.LocalWrite {
				return []core.LocalWrite{e.upsert(kindA, "c", `{"id":"c"}`), e.upsert(kindA, "d", `{"id":"d"}`),
					e.upsert(kindA, "c", `{"id":"c","t":2}`), e.upsert(kindA, "e", `{"id":"e"}`), e.del(kindA, "e")}
			}, 3},
			{"edit behind an in-flight op appends", func() {
				e.markInFlight([]string{e.opOf(kindA, "a").OpID})
			}, func() []core.LocalWrite { return []core.LocalWrite{e.upsert(kindA, "a", `{"id":"a","t":3}`)} }, 4},
			{"parked ops are not pending", func() {
				require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "d"), Reason: "r"}}))
			}, func() []core.LocalWrite { return []core.LocalWrite{e.upsert(kindA, "f", `{"id":"f"}`)} }, 4},
		}
		for _, st := range steps {
			if st.before != nil {
				st.before()
			}
			require.Equal(e, st.want, e.writePending(st.writes()...), st.name)
			require.Equal(e, st.want, e.pending(), st.name)
		}
	}},
}

var enqueueTests = []test{
	{"appends with a store-assigned Seq and leaves records alone", func(e *env) {
		e.write(e.upsert(kindA, "x", `{"id":"x"}`))
		in := core.Op{OpID: "app-1", Seq: 99, Kind: kindA, EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","v":1}`), BaseUpdatedAt: "v7", ChangedFields: []string{"v"}, InFlight: true, Force: true}
		out, err := e.s.Enqueue(e.ctx, []core.Op{in})
		require.NoError(e, err)
		require.Len(e, out, 1)
		ops := e.outbox()
		require.Len(e, ops, 2)
		require.Greater(e, ops[1].Seq, ops[0].Seq)
		want := in
		want.Seq, want.InFlight = ops[1].Seq, false
		require.Equal(e, want, ops[1])
		require.Equal(e, want, out[0])
		_, ok := e.get(kindA, "a")
		require.False(e, ok)
	}},
	{"coalesces like local writes", func(e *env) {
		out, err := e.s.Enqueue(e.ctx, []core.Op{
			{OpID: "app-1", Kind: kindA, EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","v":1}`), BaseUpdatedAt: "v1", ChangedFields: []string{"v"}},
			{OpID: "app-2", Kind: kindA, EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","v":2,"w":1}`), BaseUpdatedAt: "v1", ChangedFields: []string{"w"}},
			{OpID: "app-3", Kind: kindA, EntityID: "b", Type: core.OpUpsert, Payload: raw(`{"id":"b"}`)},
			{OpID: "app-4", Kind: kindA, EntityID: "b", Type: core.OpDelete},
		})
		require.NoError(e, err)
		require.Len(e, out, 4)
		require.Equal(e, "app-1", out[1].OpID, "folded into the first op")
		ops := e.outbox()
		require.Len(e, ops, 2)
		require.Equal(e, "app-1", ops[0].OpID)
		require.ElementsMatch(e, []string{"v", "w"}, ops[0].ChangedFields)
		requireJSON(e, `{"id":"a","v":2,"w":1}`, ops[0].Payload)
		// A create and its delete do not cancel out (storekit's coalesceEnqueued): one delete is left.
		require.Equal(e, ops[1], out[3])
		require.Equal(e, "app-3", ops[1].OpID)
		require.Equal(e, core.OpDelete, ops[1].Type)
		require.Nil(e, ops[1].Payload)
	}},
}

// seedSynced stores a synced record of kindA (as a pull would) with no pending op.
func seedSynced(e *env, id, version, fields string) core.Record {
	e.Helper()
	r := server(kindA, id, version, fields)
	e.apply(kindA, []core.Record{r}, core.Cursor{UpdatedAt: version, ID: id})
	return r
}
