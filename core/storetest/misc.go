package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

func conflict(id, entity string) core.Conflict {
	return core.Conflict{ID: id, Kind: kindA, EntityID: entity, OpID: id, Local: raw(`{"id":"` + entity + `","v":1}`),
		Server: raw(`{"id":"` + entity + `","v":2}`), ChangedFields: []string{"v"}, ServerUpdatedAt: "t2", BaseUpdatedAt: "t1", DetectedAtMs: 7}
}

var conflictTests = []test{
	{"put, list in first-stored order, replace in place, delete", func(e *env) {
		a, b, c := conflict("c-a", "a"), conflict("c-b", "b"), conflict("c-c", "c")
		for _, x := range []core.Conflict{b, a, c} {
			require.NoError(e, e.s.PutConflict(e.ctx, x))
		}
		a2 := a
		a2.Server, a2.ServerUpdatedAt, a2.ServerDeleted = raw(`null`), "t9", true
		require.NoError(e, e.s.PutConflict(e.ctx, a2))
		got, err := e.s.Conflicts(e.ctx)
		require.NoError(e, err)
		require.Equal(e, []core.Conflict{b, a2, c}, got)

		require.NoError(e, e.s.DeleteConflict(e.ctx, "c-b"))
		require.NoError(e, e.s.DeleteConflict(e.ctx, "unknown"))
		got, err = e.s.Conflicts(e.ctx)
		require.NoError(e, err)
		require.Equal(e, []core.Conflict{a2, c}, got)
	}},
	{"none stored", func(e *env) {
		got, err := e.s.Conflicts(e.ctx)
		require.NoError(e, err)
		require.Empty(e, got)
	}},
	{"a local delete conflict keeps null local and nil changed fields", func(e *env) {
		x := conflict("c-x", "x")
		x.Local, x.LocalDeleted, x.ChangedFields = nil, true, nil
		require.NoError(e, e.s.PutConflict(e.ctx, x))
		got, err := e.s.Conflicts(e.ctx)
		require.NoError(e, err)
		require.Len(e, got, 1)
		require.True(e, got[0].LocalDeleted)
		require.Nil(e, got[0].ChangedFields)
	}},
}

var metaTests = []test{
	{"missing, set, overwrite", func(e *env) {
		_, ok, err := e.s.Meta(e.ctx, "lastFullResync")
		require.NoError(e, err)
		require.False(e, ok)
		require.NoError(e, e.s.SetMeta(e.ctx, "lastFullResync", "1"))
		require.NoError(e, e.s.SetMeta(e.ctx, "lastFullResync", "2"))
		require.NoError(e, e.s.SetMeta(e.ctx, "empty", ""))
		v, ok, err := e.s.Meta(e.ctx, "lastFullResync")
		require.NoError(e, err)
		require.True(e, ok)
		require.Equal(e, "2", v)
		v, ok, err = e.s.Meta(e.ctx, "empty")
		require.NoError(e, err)
		require.True(e, ok)
		require.Empty(e, v)
	}},
}

var listTests = []test{
	{"id byte order, tombstones hidden, one kind only", func(e *env) {
		for _, id := range []string{"a9", "a10", "B", "a", "é", "z"} {
			e.write(e.upsert(kindA, id, `{"id":"`+id+`"}`))
		}
		e.write(e.del(kindA, "z"), e.upsert(kindB, "other", `{"id":"other"}`))
		require.Equal(e, []string{"B", "a", "a10", "a9", "é"}, e.ids(kindA))
		for _, r := range e.list(kindA) {
			require.Equal(e, kindA, r.Kind)
			require.False(e, r.Deleted)
		}
	}},
	{"empty kind lists nothing", func(e *env) {
		require.Empty(e, e.list(kindB))
	}},
	{"Get of an absent record", func(e *env) {
		_, ok := e.get(kindA, "nope")
		require.False(e, ok)
	}},
}

