package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

var pullTests = []test{
	{"cursor starts at zero", func(e *env) {
		require.True(e, e.cursor(kindA).IsZero())
	}},
	{"a page is written and the cursor advances", func(e *env) {
		a, b := server(kindA, "a", "t1", `,"v":1`), server(kindA, "b", "t2", `,"v":2`)
		held := e.apply(kindA, []core.Record{a, b}, core.Cursor{UpdatedAt: "t2", ID: "b"})
		require.Empty(e, held)
		require.NotNil(e, held)
		require.Equal(e, core.Cursor{UpdatedAt: "t2", ID: "b"}, e.cursor(kindA))
		require.True(e, e.cursor(kindB).IsZero(), "other kinds keep their cursor")
		require.Equal(e, []core.Record{a, b}, e.list(kindA))
		require.Empty(e, e.outbox(), "pulled data makes no ops")
	}},
	{"Cursors reads several kinds at once, when the store offers it", func(e *env) {
		cr, ok := e.s.(core.CursorsReader)
		if !ok {
			e.Skip("not a CursorsReader")
		}
		e.apply(kindB, nil, core.Cursor{UpdatedAt: "t5", ID: "b"})
		got, err := cr.Cursors(e.ctx, []string{kindA, kindB, kindA})
		require.NoError(e, err)
		require.Equal(e, []core.Cursor{{}, {UpdatedAt: "t5", ID: "b"}, {}}, got)
		got, err = cr.Cursors(e.ctx, nil)
		require.NoError(e, err)
		require.Empty(e, got)
		_, err = cr.Cursors(e.ctx, []string{kindA, "Not-A-Kind"})
		requireCode(e, err, core.ErrInvalid)
	}},
	{"ReadStart reads the outbox, a meta value and cursors at once, when the store offers it", func(e *env) {
		sr, ok := e.s.(core.StartReader)
		if !ok {
			e.Skip("not a StartReader")
		}
		got, err := sr.ReadStart(e.ctx, []string{kindA, kindB}, "k")
		require.NoError(e, err)
		require.Empty(e, got.Outbox)
		require.False(e, got.HasMeta)
		require.Equal(e, []core.Cursor{{}, {}}, got.Cursors)
		e.apply(kindB, nil, core.Cursor{UpdatedAt: "t5", ID: "b"})
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindB, "b", `{"id":"b"}`))
		_, err = e.s.MarkInFlight(e.ctx, e.outbox()[:1])
		require.NoError(e, err)
		require.NoError(e, e.s.SetMeta(e.ctx, "k", ""))
		got, err = sr.ReadStart(e.ctx, []string{kindB, kindA}, "k")
		require.NoError(e, err)
		want := e.outbox()
		if got.Thin { // the ops without their payloads (core.StartReads.Thin)
			for i := range want {
				want[i].Payload = nil
			}
		}
		require.Equal(e, want, got.Outbox)
		require.True(e, got.Outbox[0].InFlight)
		require.True(e, got.HasMeta)
		require.Empty(e, got.Meta)
		require.Equal(e, []core.Cursor{{UpdatedAt: "t5", ID: "b"}, {}}, got.Cursors)
		got, err = sr.ReadStart(e.ctx, nil, "k")
		require.NoError(e, err)
		require.Empty(e, got.Cursors)
		require.Len(e, got.Outbox, 2)
		_, err = sr.ReadStart(e.ctx, []string{"Not-A-Kind"}, "k")
		requireCode(e, err, core.ErrInvalid)
	}},
	{"an empty page still advances the cursor", func(e *env) {
		e.apply(kindA, nil, core.Cursor{UpdatedAt: "t9", ID: "z"})
		require.Equal(e, core.Cursor{UpdatedAt: "t9", ID: "z"}, e.cursor(kindA))
	}},
	{"newer versions overwrite synced records", func(e *env) {
		seedSynced(e, "a", "t1", `,"v":1`)
		newer := server(kindA, "a", "t2", `,"v":2`)
		e.apply(kindA, []core.Record{newer}, core.Cursor{UpdatedAt: "t2", ID: "a"})
		got, _ := e.get(kindA, "a")
		require.Equal(e, newer, got)
	}},
	{"entities with pending ops are held, the rest applied", func(e *env) {
		seedSynced(e, "a", "t1", `,"v":1`)
		e.write(e.upsert(kindA, "a", `{"id":"a","v":"mine"}`))
		held := e.apply(kindA, []core.Record{server(kindA, "a", "t5", `,"v":"theirs"`), server(kindA, "b", "t6", "")},
			core.Cursor{UpdatedAt: "t6", ID: "b"})
		require.Equal(e, []string{"a"}, held)
		got, _ := e.get(kindA, "a")
		requireJSON(e, `{"id":"a","v":"mine"}`, got.Data)
		require.Equal(e, "t1", got.UpdatedAt)
		require.Equal(e, "t1", e.opOf(kindA, "a").BaseUpdatedAt)
		_, ok := e.get(kindA, "b")
		require.True(e, ok)
		require.Equal(e, core.Cursor{UpdatedAt: "t6", ID: "b"}, e.cursor(kindA), "the cursor advances past held items")
	}},
	{"StartPage applies pages started before the one before committed, in order", func(e *env) {
		ps, ok := e.s.(core.PageStarter)
		if !ok {
			e.Skip("not a PageStarter")
		}
		start := func(items []core.Record, next core.Cursor) func() ([]string, error) {
			wait, err := ps.StartPage(e.ctx, kindA, items, next)
			require.NoError(e, err)
			return wait
		}
		e.apply(kindA, []core.Record{server(kindA, "a", "t1", `,"v":1`)}, core.Cursor{UpdatedAt: "t1", ID: "a"})
		e.write(e.upsert(kindA, "c", `{"id":"c","v":"mine"}`))
		// Each started while the one before may still be committing; c is pending.
		w2 := start([]core.Record{server(kindA, "b", "t2", `,"v":2`)}, core.Cursor{UpdatedAt: "t2", ID: "b"})
		w3 := start([]core.Record{server(kindA, "c", "t3", `,"v":"theirs"`), server(kindA, "d", "t3", "")}, core.Cursor{UpdatedAt: "t3", ID: "d"})
		w4 := start([]core.Record{server(kindA, "e", "t4", "")}, core.Cursor{UpdatedAt: "t4", ID: "e"})
		for i, w := range []func() ([]string, error){w2, w3, w4, w3} {
			held, err := w()
			require.NoError(e, err)
			want := []string{}
			if i%2 == 1 { // w3, asked twice
				want = []string{"c"}
			}
			require.Equal(e, want, held)
		}
		require.Equal(e, core.Cursor{UpdatedAt: "t4", ID: "e"}, e.cursor(kindA))
		got, _ := e.get(kindA, "c")
		requireJSON(e, `{"id":"c","v":"mine"}`, got.Data)
		ids := []string{}
		for _, r := range e.list(kindA) {
			ids = append(ids, r.ID)
		}
		require.Equal(e, []string{"a", "b", "c", "d", "e"}, ids)
		// A local write between two pages is seen by the later one.
		w5 := start([]core.Record{server(kindA, "f", "t5", "")}, core.Cursor{UpdatedAt: "t5", ID: "f"})
		e.write(e.upsert(kindA, "g", `{"id":"g","v":"mine"}`))
		w6 := start([]core.Record{server(kindA, "g", "t6", `,"v":"theirs"`)}, core.Cursor{UpdatedAt: "t6", ID: "g"})
		_, err := w5()
		require.NoError(e, err)
		held, err := w6()
		require.NoError(e, err)
		require.Equal(e, []string{"g"}, held)
		got, _ = e.get(kindA, "g")
		requireJSON(e, `{"id":"g","v":"mine"}`, got.Data)
		require.Equal(e, core.Cursor{UpdatedAt: "t6", ID: "g"}, e.cursor(kindA))
	}},
	{"an entity whose only op is parked is not held", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a","v":"mine"}`))
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "a"), Status: 400}}))
		held := e.apply(kindA, []core.Record{server(kindA, "a", "t5", `,"v":"theirs"`)}, core.Cursor{UpdatedAt: "t5", ID: "a"})
		require.Empty(e, held)
		got, _ := e.get(kindA, "a")
		require.Equal(e, "t5", got.UpdatedAt)
		requireJSON(e, `{"id":"a","v":"mine"}`, e.parked()[0].Op.Payload)
	}},
	{"tombstones: Get returns them deleted, List hides them", func(e *env) {
		seedSynced(e, "a", "t1", "")
		seedSynced(e, "b", "t2", "")
		ts := tombstone(kindA, "a", "t3")
		e.apply(kindA, []core.Record{ts}, core.Cursor{UpdatedAt: "t3", ID: "a"})
		got, ok := e.get(kindA, "a")
		require.True(e, ok)
		require.Equal(e, ts, got)
		require.Equal(e, []string{"b"}, e.ids(kindA))
	}},
	{"a record comes back after its tombstone", func(e *env) {
		e.apply(kindA, []core.Record{tombstone(kindA, "a", "t1")}, core.Cursor{UpdatedAt: "t1", ID: "a"})
		e.apply(kindA, []core.Record{server(kindA, "a", "t2", "")}, core.Cursor{UpdatedAt: "t2", ID: "a"})
		require.Equal(e, []string{"a"}, e.ids(kindA))
	}},
	{"the page's kind is set on stored records", func(e *env) {
		r := server(kindB, "x", "t1", "")
		e.apply(kindB, []core.Record{r}, core.Cursor{UpdatedAt: "t1", ID: "x"})
		_, ok := e.get(kindA, "x")
		require.False(e, ok, "kinds are separate namespaces")
		got, ok := e.get(kindB, "x")
		require.True(e, ok)
		require.Equal(e, kindB, got.Kind)
	}},
}

