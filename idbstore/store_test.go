//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

func TestRoundTrip(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)

	res, err := s.WriteLocal(ctx, []core.LocalWrite{
		upsert("note", "b", `{"id":"b", "n": 1}`, "op1"),
		upsert("note", "a", `{"id":"a","n":2}`, "op2"),
		upsert("note", "b", `{"id":"b", "n": 3}`, "op3"),
	})
	require.NoError(t, err)
	require.Len(t, res.Records, 3)
	assert.Equal(t, 2, res.Pending, "op3 coalesced into op1")

	got, ok, err := s.Get(ctx, "note", "b")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, `{"id":"b", "n": 3}`, string(got.Data), "exact bytes kept")

	list, err := s.List(ctx, "note")
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "a", list[0].ID)

	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 2, "two edits of b coalesce into one op")
	assert.Equal(t, "op1", ops[0].OpID)
	assert.Equal(t, core.RawJSON(`{"id":"b", "n": 3}`), ops[0].Payload)
	assert.Less(t, ops[0].Seq, ops[1].Seq)

	srv := rec("note", "b", `{"id":"b","n":3,"updatedAt":"v1"}`)
	srv.UpdatedAt = "v1"
	require.NoError(t, s.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}}))
	got, _, err = s.Get(ctx, "note", "b")
	require.NoError(t, err)
	assert.Equal(t, "v1", got.UpdatedAt)
	n, err := s.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

// TestOddIDsAndVersions covers what the framed transfer must not break: separators in ids and
// version tokens (that batch falls back to JSON), non-BMP ids (IndexedDB orders by UTF-16 code
// units, List by bytes), and data bytes kept exactly.
func TestOddIDsAndVersions(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	ids := []string{"a\x1fb", "a\x1eb", "\uFFFD", "😀", "é", "z"}
	var items []core.Record
	for i, id := range ids {
		data, err := json.Marshal(map[string]any{"id": id, "n": i})
		require.NoError(t, err)
		items = append(items, core.Record{Kind: "note", ID: id, Data: data, UpdatedAt: "v\x1e" + id})
	}
	_, err := s.ApplyPage(ctx, "note", items, core.Cursor{UpdatedAt: "v", ID: "z"})
	require.NoError(t, err)
	_, err = s.ApplyPage(ctx, "note", []core.Record{
		{Kind: "note", ID: "plain", Data: core.RawJSON("{\"id\":\"plain\",\n  \"s\": \"\\u001f\"}"), UpdatedAt: "v1"},
	}, core.Cursor{UpdatedAt: "v1", ID: "plain"})
	require.NoError(t, err)

	list, err := s.List(ctx, "note")
	require.NoError(t, err)
	var got []string
	for _, r := range list {
		got = append(got, r.ID)
	}
	assert.Equal(t, []string{"a\x1eb", "a\x1fb", "plain", "z", "é", "\uFFFD", "😀"}, got)
	for _, r := range list {
		if r.ID == "plain" {
			assert.Equal(t, "{\"id\":\"plain\",\n  \"s\": \"\\u001f\"}", string(r.Data))
			continue
		}
		assert.Equal(t, "v\x1e"+r.ID, r.UpdatedAt)
		assert.Contains(t, string(r.Data), `"n"`)
	}
	r, ok, err := s.Get(ctx, "note", "😀")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "v\x1e😀", r.UpdatedAt)
}

// TestLocalWritesAreDurable checks that the app's own writes commit with the durability the
// Options ask (strict by default: flushed before "complete") and that the re-fetchable rest
// keeps the browser's default.
func TestLocalWritesAreDurable(t *testing.T) {
	cases := []struct {
		durability, want string
	}{
		{"", "strict"},
		{"strict", "strict"},
		{"relaxed", "relaxed"},
	}
	for _, tc := range cases {
		t.Run("durability "+tc.durability, func(t *testing.T) {
			ctx := testCtx(t)
			s, err := OpenWith(ctx, freshName(t), Options{Durability: tc.durability})
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			seen := js.Global().Get("Array").New()
			s.js.begin = jsFunc("orig, seen", `return (...args) => { const tx = orig(...args); seen.push(tx.durability); return tx; };`).
				Invoke(s.js.begin, seen)
			last := func() string { return seen.Index(seen.Length() - 1).String() }

			_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a"}`, "op-a")})
			require.NoError(t, err)
			assert.Equal(t, tc.want, last())
			_, err = s.Enqueue(ctx, []core.Op{{OpID: "op-b", Kind: "note", EntityID: "b", Type: core.OpDelete}})
			require.NoError(t, err)
			assert.Equal(t, tc.want, last())
			_, err = s.ApplyPage(ctx, "note", nil, core.Cursor{UpdatedAt: "v", ID: "x"})
			require.NoError(t, err)
			assert.Equal(t, "default", last())
		})
	}
}

func TestUnknownDurabilityIsInvalid(t *testing.T) {
	_, err := OpenWith(testCtx(t), freshName(t), Options{Durability: "lazy"})
	require.ErrorIs(t, err, core.ErrInvalid)
}
