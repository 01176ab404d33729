package main

import (
	"context"
	"encoding/json"
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These run in headless Chromium (make test-wasm): the bridge's own parts against the real
// JS engine, without the engine or a server.

func jsFunc(body string) js.Value { return js.Global().Get("Function").New(body) }

func TestAwait(t *testing.T) {
	cases := []struct {
		name    string
		value   js.Value
		timeout time.Duration
		want    string
		code    core.Code
	}{
		{name: "plain value", value: js.ValueOf("x"), want: "x"},
		{name: "resolved", value: jsFunc("return Promise.resolve('ok')").Invoke(), want: "ok"},
		{name: "async later", value: jsFunc("return new Promise(r => setTimeout(() => r('late'), 20))").Invoke(), want: "late"},
		{name: "rejected with an Error", value: jsFunc("return Promise.reject(new Error('boom'))").Invoke(), code: core.CodeAuth},
		{name: "rejected with a string", value: jsFunc("return Promise.reject('plain')").Invoke(), code: core.CodeAuth},
		{name: "never settles", value: jsFunc("return new Promise(() => {})").Invoke(), timeout: 30 * time.Millisecond, code: core.CodeTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			v, err := await(ctx, tc.value, core.CodeAuth, "test")
			if tc.code != "" {
				require.Error(t, err)
				assert.Equal(t, tc.code, core.CodeOf(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, v.String())
		})
	}
}

func TestRejectionKeepsMessage(t *testing.T) {
	_, err := await(context.Background(), jsFunc("return Promise.reject(new Error('boom'))").Invoke(), core.CodeConflict, "merge")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "boom")
	assert.True(t, errors.Is(err, core.ErrConflict))
}

func TestCallbacksThatThrowBecomeErrors(t *testing.T) {
	ctx := context.Background()
	_, err := tokenFunc(jsFunc("throw new Error('sync throw')"))(ctx)
	assert.Equal(t, core.CodeAuth, core.CodeOf(err), "a synchronous throw is an auth error, not a panic")
	_, err = tokenFunc(jsFunc("return 42"))(ctx)
	assert.Equal(t, core.CodeAuth, core.CodeOf(err), "a non-string token")
	tok, err := tokenFunc(jsFunc("return Promise.resolve('Bearer t')"))(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Bearer t", tok)

	c := core.Conflict{ID: "op1", Kind: "note", EntityID: "n1", Local: []byte(`{"id":"n1"}`)}
	_, err = mergeFunc(jsFunc("return 'not json{'"))(ctx, c)
	assert.Equal(t, core.CodeConflict, core.CodeOf(err))
	merged, err := mergeFunc(jsFunc("const c = JSON.parse(arguments[0]); return JSON.stringify({id: c.entityId, m: 1})"))(ctx, c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"n1","m":1}`, string(merged))
	_, err = resolverFunc(jsFunc("return Promise.reject(new Error('no'))"))(ctx, c)
	assert.Equal(t, core.CodeConflict, core.CodeOf(err))
	r, err := resolverFunc(jsFunc("return JSON.stringify({action: 'acceptServer'})"))(ctx, c)
	require.NoError(t, err)
	assert.Equal(t, core.AcceptServer, r.Action)
}

func TestJSErrorCarriesCodeRetryableAndStats(t *testing.T) {
	e := jsError(core.Errorf(core.CodeNetwork, "push", "down"))
	assert.Equal(t, "network", e.Get("code").String())
	assert.True(t, e.Get("retryable").Bool())
	assert.True(t, e.InstanceOf(js.Global().Get("Error")))
	e = jsError(&statsError{err: core.Errorf(core.CodeAuth, "pull", "401"), stats: core.Stats{Pushed: 3}})
	assert.Equal(t, "auth", e.Get("code").String())
	assert.False(t, e.Get("retryable").Bool())
	assert.Equal(t, 3, e.Get("stats").Get("pushed").Int())
}

func TestFetchDoer(t *testing.T) {
	ctx := context.Background()
	resp, err := testDoer(t).Do(ctx, &rest.Request{Method: "GET", URL: "data:application/json,%7B%22a%22%3A1%7D"})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, "application/json", resp.Header["content-type"], "header names are lower case")
	assert.JSONEq(t, `{"a":1}`, string(resp.Body))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = testDoer(t).Do(cancelled, &rest.Request{Method: "GET", URL: "data:,x"})
	assert.Equal(t, core.CodeCancelled, core.CodeOf(err))

	d := testDoer(t)
	d.timeout = 5 * time.Second
	_, err = d.Do(ctx, &rest.Request{Method: "GET", URL: "http://127.0.0.1:1/health"})
	require.Error(t, err)
	assert.Equal(t, core.CodeNetwork, core.CodeOf(err), "no answer at all is a network error")
}

// A fetch the app (or its test tooling) wraps after the client opened is the one used.
func TestFetchDoerUsesTheFetchOfTheMoment(t *testing.T) {
	d := testDoer(t)
	orig := js.Global().Get("fetch")
	calls := 0
	wrapper := js.FuncOf(func(_ js.Value, args []js.Value) any {
		calls++
		return orig.Invoke(arg(args, 0), arg(args, 1))
	})
	js.Global().Set("fetch", wrapper)
	t.Cleanup(func() {
		js.Global().Set("fetch", orig)
		wrapper.Release()
	})
	resp, err := d.Do(context.Background(), &rest.Request{Method: "GET", URL: "data:application/json,%7B%7D"})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, 1, calls)
}

func TestOptions(t *testing.T) {
	bad := []string{
		`{`,
		`{"baseUrl":"http://x","kinds":["a"],"storage":"memory"}`,
		`{"name":"n","kinds":["a"],"storage":"memory"}`,
		`{"name":"n","baseUrl":"http://x","kinds":[],"storage":"memory"}`,
		`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"disk"}`,
		`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory","conflictStrategy":"x"}`,
		`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory","tableConflictConfigs":{"a":{"strategy":"y"}}}`,
		`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory","maxConflictRetries":0}`,
		`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory","tableConflictConfigs":{"b":{}}}`,
		`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory","maxConflictRetries":-2}`,
	}
	for _, s := range bad {
		_, err := parseOptions(s)
		assert.Equal(t, core.CodeInvalid, core.CodeOf(err), s)
	}
	o, err := parseOptions(`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory","maxRetries":0,
		"backoffMinMs":0,"backoffMaxMs":250,"fullResyncIntervalMs":0,"requestTimeoutMs":0,
		"tableConflictConfigs":{"a":{"strategy":"serverWins"}}}`)
	require.NoError(t, err)
	c := o.engineConfig()
	assert.Equal(t, new(0), c.MaxRetries, "JS 0 retries means none, as in core")
	assert.Equal(t, new(time.Duration(0)), c.BackoffMin, "JS 0 backoff means no wait, as in core")
	assert.Equal(t, new(250*time.Millisecond), c.BackoffMax)
	assert.Equal(t, new(time.Duration(0)), c.FullResyncInterval, "0 means never, as in core")
	assert.Equal(t, core.ServerWins, c.KindStrategies["a"])
	assert.Zero(t, o.requestTimeout(), "0 means no bound")
	o, err = parseOptions(`{"name":"n","baseUrl":"http://x","kinds":["a"],"storage":"memory"}`)
	require.NoError(t, err)
	assert.Equal(t, defaultRequestTimeout, o.requestTimeout())
	c = o.engineConfig()
	assert.Nil(t, c.MaxRetries, "absent means core's default")
	assert.Nil(t, c.MaxConflictRetries, "absent means core's default")
	assert.Nil(t, c.BackoffMin, "absent means core's default")
	assert.Nil(t, c.BackoffMax, "absent means core's default")
	assert.Nil(t, c.FullResyncInterval, "absent means core's default")

	o, err = parseOptions(`{"name":"n","baseUrl":"http://x","kinds":["a","b"],"storage":"memory","maxConflictRetries":7,
		"tableConflictConfigs":{"a":{},"b":{"strategy":"merge"}}}`)
	require.NoError(t, err)
	c = o.engineConfig()
	assert.Equal(t, new(7), c.MaxConflictRetries)
	assert.Equal(t, map[string]core.Strategy{"b": core.Merge}, c.KindStrategies, "a kind without a strategy takes conflictStrategy")
}

func TestKindFuncs(t *testing.T) {
	obj := js.Global().Get("Object").New()
	obj.Set("note", jsFunc("return '{}'"))
	obj.Set("task", "not a function")
	got := kindFuncs(obj)
	assert.Len(t, got, 1)
	assert.Equal(t, js.TypeFunction, got["note"].Type())
	assert.Empty(t, kindFuncs(js.Undefined()))
}

func TestEventsCarryTheSeedFields(t *testing.T) {
	err := &core.Error{Code: core.CodeServer, Retryable: true, Msg: "HTTP 503", HTTPStatus: 503}
	var got []map[string]any
	// Into a used buffer, as the pump's second batch is.
	text, _ := encodeBatch([]byte("[stale]"), []core.Event{
		{Type: core.EventOperationFailed, Kind: "note", ID: "n1", OpID: "op1", StatusCode: 503, Err: err},
		{Type: core.EventError, Phase: "pull", StatusCode: 503, Err: err},
		{Type: core.EventDataMerged, Kind: "note", ID: "n1", LocalFields: []string{"a"}, ServerFields: []string{"b"}},
	})
	require.NoError(t, json.Unmarshal([]byte(text), &got))
	require.Len(t, got, 3)
	assert.Equal(t, map[string]any{"type": "operationFailed", "kind": "note", "id": "n1", "opId": "op1", "statusCode": 503.0,
		"error": map[string]any{"code": "server", "retryable": true, "message": "server: HTTP 503"}}, got[0])
	assert.Equal(t, "pull", got[1]["phase"])
	assert.Equal(t, 503.0, got[1]["statusCode"])
	assert.Equal(t, []any{"a"}, got[2]["localFields"])
	assert.Equal(t, []any{"b"}, got[2]["serverFields"])
}