var resetTests = []test{
	{"without clearData only cursors reset", func(e *env) {
		seedSynced(e, "a", "t1", "")
		e.apply(kindB, []core.Record{server(kindB, "b", "t2", "")}, core.Cursor{UpdatedAt: "t2", ID: "b"})
		require.NoError(e, e.s.ResetCursors(e.ctx, []string{kindA}, false))
		require.True(e, e.cursor(kindA).IsZero())
		require.False(e, e.cursor(kindB).IsZero())
		require.Equal(e, []string{"a"}, e.ids(kindA))
	}},
	{"with clearData records without pending or parked ops go", func(e *env) {
		seedSynced(e, "synced", "t1", "")
		seedSynced(e, "edited", "t2", "")
		e.apply(kindA, []core.Record{tombstone(kindA, "dead", "t3")}, core.Cursor{UpdatedAt: "t3", ID: "dead"})
		e.write(e.upsert(kindA, "edited", `{"id":"edited","v":1}`), e.upsert(kindA, "new", `{"id":"new"}`), e.upsert(kindA, "parked", `{"id":"parked"}`))
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "parked")}}))
		e.apply(kindB, []core.Record{server(kindB, "other", "t4", "")}, core.Cursor{UpdatedAt: "t4", ID: "other"})

		require.NoError(e, e.s.ResetCursors(e.ctx, []string{kindA}, true))
		require.True(e, e.cursor(kindA).IsZero())
		require.Equal(e, []string{"edited", "new", "parked"}, e.ids(kindA))
		for _, id := range []string{"synced", "dead"} {
			_, ok := e.get(kindA, id)
			require.False(e, ok, id)
		}
		got, _ := e.get(kindA, "edited")
		requireJSON(e, `{"id":"edited","v":1}`, got.Data)
		require.Equal(e, []string{"other"}, e.ids(kindB), "other kinds untouched")
		require.False(e, e.cursor(kindB).IsZero())
		require.Equal(e, 2, e.pending())
	}},
	{"no kinds is a no-op", func(e *env) {
		seedSynced(e, "a", "t1", "")
		before := snapshot(e, kindA, "a")
		require.NoError(e, e.s.ResetCursors(e.ctx, nil, true))
		require.Equal(e, before, snapshot(e, kindA, "a"))
	}},
}
