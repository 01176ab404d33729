package main

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// callClient calls the client's dispatcher as offsync.js does and awaits its Promise; a
// rejection comes back as an error of the rejection's code.
func callClient(t *testing.T, h js.Value, args ...any) (js.Value, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wrap := jsFunc("return arguments[0].then((v) => ({ ok: true, v }), (e) => ({ ok: false, code: String(e && e.code) }))")
	r, err := await(ctx, wrap.Invoke(h.Call("call", args...)), core.CodeStorage, "test")
	require.NoError(t, err)
	if !r.Get("ok").Bool() {
		return js.Undefined(), core.Errorf(core.Code(r.Get("code").String()), "test", "rejected")
	}
	return r.Get("v"), nil
}

// openMemory opens a client with the memory store, the given indexes and an events listener
// that keeps every batch.
func openMemory(t *testing.T, indexes string) (js.Value, *[]core.Event) {
	t.Helper()
	var events []core.Event
	listener := js.FuncOf(func(_ js.Value, args []js.Value) any {
		var batch []core.Event
		if json.Unmarshal([]byte(args[0].String()), &batch) == nil {
			events = append(events, batch...)
		}
		return nil
	}) // JS callbacks and the test's goroutine never run at once (wasm is single-threaded)
	t.Cleanup(listener.Release)
	opts := `{"name":"q","baseUrl":"http://127.0.0.1:1","kinds":["note"],"storage":"memory","indexes":` + indexes + `}`
	h, err := openClient(opts, map[string]js.Value{"events": listener.Value}, nil, js.Undefined(), js.Undefined())
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = callClient(t, h.(js.Value), "close") })
	return h.(js.Value), &events
}

func TestQueryCountGetManyThroughTheBridge(t *testing.T) {
	h, events := openMemory(t, `{"note":["n",["tag","n"]]}`)
	_, err := callClient(t, h, "watching", "note", true) // a live query of note: changes carry their records
	require.NoError(t, err)
	_, err = callClient(t, h, "putMany", "note", `[{"id":"a","n":3,"tag":"x"},{"id":"b","n":1,"tag":"y"},{"id":"c","n":2,"tag":"x"},{"id":"d","tag":"x"}]`)
	require.NoError(t, err)
	_, err = callClient(t, h, "delete", "note", "b")
	require.NoError(t, err)

	v, err := callClient(t, h, "query", "note", `{"where":{"tag":"x","n":{"gte":2}},"orderBy":[["n","desc"]],"limit":5}`)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"id":"a","n":3,"tag":"x"},{"id":"c","n":2,"tag":"x"}]`, v.String())
	v, err = callClient(t, h, "query", "note", `{"orderBy":"n","offset":1,"limit":2}`)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"id":"c","n":2,"tag":"x"},{"id":"a","n":3,"tag":"x"}]`, v.String(), "missing n sorts first (null)")
	v, err = callClient(t, h, "query", "note")
	require.NoError(t, err)
	assert.Len(t, mustArray(t, v.String()), 3, "no query: every live record")

	v, err = callClient(t, h, "count", "note", `{"where":{"n":null}}`)
	require.NoError(t, err)
	assert.Equal(t, 1, v.Int(), "a missing field equals null")

	v, err = callClient(t, h, "getMany", "note", `["c","b","zz"]`)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"id":"c","n":2,"tag":"x"},null,null]`, v.String())

	for _, bad := range []string{`{"where":{"n":{"like":1}}}`, `{"where":{"n":{"in":3}}}`, `{"where":{"n":[1]}}`, `{"limit":-1}`, `not json`} {
		_, err = callClient(t, h, "query", "note", bad)
		assert.Equal(t, core.CodeInvalid, core.CodeOf(err), bad)
	}
	_, err = callClient(t, h, "count", "other", `{}`)
	assert.Equal(t, core.CodeInvalid, core.CodeOf(err), "unknown kind")

	// Local change events of a watched kind carry the stored records (null for a delete);
	// once nobody watches, their ids only.
	changes := func(n int) []core.Event {
		var out []core.Event
		require.Eventually(t, func() bool {
			out = out[:0]
			for _, e := range *events {
				if e.Type == core.EventChange {
					out = append(out, e)
				}
			}
			return len(out) >= n
		}, 5*time.Second, 10*time.Millisecond)
		require.Len(t, out, n)
		return out
	}
	got := changes(2)
	require.Len(t, got[0].Records, 4)
	assert.JSONEq(t, `{"id":"a","n":3,"tag":"x"}`, string(got[0].Records[0]))
	assert.Equal(t, []string{"b"}, got[1].IDs)
	assert.Equal(t, "null", string(got[1].Records[0]))
	_, err = callClient(t, h, "watching", "note", false)
	require.NoError(t, err)
	_, err = callClient(t, h, "putMany", "note", `[{"id":"e"},{"id":"f"}]`)
	require.NoError(t, err)
	got = changes(3)
	assert.Equal(t, []string{"e", "f"}, got[2].IDs)
	assert.Nil(t, got[2].Records, "nobody watches note")
}

func TestIndexOptions(t *testing.T) {
	base := `{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory","indexes":`
	for _, bad := range []string{`{"b":["x"]}`, `{"a":[""]}`, `{"a":[[]]}`, `{"a":["x.."]}`, `{"a":[1]}`, `{"a":["x","x"]}`, `["x"]`} {
		_, err := parseOptions(base + bad + `}`)
		assert.Equal(t, core.CodeInvalid, core.CodeOf(err), bad)
	}
	o, err := parseOptions(base + `{"a":["x",["y.z","x"]]}}`)
	require.NoError(t, err)
	assert.Equal(t, map[string][]core.IndexSpec{"a": {{"x"}, {"y.z", "x"}}}, o.indexes)
}

