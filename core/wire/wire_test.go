package wire

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonv"
	"github.com/offsync/offsync/internal/jsonv/jsonvtest"
	"github.com/stretchr/testify/require"
)

// The hand-written encoders and decoders of wire.go against encoding/json on the same types'
// tags, on random values.

func randStrings(r *rand.Rand) []string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.IntN(3))
	for i := range out {
		out[i] = jsonvtest.String(r)
	}
	return out
}

func randOp(r *rand.Rand) core.Op {
	return core.Op{OpID: jsonvtest.String(r), Seq: jsonvtest.Int(r), Kind: jsonvtest.String(r), EntityID: jsonvtest.String(r),
		Type: core.OpType(jsonvtest.String(r)), Payload: core.RawJSON(jsonvtest.Raw(r)), BaseUpdatedAt: jsonvtest.String(r),
		ChangedFields: randStrings(r), LocalTimestamp: jsonvtest.Int(r), InFlight: r.IntN(2) == 0,
		Attempt: int(jsonvtest.Int(r) % 100), Force: r.IntN(2) == 0}
}

func randEvent(r *rand.Rand) core.Event {
	e := core.Event{Type: core.EventType(jsonvtest.String(r)), Phase: jsonvtest.String(r), Kind: jsonvtest.String(r), Kinds: randStrings(r),
		Done: int(jsonvtest.Int(r)), Total: int(jsonvtest.Int(r)), Discarded: randStrings(r), IDs: randStrings(r),
		Origin: jsonvtest.String(r), Reason: jsonvtest.String(r), ClearData: r.IntN(2) == 0, ID: jsonvtest.String(r),
		OpID: jsonvtest.String(r), StatusCode: int(jsonvtest.Int(r)), LocalFields: randStrings(r), ServerFields: randStrings(r)}
	if r.IntN(2) == 0 {
		e.Stats = &core.Stats{Pushed: int(jsonvtest.Int(r)), Pulled: 2, Conflicts: 3, ConflictsResolved: 4, Errors: 5, DurationMs: jsonvtest.Int(r)}
	}
	if r.IntN(2) == 0 {
		e.Conflict = &core.Conflict{ID: jsonvtest.String(r), Kind: jsonvtest.String(r), EntityID: jsonvtest.String(r), OpID: jsonvtest.String(r),
			Local: core.RawJSON(jsonvtest.Raw(r)), Server: core.RawJSON(jsonvtest.Raw(r)), ServerDeleted: r.IntN(2) == 0, LocalDeleted: r.IntN(2) == 0,
			ChangedFields: randStrings(r), ServerUpdatedAt: jsonvtest.String(r), BaseUpdatedAt: jsonvtest.String(r), DetectedAtMs: jsonvtest.Int(r)}
	}
	if r.IntN(2) == 0 {
		e.Resolution = &core.Resolution{Action: core.Action(jsonvtest.String(r)), Data: core.RawJSON(jsonvtest.Raw(r))}
	}
	if r.IntN(2) == 0 {
		e.Parked = &core.ParkedOp{Op: randOp(r), Status: int(jsonvtest.Int(r)), Reason: jsonvtest.String(r), ParkedAtMs: jsonvtest.Int(r)}
	}
	if r.IntN(2) == 0 {
		e.Status = &core.Status{Online: r.IntN(2) == 0, Syncing: true, Pending: int(jsonvtest.Int(r)), LastSyncedAt: jsonvtest.Int(r)}
	}
	if r.IntN(2) == 0 {
		e.Records = []core.RawJSON{core.RawJSON(jsonvtest.Raw(r)), nil}
	}
	if r.IntN(2) == 0 {
		e.Err = core.Errorf(core.CodeConflict, "op", "bad <%s>", jsonvtest.String(r))
	} else if r.IntN(2) == 0 {
		e.Err = errors.New(jsonvtest.String(r))
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

func TestWireAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		msg := "case " + strconv.Itoa(i)
		ev := randEvent(r)
		jsonvtest.SameJSON(t, refEvent(ev), AppendEvent(nil, ev), msg)
		if ev.Records == nil && ev.Conflict == nil && ev.Parked == nil && ev.Resolution == nil {
			require.Equal(t, jsonvtest.Canon(refEvent(ev)), jsonvtest.Canon(AppendEvent(nil, ev)), msg) // byte for byte
		}

		op := randOp(r)
		want, err := json.Marshal(op)
		require.NoError(t, err)
		got := AppendOp(nil, op)
		jsonvtest.SameJSON(t, want, got, msg)
		var back, ref core.Op
		require.NoError(t, DecodeOp(got, &back))
		require.NoError(t, json.Unmarshal(got, &ref))
		require.Equal(t, ref, back, msg)

		res := core.Resolution{Action: core.Action(jsonvtest.String(r)), Data: core.RawJSON(jsonvtest.Raw(r))}
		want, _ = json.Marshal(res)
		got = AppendResolution(nil, res)
		jsonvtest.SameJSON(t, want, got, msg)
		var rb, rr core.Resolution
		require.NoError(t, DecodeResolution(got, &rb))
		require.NoError(t, json.Unmarshal(got, &rr))
		require.Equal(t, rr, rb, msg)

		sa := core.SetAside{Kind: jsonvtest.String(r), ID: jsonvtest.String(r), UpdatedAt: jsonvtest.String(r), Reason: jsonvtest.String(r), SeenAtMs: jsonvtest.Int(r)}
		want, _ = json.Marshal(sa)
		require.Equal(t, jsonvtest.Canon(want), jsonvtest.Canon(sa.AppendJSON(nil)), msg)

		st := core.Status{Online: r.IntN(2) == 0, Syncing: r.IntN(2) == 0, Pending: int(jsonvtest.Int(r)), LastSyncedAt: jsonvtest.Int(r)}
		want, _ = json.Marshal(st)
		require.Equal(t, jsonvtest.Canon(want), jsonvtest.Canon(AppendStatus(nil, st)), msg)
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
