package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// The pulled-version rule (CONTRACT.md "Client-side handling of responses", core.PlanPageItem):
// a pulled item older than the stored record's version is not written, whoever wrote that
// version (an acknowledgement, a refetch, a pull before the cursor went back). The store alone
// must know: these tests run no engine. Versions are RFC 3339 times here, the only ones ordered.
const (
	at1 = "2026-03-01T10:00:01Z"
	at2 = "2026-03-01T10:00:02Z"
	at3 = "2026-03-01T10:00:03.5Z"
	at4 = "2026-03-01T10:00:04Z"
	at9 = "2026-03-01T10:00:09Z"
)

var olderTests = []test{
	{"an item older than the version an ack wrote is not applied", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a","v":"mine"}`))
		e.ack(core.Ack{Op: e.opOf(kindA, "a"), Server: ptr(server(kindA, "a", at3, `,"v":"acked"`))})
		// A lagging replica: the page lies after the cursor, the item before the ack's version.
		e.apply(kindA, []core.Record{server(kindA, "a", at2, `,"v":"old"`), server(kindA, "b", at2, "")},
			core.Cursor{UpdatedAt: at2, ID: "b"})
		got, _ := e.get(kindA, "a")
		require.Equal(e, at3, got.UpdatedAt)
		requireJSON(e, `{"id":"a","updatedAt":"`+at3+`","v":"acked"}`, got.Data)
		_, ok := e.get(kindA, "b")
		require.True(e, ok, "the rest of the page is applied")
		require.Equal(e, core.Cursor{UpdatedAt: at2, ID: "b"}, e.cursor(kindA), "the cursor moves past it")

		// The same instant in another offset is as old; a newer version is applied.
		e.apply(kindA, []core.Record{server(kindA, "a", "2026-03-01T12:00:02+02:00", `,"v":"old"`)},
			core.Cursor{UpdatedAt: "2026-03-01T12:00:02+02:00", ID: "a"})
		got, _ = e.get(kindA, "a")
		require.Equal(e, at3, got.UpdatedAt)
		newer := server(kindA, "a", at4, `,"v":"newer"`)
		e.apply(kindA, []core.Record{newer}, core.Cursor{UpdatedAt: at4, ID: "a"})
		got, _ = e.get(kindA, "a")
		require.Equal(e, newer, got)
	}},
	{"an item older than a refetched version is not applied", func(e *env) {
		// A refetch writes a version past the cursor without moving it.
		e.apply(kindA, []core.Record{server(kindA, "a", at9, `,"v":"refetched"`)}, core.Cursor{UpdatedAt: at1, ID: "z"})
		e.apply(kindA, []core.Record{server(kindA, "a", at2, `,"v":"old"`)}, core.Cursor{UpdatedAt: at2, ID: "a"})
		got, _ := e.get(kindA, "a")
		require.Equal(e, at9, got.UpdatedAt)
		// Other kinds keep their own cursor and versions.
		b := server(kindB, "a", at2, "")
		e.apply(kindB, []core.Record{b}, core.Cursor{UpdatedAt: at2, ID: "a"})
		got, _ = e.get(kindB, "a")
		require.Equal(e, b, got)
	}},
	{"an item older than a version pulled before the cursor went back is not applied", func(e *env) {
		e.apply(kindA, []core.Record{server(kindA, "a", at3, `,"v":"pulled"`)}, core.Cursor{UpdatedAt: at3, ID: "a"})
		require.NoError(e, e.s.ResetCursors(e.ctx, []string{kindA}, false))
		require.True(e, e.cursor(kindA).IsZero())
		e.apply(kindA, []core.Record{server(kindA, "a", at1, `,"v":"old"`)}, core.Cursor{UpdatedAt: at1, ID: "a"})
		got, _ := e.get(kindA, "a")
		require.Equal(e, at3, got.UpdatedAt)
	}},
	{"once the cursor passed an acked version, later items are applied as usual", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		e.ack(core.Ack{Op: e.opOf(kindA, "a"), Server: ptr(server(kindA, "a", at2, ""))})
		e.apply(kindA, []core.Record{server(kindA, "a", at2, "")}, core.Cursor{UpdatedAt: at2, ID: "a"})
		later := []core.Record{server(kindA, "a", at4, `,"v":4`), server(kindA, "c", at4, "")}
		e.apply(kindA, later, core.Cursor{UpdatedAt: at4, ID: "c"})
		require.Equal(e, later, e.list(kindA))
	}},
	{"undecidable versions are not older", func(e *env) {
		e.write(e.upsert(kindA, "a", `{"id":"a"}`))
		e.ack(core.Ack{Op: e.opOf(kindA, "a"), Server: ptr(server(kindA, "a", "v9", ""))})
		item := server(kindA, "a", at1, `,"v":1`)
		e.apply(kindA, []core.Record{item}, core.Cursor{UpdatedAt: at1, ID: "a"})
		got, _ := e.get(kindA, "a")
		require.Equal(e, item, got)
	}},
	{"a refetched record of the version stored is written over a dropped op's change", func(e *env) {
		synced := server(kindA, "a", at2, `,"v":"synced"`)
		at := core.Cursor{UpdatedAt: at2, ID: "a"}
		e.apply(kindA, []core.Record{synced}, at)
		// The refused edit keeps the version it was based on; its op is parked, then dropped.
		e.write(e.upsert(kindA, "a", `{"id":"a","v":"refused"}`))
		require.NoError(e, e.s.Park(e.ctx, []core.ParkedOp{{Op: e.opOf(kindA, "a"), Status: 400}}))
		require.NoError(e, e.s.Unpark(e.ctx, []string{e.parked()[0].Op.OpID}, false))
		got, _ := e.get(kindA, "a")
		require.Equal(e, at2, got.UpdatedAt)
		requireJSON(e, `{"id":"a","v":"refused"}`, got.Data)

		held, err := e.s.ApplyRefetched(e.ctx, kindA, synced, at)
		require.NoError(e, err)
		require.False(e, held)
		got, _ = e.get(kindA, "a")
		require.Equal(e, synced, got)
		require.Equal(e, at, e.cursor(kindA), "the cursor stays")

		// Pending ops hold it, as in a pull.
		e.write(e.upsert(kindA, "a", `{"id":"a","v":"pending"}`))
		held, err = e.s.ApplyRefetched(e.ctx, kindA, synced, at)
		require.NoError(e, err)
		require.True(e, held)
		got, _ = e.get(kindA, "a")
		requireJSON(e, `{"id":"a","v":"pending"}`, got.Data)
	}},
}
