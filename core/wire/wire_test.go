package wire

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonv"
	"github.com/stretchr/testify/require"
)

// The hand-written encoders and decoders of wire.go against encoding/json on the same types'
// tags, on random values.

// randString mixes plain text with what needs escaping.
func randString(r *rand.Rand) string {
	parts := []string{"", "a", "id-1", "<b>&", "\"q\"", "\\", "\n\t", "é", "😀", "\u2028", "\x00", "\xff"}
	s := ""
	for range r.IntN(4) {
		s += parts[r.IntN(len(parts))]
	}
	return s
}

func randStrings(r *rand.Rand) []string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.IntN(3))
	for i := range out {
		out[i] = randString(r)
	}
	return out
}

func randRaw(r *rand.Rand) core.RawJSON {
	raws := []string{"", "null", `{"id":"x","n":1}`, `[1,"a",{"b":null}]`, `"s"`, `12.5`}
	if s := raws[r.IntN(len(raws))]; s != "" {
		return core.RawJSON(s)
	}
	return nil
}

func randInt(r *rand.Rand) int64 {
	if r.IntN(2) == 0 {
		return 0
	}
	return r.Int64N(1<<53) - 1<<52
}

func randOp(r *rand.Rand) core.Op {
	return core.Op{OpID: randString(r), Seq: randInt(r), Kind: randString(r), EntityID: randString(r),
		Type: core.OpType(randString(r)), Payload: randRaw(r), BaseUpdatedAt: randString(r),
		ChangedFields: randStrings(r), LocalTimestamp: randInt(r), InFlight: r.IntN(2) == 0,
		Attempt: int(randInt(r) % 100), Force: r.IntN(2) == 0}
}

func randEvent(r *rand.Rand) core.Event {
	e := core.Event{Type: core.EventType(randString(r)), Phase: randString(r), Kind: randString(r), Kinds: randStrings(r),
		Done: int(randInt(r)), Total: int(randInt(r)), Discarded: randStrings(r), IDs: randStrings(r),
		Origin: randString(r), Reason: randString(r), ClearData: r.IntN(2) == 0, ID: randString(r),
		OpID: randString(r), StatusCode: int(randInt(r)), LocalFields: randStrings(r), ServerFields: randStrings(r)}
	if r.IntN(2) == 0 {
		e.Stats = &core.Stats{Pushed: int(randInt(r)), Pulled: 2, Conflicts: 3, ConflictsResolved: 4, Errors: 5, DurationMs: randInt(r)}
	}
	if r.IntN(2) == 0 {
		e.Conflict = &core.Conflict{ID: randString(r), Kind: randString(r), EntityID: randString(r), OpID: randString(r),
			Local: randRaw(r), Server: randRaw(r), ServerDeleted: r.IntN(2) == 0, LocalDeleted: r.IntN(2) == 0,
			ChangedFields: randStrings(r), ServerUpdatedAt: randString(r), BaseUpdatedAt: randString(r), DetectedAtMs: randInt(r)}
	}
	if r.IntN(2) == 0 {
		e.Resolution = &core.Resolution{Action: core.Action(randString(r)), Data: randRaw(r)}
	}
	if r.IntN(2) == 0 {
		e.Parked = &core.ParkedOp{Op: randOp(r), Status: int(randInt(r)), Reason: randString(r), ParkedAtMs: randInt(r)}
	}
	if r.IntN(2) == 0 {
		e.Status = &core.Status{Online: r.IntN(2) == 0, Syncing: true, Pending: int(randInt(r)), LastSyncedAt: randInt(r)}
	}
	if r.IntN(2) == 0 {
		e.Records = []core.RawJSON{randRaw(r), nil}
	}
	if r.IntN(2) == 0 {
		e.Err = core.Errorf(core.CodeConflict, "op", "bad <%s>", randString(r))
	} else if r.IntN(2) == 0 {
		e.Err = errors.New(randString(r))
	}
	return e
}

// refEvent is Event's JSON as encoding/json wrote it before AppendEvent.
func refEvent(e core.Event) []byte {
	type plain core.Event
	type errorJSON struct {
		Code      core.Code `json:"code"`
		Retryable bool      `json:"retryable"`
		Message   string    `json:"message"`
	}
	out := struct {
		plain
		Error *errorJSON `json:"error,omitempty"`
	}{plain: plain(e)}
	if e.Err != nil {
		out.Error = &errorJSON{Code: core.CodeOf(e.Err), Retryable: core.IsRetryable(e.Err), Message: e.Err.Error()}
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	return b
}

// sameJSON compares two encodings as values: encoding/json also escapes <, > and & inside
// raw values, which JSON.parse reads the same.
func sameJSON(t *testing.T, want, got []byte, msg string) {
	t.Helper()
	var w, g any
	require.NoError(t, json.Unmarshal(want, &w), msg)
	require.NoError(t, json.Unmarshal(got, &g), "%s: %s", msg, got)
	require.Equal(t, w, g, msg)
}

func TestWireAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		msg := "case " + strconv.Itoa(i)
		ev := randEvent(r)
		sameJSON(t, refEvent(ev), AppendEvent(nil, ev), msg)
		if ev.Records == nil && ev.Conflict == nil && ev.Parked == nil && ev.Resolution == nil {
			require.Equal(t, string(refEvent(ev)), string(AppendEvent(nil, ev)), msg) // byte for byte
		}

		op := randOp(r)
		want, err := json.Marshal(op)
		require.NoError(t, err)
		got := AppendOp(nil, op)
		sameJSON(t, want, got, msg)
		var back, ref core.Op
		require.NoError(t, DecodeOp(got, &back))
		require.NoError(t, json.Unmarshal(got, &ref))
		require.Equal(t, ref, back, msg)

		res := core.Resolution{Action: core.Action(randString(r)), Data: randRaw(r)}
		want, _ = json.Marshal(res)
		got = AppendResolution(nil, res)
		sameJSON(t, want, got, msg)
		var rb, rr core.Resolution
		require.NoError(t, DecodeResolution(got, &rb))
		require.NoError(t, json.Unmarshal(got, &rr))
		require.Equal(t, rr, rb, msg)

		sa := core.SetAside{Kind: randString(r), ID: randString(r), UpdatedAt: randString(r), Reason: randString(r), SeenAtMs: randInt(r)}
		want, _ = json.Marshal(sa)
		require.Equal(t, string(want), string(sa.AppendJSON(nil)), msg)

		st := core.Status{Online: r.IntN(2) == 0, Syncing: r.IntN(2) == 0, Pending: int(randInt(r)), LastSyncedAt: randInt(r)}
		want, _ = json.Marshal(st)
		require.Equal(t, string(want), string(AppendStatus(nil, st)), msg)
	}
}

// FuzzDecodeOp decodes any text as an op both ways: the same error or the same op.
func FuzzDecodeOp(f *testing.F) {
	f.Add([]byte(`{"opId":"o","seq":3,"kind":"k","ID":"e","type":"upsert","payload":{"a":1},"changedFields":["a"],"attempt":2}`))
	f.Add([]byte(`{"seq":1.5}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var want, got core.Op
		werr := json.Unmarshal(b, &want)
		err := jsonvCheckThen(b, func() error { return DecodeOp(b, &got) })
		require.Equal(t, werr == nil, err == nil, "%q: %v / %v", b, werr, err)
		if err == nil {
			require.Equal(t, want, got)
		}
	})
}

func jsonvCheckThen(b []byte, fn func() error) error {
	if err := jsonv.Check(b); err != nil {
		return err
	}
	return fn()
}