func mustArray(t *testing.T, s string) []core.RawJSON {
	var out []core.RawJSON
	require.NoError(t, json.Unmarshal([]byte(s), &out))
	return out
}

// TestDirectThroughTheBridge: direct() answers idbstore's plan for the queries JS runs by itself
// (idbstore's tests run those plans) and null for the rest, which go through call.
func TestDirectThroughTheBridge(t *testing.T) {
	opts := fmt.Sprintf(`{"name":"direct-%d","baseUrl":"http://127.0.0.1:1","kinds":["note"],"storage":"indexeddb","indexes":{"note":["n"]}}`, time.Now().UnixNano())
	hv, err := openClient(opts, map[string]js.Value{}, nil, js.Undefined(), js.Undefined())
	require.NoError(t, err)
	h := hv.(js.Value)
	t.Cleanup(func() { _, _ = callClient(t, h, "close") })
	_, err = callClient(t, h, "putMany", "note", `[{"id":"a","n":1},{"id":"b","n":2}]`)
	require.NoError(t, err)

	plan := h.Call("direct", "query", "note", `{"where":{"n":2},"limit":5}`)
	require.Equal(t, js.TypeObject, plan.Type())
	p := plan.Index(1)
	assert.Equal(t, `q:["note",["n"]]`, p.Get("index").String())
	assert.Equal(t, 5, p.Get("limit").Int())
	assert.Equal(t, 0, p.Get("offset").Int())
	assert.Equal(t, js.TypeObject, h.Call("direct", "count", "note", `{"where":{"n":{"gt":1}}}`).Type())
	for _, args := range [][]any{
		{"query", "note", `{"where":{"m":2}}`}, // no index: a scan
		{"query", "other", `{}`},               // unknown kind
		{"query", "note", `not json`},
		{"list", "note", `{}`},
		{"query", "note"},
	} {
		assert.True(t, h.Call("direct", args...).IsNull(), "%v", args)
	}
	mem, _ := openMemory(t, `{"note":["n"]}`)
	assert.True(t, mem.Call("direct", "query", "note", `{"where":{"n":2}}`).IsNull(), "memory store")
}
