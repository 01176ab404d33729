//go:build js && wasm

package idbstore

import (
	"fmt"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// TestWithTextsStoresTheCallsTexts: a row whose data is its entity's last write of the call
// stores that write's text from the call's texts (marked here by a field the data lacks, which
// a caller never does: the texts are the writes' data); a tombstone, a record that is not the
// write's data and a call whose texts do not match its writes in number store Go's copy.
func TestWithTextsStoresTheCallsTexts(t *testing.T) {
	ctx := testCtx(t)
	s := openAt(t, freshName(t))
	_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "d", `{"id":"d"}`, "op-0")})
	require.NoError(t, err)

	writes := []core.LocalWrite{
		upsert("note", "a", `{"id":"a"}`, "op-1"),
		upsert("note", "b", `{"id":"b","v":1}`, "op-2"),
		upsert("note", "b", `{"id":"b","v":2}`, "op-3"),
		upsert("note", "c", `{"id":"c"}`, "op-4"),
		{Kind: "note", ID: "c", Delete: true, OpID: "op-5"},
		{Kind: "note", ID: "d", Delete: true, OpID: "op-6"},
	}
	texts := []any{`{"id":"a","t":1}`, `{"id":"b","t":2}`, `{"id":"b","v":2,"t":3}`, `{"id":"c","t":4}`, "", ""}
	_, err = s.WriteLocal(WithTexts(ctx, js.ValueOf(texts), len(writes)), writes)
	require.NoError(t, err)
	want := map[string]string{"a": `{"id":"a","t":1}`, "b": `{"id":"b","v":2,"t":3}`}
	for id, data := range want {
		r, ok, err := s.Get(ctx, "note", id)
		require.NoError(t, err)
		require.True(t, ok, id)
		assert.Equal(t, data, string(r.Data), id)
	}
	for _, id := range []string{"c", "d"} {
		r, ok, err := s.Get(ctx, "note", id)
		require.NoError(t, err)
		require.True(t, ok, id)
		assert.True(t, r.Deleted, id)
	}

	_, err = s.WriteLocal(WithTexts(ctx, js.ValueOf([]any{`{"id":"e","t":1}`}), 1), []core.LocalWrite{
		upsert("note", "e", `{"id":"e"}`, "op-7"), upsert("note", "f", `{"id":"f"}`, "op-8"),
	})
	require.NoError(t, err)
	r, _, err := s.Get(ctx, "note", "e")
	require.NoError(t, err)
	assert.Equal(t, `{"id":"e"}`, string(r.Data), "texts of another number of writes are not used")
}

// TestWriteAheadStoresTheCallsText: a single create written ahead (one add, ahead.go) takes its
// row's data from the call's text too (marked as above), its op's payload with it (before, the
// write ahead stored Go's copy); the edit after it, read first (its entity was written lately),
// stores its text as well.
func TestWriteAheadStoresTheCallsText(t *testing.T) {
	ctx := testCtx(t)
	s := openAt(t, freshName(t))
	one := func(id, data, text, opID string) {
		t.Helper()
		_, err := s.WriteLocal(WithTexts(ctx, js.ValueOf([]any{text}), 1), []core.LocalWrite{upsert("note", id, data, opID)})
		require.NoError(t, err)
	}
	one("a", `{"id":"a"}`, `{"id":"a","t":1}`, "op-1")
	r, ok, err := s.Get(ctx, "note", "a")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, `{"id":"a","t":1}`, string(r.Data))
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 1)
	assert.Equal(t, `{"id":"a","t":1}`, string(ops[0].Payload), "the op's payload is the row's data")

	one("a", `{"id":"a","v":2}`, `{"id":"a","v":2,"t":2}`, "op-2")
	r, _, err = s.Get(ctx, "note", "a")
	require.NoError(t, err)
	assert.Equal(t, `{"id":"a","v":2,"t":2}`, string(r.Data), "an edit (read first) stores the text as well")
}

// storedData reads the data of row [kind, id] of database name as IndexedDB holds it: "string
// <length>", or "bytes <length> of <its buffer's length>" for a Uint8Array.
const storedData = `return new Promise((res, rej) => {
	const r = indexedDB.open(name);
	r.onsuccess = () => {
		const g = r.result.transaction('records').objectStore('records').get([kind, id]);
		g.onsuccess = () => {
			const d = g.result.data;
			r.result.close();
			res(typeof d === 'string' ? 'string ' + d.length : 'bytes ' + d.byteLength + ' of ' + d.buffer.byteLength);
		};
		g.onerror = () => rej(g.error);
	};
	r.onerror = () => rej(r.error);
})`

// TestWithTextsTakesTheirUTF8: putMany's texts ({text, utf8}, offsync.js arrayUTF8: utf8 a view
// into the whole array's bytes) give a row of wide text its bytes as they are (marked here: they
// are another text's, which a caller never does), copied out of the shared buffer (a row
// holding the view would store all of it), and leave other rows text.
func TestWithTextsTakesTheirUTF8(t *testing.T) {
	ctx := testCtx(t)
	name := freshName(t)
	s := openAt(t, name)
	wide := `{"id":"w","t":"` + strings.Repeat("日本語 ", 300) + `"}`
	latin := `{"id":"l","t":"` + strings.Repeat("é", 1200) + `"}`
	marked := strings.Replace(wide, `"t"`, `"m"`, 1)
	all := "[" + marked + "," + latin + "]"
	buf := js.Global().Get("Uint8Array").New(len(all))
	js.CopyBytesToJS(buf, []byte(all))
	view := func(from, n int) js.Value { return buf.Call("subarray", from, from+n) }
	texts := js.ValueOf([]any{
		map[string]any{"text": wide, "utf8": view(1, len(wide))},
		map[string]any{"text": latin, "utf8": view(2+len(wide), len(latin))},
	})
	writes := []core.LocalWrite{upsert("note", "w", wide, "op-1"), upsert("note", "l", latin, "op-2")}
	_, err := s.WriteLocal(WithTexts(ctx, texts, len(writes)), writes)
	require.NoError(t, err)
	read := jsFunc("name, kind, id", storedData)
	assert.Equal(t, fmt.Sprintf("bytes %d of %d", len(wide), len(wide)), jsAwait(t, read.Invoke(name, "note", "w")).String())
	assert.Equal(t, fmt.Sprintf("string %d", len([]rune(latin))), jsAwait(t, read.Invoke(name, "note", "l")).String())
	for id, data := range map[string]string{"w": marked, "l": latin} {
		r, ok, err := s.Get(ctx, "note", id)
		require.NoError(t, err)
		require.True(t, ok, id)
		assert.Equal(t, data, string(r.Data), id)
	}
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 2)
	assert.Equal(t, marked, string(ops[0].Payload), "the op's payload is the row's data")
}
