package storetest

import (
	"context"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// state is everything a Store lets one observe, for before/after comparisons.
type state struct {
	Lists     map[string][]core.Record
	Gets      map[string]*core.Record
	Outbox    []core.Op
	Pending   int
	Parked    []core.ParkedOp
	Cursors   map[string]core.Cursor
	Conflicts []core.Conflict
	Meta      map[string]*string
}

var metaKeys = []string{"k", "lastFullResync"}

// snapshot reads every observable of the store: both kinds' lists and cursors, Get of ids
// (of kind), the outbox, parked ops, conflicts and known meta keys.
func snapshot(e *env, kind string, ids ...string) state {
	e.Helper()
	st := state{Lists: map[string][]core.Record{}, Gets: map[string]*core.Record{}, Cursors: map[string]core.Cursor{}, Meta: map[string]*string{}}
	for _, k := range []string{kindA, kindB} {
		st.Lists[k] = e.list(k)
		st.Cursors[k] = e.cursor(k)
	}
	for _, id := range ids {
		if r, ok := e.get(kind, id); ok {
			st.Gets[id] = &r
		}
	}
	st.Outbox = e.outbox()
	st.Pending = e.pending()
	st.Parked = e.parked()
	cs, err := e.s.Conflicts(e.ctx)
	require.NoError(e, err)
	st.Conflicts = cs
	for _, k := range metaKeys {
		v, ok, err := e.s.Meta(e.ctx, k)
		require.NoError(e, err)
		if ok {
			st.Meta[k] = &v
		}
	}
	return st
}

// populate fills a store with one of everything; it returns the ids of kindA it touched.
func populate(e *env) []string {
	e.Helper()
	seedSynced(e, "synced", "t1", `,"v":1`)
	seedSynced(e, "edited", "t2", `,"v":1`)
	e.apply(kindA, []core.Record{tombstone(kindA, "dead", "t3")}, core.Cursor{UpdatedAt: "t3", ID: "dead"})
	e.write(e.upsert(kindA, "edited", `{"id":"edited","v":2}`), e.upsert(kindA, "new", `{"id":"new"}`), e.upsert(kindA, "parked", `{"id":"parked"}`))
	e.markInFlight([]string{e.opOf(kindA, "new").OpID})
	require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "parked"), Status: 422, Reason: "no"}}))
	require.NoError(e, e.s.PutConflict(e.ctx, conflict("c-edited", "edited")))
	require.NoError(e, e.s.SetMeta(e.ctx, "k", "v"))
	e.apply(kindB, []core.Record{server(kindB, "b", "t4", "")}, core.Cursor{UpdatedAt: "t4", ID: "b"})
	return []string{"synced", "edited", "dead", "new", "parked", "fresh", "x"}
}

type invalidCase struct {
	name string
	call func(e *env) error
}

