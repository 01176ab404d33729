//go:build !js

package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// The bridge's decoders and encoders against encoding/json on the same types.

var optionSamples = []string{
	`{"name":"db","baseUrl":"http://x","kinds":["a","b"],"storage":"memory","conflictStrategy":"serverWins",
	  "tableConflictConfigs":{"a":{"strategy":"clientWins"},"b":{}},"pageSize":50,"pushBatchSize":10,
	  "pushConcurrency":2,"pullConcurrency":3,"maxRetries":0,"maxConflictRetries":4,"backoffMinMs":1.5,
	  "backoffMaxMs":1e3,"fullResyncIntervalMs":-1,"userAgent":"ua","requestTimeoutMs":null,"durability":"relaxed",
	  "indexes":{"a":["x",["y","z"]]}}`,
	`{"NAME":"n","maxRetries":null,"pageSize":1.5}`, `{"pageSize":"5"}`, `{"tableConflictConfigs":null}`,
	`{"tableConflictConfigs":{"a":{"strategy":1}}}`, `{"tableConflictConfigs":[]}`, `{"maxRetries":9223372036854775808}`,
	`{"tableConflictConfigs":{"a":{"strategy":"x"},"a":{}}}`, `null`, `[]`, `{"kinds":null}`, `{"indexes":null}`,
	`{"name":"a","Name":"b"}`, `{"backoffMinMs":1e400}`,
}

func checkOptions(t *testing.T, s string) {
	var want, got options
	werr := json.Unmarshal([]byte(s), &want)
	err := decodeArg(s, &got)
	require.Equal(t, werr == nil, err == nil, "%s: %v / %v", s, werr, err)
	if err == nil {
		require.Equal(t, want, got, s)
	}
}

func TestDecodeArgAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range optionSamples {
		checkOptions(t, s)
		var ws, gs syncArgs
		werr := json.Unmarshal([]byte(s), &ws)
		err := decodeArg(s, &gs)
		require.Equal(t, werr == nil, err == nil, s)
		if err == nil {
			require.Equal(t, ws, gs)
		}
	}
	for _, s := range []string{`{"kinds":["a"],"PUSHKINDS":[],"pullKinds":null}`, `{"kinds":"a"}`, `["x",null]`, `[1]`} {
		var ws, gs syncArgs
		werr := json.Unmarshal([]byte(s), &ws)
		err := decodeArg(s, &gs)
		require.Equal(t, werr == nil, err == nil, s)
		if err == nil {
			require.Equal(t, ws, gs)
		}
		var wl, gl []string
		werr = json.Unmarshal([]byte(s), &wl)
		err = decodeArg(s, &gl)
		require.Equal(t, werr == nil, err == nil, s)
		if err == nil {
			require.Equal(t, wl, gl)
		}
	}
}

func FuzzDecodeOptions(f *testing.F) {
	for _, s := range optionSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkOptions(t, s) })
}

func TestMarshalAgreesWithEncodingJSON(t *testing.T) {
	op := core.Op{OpID: "o", Seq: 3, Kind: "note", EntityID: "n<1>", Type: core.OpUpsert, Payload: []byte(`{"id":"n<1>"}`), ChangedFields: []string{"a"}, Attempt: 1}
	values := []any{
		core.Status{Online: true, Pending: 3},
		core.Stats{Pushed: 1, DurationMs: 12},
		op,
		[]core.Op{op, {OpID: "p", Type: core.OpDelete}},
		[]core.Op(nil),
		[]core.Conflict{{ID: "c", Local: []byte(`{"a":1}`), ChangedFields: nil, DetectedAtMs: 5}},
		[]core.ParkedOp{{Op: op, Status: 400, Reason: "bad"}},
		[]core.SetAside{{Kind: "k", ID: "\xff", Reason: "why"}},
		map[string]core.Cursor{"b": {UpdatedAt: "t", ID: "i"}, "a": {}},
		map[string]core.Cursor(nil),
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		got, err := marshal(v)
		require.NoError(t, err)
		var a, b any
		require.NoError(t, json.Unmarshal(want, &a))
		require.NoError(t, json.Unmarshal([]byte(got.(string)), &b), got)
		require.Equal(t, a, b)
	}
	_, err := marshal([]core.Conflict{{Server: []byte(`{"a":`)}})
	require.ErrorIs(t, err, errBadJSON)
	_, err = appendEvents(nil, []core.Event{{Type: core.EventChange, Records: []core.RawJSON{[]byte(`nope`)}}})
	require.ErrorIs(t, err, errBadJSON)
}
