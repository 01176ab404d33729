//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storetest"
)

// packAllOptions is o with helpers that pack every row's data (helpers.js packAll).
func packAllOptions(o Options) Options {
	o.Helpers = js.Global().Get("Function").New(helperSource).Invoke()
	o.Helpers.Call("packAll")
	return o
}

// TestConformancePacked runs the Store and query suites over rows whose data is stored as
// UTF-8 bytes whatever its length and characters, so that every read path meets packed rows.
func TestConformancePacked(t *testing.T) {
	t.Run("store", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) core.Store { return openFreshWith(t, packAllOptions(Options{})) })
	})
	t.Run("queries", func(t *testing.T) {
		storetest.RunQueries(t, func(t *testing.T, indexes map[string][]core.IndexSpec) core.Store {
			return openFreshWith(t, packAllOptions(Options{Indexes: indexes}))
		})
	})
}

// rowForms reads every records row of database name as IndexedDB holds it (readRawUnchecked):
// id → "string" when its data is a string, "bytes" when a Uint8Array (JSON.stringify writes one
// as an object), else the data's JSON.
func rowForms(t *testing.T, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, row := range readRawUnchecked(t, name).Rows {
		var id string
		require.NoError(t, json.Unmarshal(row["id"], &id))
		switch d := row["data"]; {
		case len(d) > 0 && d[0] == '"':
			out[id] = "string"
		case len(d) > 0 && d[0] == '{':
			out[id] = "bytes"
		default:
			out[id] = string(d)
		}
	}
	return out
}

// TestWideTextsStoredAsUTF8 checks the rows as IndexedDB holds them: data of 1,024 characters
// or more with one past U+00FF is stored as UTF-8 bytes, whichever write put it (a local write,
// a pulled page, a push's acknowledgement), shorter or narrower data as a string; every read
// (Get, List, the outbox's payloads) gives the text back exactly.
func TestWideTextsStoredAsUTF8(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	s := openAt(t, name)
	body := func(id, text string) string { return `{"id":"` + id + `","t":"` + text + `"}` }
	wide := strings.Repeat("Ωμέγα 日本 ", 120)      // 1,200 characters, Greek and CJK
	latin := strings.Repeat("crème brûlée ", 100) // 1,300 characters, none past U+00FF
	want := map[string]string{
		"local-wide":   body("local-wide", wide),
		"local-short":  body("local-short", "Ωμέγα"),
		"local-latin":  body("local-latin", latin),
		"pulled-wide":  body("pulled-wide", "📦 "+wide),
		"pulled-latin": body("pulled-latin", latin),
		"acked-wide":   body("acked-wide", "ascii only before the ack"),
		// Past the reused buffer helpers.js encodes into (scratchMax): encoded on its own.
		"local-huge": body("local-huge", strings.Repeat("Ωμέγα 日本 ", 36_000)),
	}
	var ws []core.LocalWrite
	for _, id := range []string{"local-wide", "local-short", "local-latin", "acked-wide", "local-huge"} {
		ws = append(ws, upsert("note", id, want[id], "op-"+id))
	}
	_, err := s.WriteLocal(ctx, ws)
	require.NoError(t, err)
	_, err = s.ApplyPage(ctx, "note", []core.Record{
		{Kind: "note", ID: "pulled-latin", Data: core.RawJSON(want["pulled-latin"]), UpdatedAt: "v1"},
		{Kind: "note", ID: "pulled-wide", Data: core.RawJSON(want["pulled-wide"]), UpdatedAt: "v1"},
	}, core.Cursor{UpdatedAt: "v1", ID: "pulled-wide"})
	require.NoError(t, err)

	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 5)
	for _, o := range ops {
		assert.Equal(t, want[o.EntityID], string(o.Payload), "the outbox's payload of %s", o.EntityID)
	}
	var acked core.Op
	for _, o := range ops {
		if o.EntityID == "acked-wide" {
			acked = o
		}
	}
	marked, err := s.MarkInFlight(ctx, []core.Op{acked})
	require.NoError(t, err)
	require.Len(t, marked, 1)
	want["acked-wide"] = body("acked-wide", wide+" ✓")
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: marked[0], Server: &core.Record{Kind: "note", ID: "acked-wide", Data: core.RawJSON(want["acked-wide"]), UpdatedAt: "v2"}}}))

	assert.Equal(t, map[string]string{
		"local-wide": "bytes", "local-short": "string", "local-latin": "string",
		"pulled-wide": "bytes", "pulled-latin": "string", "acked-wide": "bytes",
		"local-huge": "bytes",
	}, rowForms(t, name))
	for id, text := range want {
		r, ok, err := s.Get(ctx, "note", id)
		require.NoError(t, err)
		require.True(t, ok, id)
		assert.Equal(t, text, string(r.Data), "Get %s", id)
	}
	list, err := s.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, list, len(want))
	for _, r := range list {
		assert.Equal(t, want[r.ID], string(r.Data), "List %s", r.ID)
	}
	ops, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 4, "the acknowledged op left")
	for _, o := range ops {
		assert.Equal(t, want[o.EntityID], string(o.Payload), "a payload read back from a packed row")
	}
}