var copyTests = []test{
	{"inputs are copied", func(e *env) {
		w := e.upsert(kindA, "a", `{"id":"a","v":1}`)
		w.ChangedFields, w.ChangedGiven = []string{"v"}, true
		e.write(w)
		w.Data[len(w.Data)-2] = '9'
		w.ChangedFields[0] = "X"
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","v":1}`, got.Data)
		require.Equal(e, []string{"v"}, e.opOf(kindA, "a").ChangedFields)

		item := server(kindA, "b", "t1", `,"v":1`)
		e.apply(kindA, []core.Record{item}, core.Cursor{UpdatedAt: "t1", ID: "b"})
		item.Data[len(item.Data)-2] = '9'
		got, _ = e.get(kindA, "b")
		requireJSON(e, `{"id":"b","updatedAt":"t1","v":1}`, got.Data)

		c := conflict("c", "a")
		require.NoError(e, e.s.PutConflict(e.ctx, c))
		c.Local[2], c.ChangedFields[0] = 'X', "X"
		cs, err := e.s.Conflicts(e.ctx)
		require.NoError(e, err)
		require.Equal(e, conflict("c", "a"), cs[0])
	}},
	{"outputs are copies", func(e *env) {
		recs := e.write(e.upsert(kindA, "a", `{"id":"a","v":1}`))
		recs[0].Data[2] = 'X'
		got, _ := e.get(kindA, "a")
		got.Data[2] = 'X'
		e.list(kindA)[0].Data[2] = 'X'
		ops := e.outbox()
		ops[0].Payload[2] = 'X'
		ops[0].InFlight = true
		got, _ = e.get(kindA, "a")
		requireJSON(e, `{"id":"a","v":1}`, got.Data)
		requireJSON(e, `{"id":"a","v":1}`, e.opOf(kindA, "a").Payload)
		require.False(e, e.opOf(kindA, "a").InFlight)

		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "a"), Reason: "r"}}))
		p := e.parked()
		p[0].Op.Payload[2] = 'X'
		p[0].Reason = "changed"
		require.Equal(e, "r", e.parked()[0].Reason)
		requireJSON(e, `{"id":"a","v":1}`, e.parked()[0].Op.Payload)

		require.NoError(e, e.s.PutConflict(e.ctx, conflict("c", "a")))
		cs, _ := e.s.Conflicts(e.ctx)
		cs[0].Server[2] = 'X'
		cs[0].ChangedFields[0] = "X"
		cs, _ = e.s.Conflicts(e.ctx)
		require.Equal(e, conflict("c", "a"), cs[0])
	}},
}

var closedTests = []test{
	{"every method answers ErrClosed after Close; Close twice is fine", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		require.NoError(e, e.s.Close())
		require.NoError(e, e.s.Close())
		ctx, s := e.ctx, e.s
		calls := map[string]func() error{
			"Get":  func() error { _, _, err := s.Get(ctx, kindA, "a"); return err },
			"List": func() error { _, err := s.List(ctx, kindA); return err },
			"WriteLocal": func() error {
				_, err := s.WriteLocal(ctx, []core.LocalWrite{e.upsert(kindA, "b", `{"id":"b"}`)})
				return err
			},
			"Enqueue": func() error {
				_, err := s.Enqueue(ctx, []core.Op{{OpID: "x", Kind: kindA, EntityID: "b", Type: core.OpDelete}})
				return err
			},
			"Outbox":       func() error { _, err := s.Outbox(ctx, 0); return err },
			"PendingCount": func() error { _, err := s.PendingCount(ctx); return err },
			"MarkInFlight": func() error { _, err := s.MarkInFlight(ctx, []core.Op{{OpID: "x"}}); return err },
			"Ack":          func() error { return s.Ack(ctx, []core.Ack{{Op: core.Op{OpID: "x"}}}) },
			"Resolve": func() error {
				return s.Resolve(ctx, core.Op{OpID: "x", Kind: kindA, EntityID: "a", Type: core.OpDelete}, nil, false)
			},
			"Park":           func() error { return s.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "x"}}}) },
			"Parked":         func() error { _, err := s.Parked(ctx); return err },
			"Unpark":         func() error { return s.Unpark(ctx, []string{"x"}, true) },
			"Cursor":         func() error { _, err := s.Cursor(ctx, kindA); return err },
			"ApplyPage":      func() error { _, err := s.ApplyPage(ctx, kindA, nil, core.Cursor{}); return err },
			"ApplyRefetched": func() error { _, err := s.ApplyRefetched(ctx, kindA, core.Record{}, core.Cursor{}); return err },
			"ResetCursors":   func() error { return s.ResetCursors(ctx, []string{kindA}, true) },
			"PutConflict":    func() error { return s.PutConflict(ctx, conflict("c", "a")) },
			"Conflicts":      func() error { _, err := s.Conflicts(ctx); return err },
			"DeleteConflict": func() error { return s.DeleteConflict(ctx, "c") },
			"Meta":           func() error { _, _, err := s.Meta(ctx, "k"); return err },
			"SetMeta":        func() error { return s.SetMeta(ctx, "k", "v") },
		}
		for name, call := range calls {
			err := call()
			require.ErrorIs(e, err, core.ErrClosed, "%s: %v", name, err)
		}
	}},
}