var invalidCases = []invalidCase{
	{"WriteLocal: second upsert is not a JSON object", func(e *env) error {
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), e.upsert(kindA, "x", `[1,2]`)})
		return err
	}},
	{"WriteLocal: malformed JSON after a valid edit", func(e *env) error {
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "synced", `{"id":"synced","v":9}`), e.upsert(kindA, "x", `{"id":`)})
		return err
	}},
	{"WriteLocal: invalid kind", func(e *env) error {
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.del(kindA, "edited"), e.upsert("Bad Kind", "x", `{"id":"x"}`)})
		return err
	}},
	{"WriteLocal: empty id", func(e *env) error {
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), e.upsert(kindA, "", `{}`)})
		return err
	}},
	{"WriteLocal: id too long", func(e *env) error {
		long := strings.Repeat("x", 257)
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), e.upsert(kindA, long, `{}`)})
		return err
	}},
	{"WriteLocal: id with a NUL", func(e *env) error {
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), e.upsert(kindA, "a\x00b", `{}`)})
		return err
	}},
	{"WriteLocal: data id differs", func(e *env) error {
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), e.upsert(kindA, "x", `{"id":"y"}`)})
		return err
	}},
	{"WriteLocal: no op id", func(e *env) error {
		w := e.upsert(kindA, "x", `{"id":"x"}`)
		w.OpID = ""
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), w})
		return err
	}},
	{"WriteLocal: op id used twice in the call", func(e *env) error {
		a, b := e.upsert(kindA, "fresh", `{"id":"fresh"}`), e.upsert(kindA, "x", `{"id":"x"}`)
		b.OpID = a.OpID
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{a, b})
		return err
	}},
	{"WriteLocal: op id already pending", func(e *env) error {
		w := e.upsert(kindA, "x", `{"id":"x"}`)
		w.OpID = e.opOf(kindA, "new").OpID
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), w})
		return err
	}},
	{"Enqueue: unknown op type after a valid op", func(e *env) error {
		_, err := e.s.Enqueue(e.ctx, []core.Op{
			{OpID: "app-1", Kind: kindA, EntityID: "synced", Type: core.OpDelete},
			{OpID: "app-2", Kind: kindA, EntityID: "x", Type: "patch"},
		})
		return err
	}},
	{"Enqueue: upsert payload not an object", func(e *env) error {
		_, err := e.s.Enqueue(e.ctx, []core.Op{
			{OpID: "app-1", Kind: kindA, EntityID: "edited", Type: core.OpUpsert, Payload: raw(`{"id":"edited"}`)},
			{OpID: "app-2", Kind: kindA, EntityID: "x", Type: core.OpUpsert, Payload: raw(`"x"`)},
		})
		return err
	}},
	{"Enqueue: op id too long", func(e *env) error {
		_, err := e.s.Enqueue(e.ctx, []core.Op{{OpID: strings.Repeat("o", 257), Kind: kindA, EntityID: "x", Type: core.OpDelete}})
		return err
	}},
	{"WriteLocal: id \"..\" (a dot segment of its URL)", func(e *env) error {
		_, err := e.s.WriteLocal(e.ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`), e.upsert(kindA, "..", `{}`)})
		return err
	}},
	{"Enqueue: op id with a line break (its header)", func(e *env) error {
		_, err := e.s.Enqueue(e.ctx, []core.Op{{OpID: "app\r\n1", Kind: kindA, EntityID: "x", Type: core.OpDelete}})
		return err
	}},
	{"Enqueue: op id with a NUL", func(e *env) error {
		_, err := e.s.Enqueue(e.ctx, []core.Op{{OpID: "app\x001", Kind: kindA, EntityID: "x", Type: core.OpDelete}})
		return err
	}},
	{"Enqueue: no entity id", func(e *env) error {
		_, err := e.s.Enqueue(e.ctx, []core.Op{{OpID: "app-1", Kind: kindA, Type: core.OpDelete}})
		return err
	}},
	{"ApplyPage: invalid kind", func(e *env) error {
		_, err := e.s.ApplyPage(e.ctx, "Bad", []core.Record{server("Bad", "x", "t9", "")}, core.Cursor{UpdatedAt: "t9", ID: "x"})
		return err
	}},
	{"ApplyPage: an item of another kind mid-page", func(e *env) error {
		_, err := e.s.ApplyPage(e.ctx, kindA, []core.Record{server(kindA, "synced", "t8", `,"v":8`), server(kindB, "x", "t9", "")}, core.Cursor{UpdatedAt: "t9", ID: "x"})
		return err
	}},
	{"ApplyPage: an item with empty id", func(e *env) error {
		_, err := e.s.ApplyPage(e.ctx, kindA, []core.Record{server(kindA, "fresh", "t8", ""), {Kind: kindA, Data: raw(`{}`), UpdatedAt: "t9"}}, core.Cursor{UpdatedAt: "t9"})
		return err
	}},
	{"ApplyPage: an item that is not a JSON object", func(e *env) error {
		_, err := e.s.ApplyPage(e.ctx, kindA, []core.Record{server(kindA, "fresh", "t8", ""), {Kind: kindA, ID: "x", Data: raw(`<html>`), UpdatedAt: "t9"}}, core.Cursor{UpdatedAt: "t9", ID: "x"})
		return err
	}},
	{"Ack: server record of another id after a valid ack", func(e *env) error {
		edited := e.opOf(kindA, "edited")
		newOp := e.opOf(kindA, "new")
		return e.s.Ack(e.ctx, []core.Ack{
			{Op: edited, Server: ptr(server(kindA, "edited", "t9", `,"v":2`))},
			{Op: newOp, Server: ptr(server(kindA, "other", "t9", ""))},
		})
	}},
	{"Ack: no op id", func(e *env) error {
		return e.s.Ack(e.ctx, []core.Ack{{Op: e.opOf(kindA, "edited")}, {}})
	}},
	{"Ack: op names another entity than the stored op", func(e *env) error {
		op := e.opOf(kindA, "edited")
		other := e.opOf(kindA, "new")
		other.EntityID = "edited"
		return e.s.Ack(e.ctx, []core.Ack{{Op: op}, {Op: other, Server: ptr(server(kindA, "edited", "t9", ""))}})
	}},
	{"AckAndMark: op names another entity than the stored op, and the next batch stays unmarked", func(e *env) error {
		op := e.opOf(kindA, "edited")
		other := e.opOf(kindA, "new")
		other.EntityID = "edited"
		_, err := ackAndMark(e.ctx, e.s, []core.Ack{{Op: op}, {Op: other, Server: ptr(server(kindA, "edited", "t9", ""))}}, e.outbox())
		return err
	}},
	{"Resolve: op of another entity than the stored op", func(e *env) error {
		op := e.opOf(kindA, "edited")
		op.EntityID = "synced"
		op.Payload = raw(`{"id":"synced"}`)
		return e.s.Resolve(e.ctx, op, nil, false)
	}},
	{"Resolve: local record of another entity", func(e *env) error {
		op := e.opOf(kindA, "edited")
		op.Attempt = 1
		return e.s.Resolve(e.ctx, op, &core.Record{Kind: kindA, ID: "synced", Data: raw(`{"id":"synced"}`)}, false)
	}},
	{"Resolve: local record not an object", func(e *env) error {
		op := e.opOf(kindA, "edited")
		op.Attempt = 1
		return e.s.Resolve(e.ctx, op, &core.Record{Kind: kindA, ID: "edited", Data: raw(`null`)}, false)
	}},
	{"Park: a parked op without id after a valid one", func(e *env) error {
		return e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "edited")}, {Reason: "?"}})
	}},
	{"ResetCursors: an invalid kind after a valid one", func(e *env) error {
		return e.s.ResetCursors(e.ctx, []string{kindA, "Bad"}, true)
	}},
	{"PutConflict: no id", func(e *env) error {
		return e.s.PutConflict(e.ctx, core.Conflict{Kind: kindA, EntityID: "x"})
	}},
	{"SetMeta: empty key", func(e *env) error { return e.s.SetMeta(e.ctx, "", "v") }},
	{"Get: invalid kind", func(e *env) error { _, _, err := e.s.Get(e.ctx, "", "x"); return err }},
	{"Get: empty id", func(e *env) error { _, _, err := e.s.Get(e.ctx, kindA, ""); return err }},
	{"List: invalid kind", func(e *env) error { _, err := e.s.List(e.ctx, "9x"); return err }},
	{"Cursor: invalid kind", func(e *env) error { _, err := e.s.Cursor(e.ctx, "x-y"); return err }},
}

var invalidTests = func() []test {
	var ts []test
	for _, c := range invalidCases {
		ts = append(ts, test{c.name + " → invalid, nothing applied", func(e *env) {
			ids := populate(e)
			before := snapshot(e, kindA, ids...)
			requireCode(e, c.call(e), core.ErrInvalid)
			require.Equal(e, before, snapshot(e, kindA, ids...))
		}})
	}
	ts = append(ts, test{"a cancelled context changes nothing", func(e *env) {
		ids := populate(e)
		before := snapshot(e, kindA, ids...)
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		_, err := e.s.WriteLocal(ctx, []core.LocalWrite{e.upsert(kindA, "fresh", `{"id":"fresh"}`)})
		requireCode(e, err, core.ErrCancelled)
		_, err = e.s.ApplyPage(ctx, kindA, []core.Record{server(kindA, "fresh", "t9", "")}, core.Cursor{UpdatedAt: "t9", ID: "fresh"})
		requireCode(e, err, core.ErrCancelled)
		require.Equal(e, before, snapshot(e, kindA, ids...))
	}})
	return ts
}()
