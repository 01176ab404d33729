//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
	"github.com/stretchr/testify/require"
)

// jsonText and decodeJSON against encoding/json on the stored values' json tags: random values
// both ways, and a table of texts a helper (or a hand-edited database) could give.

func rs(r *rand.Rand) string {
	parts := []string{"", "a", "k1", "<&>", "\"", "\\", "\n", "é", "😀", "\u2028", "\xff"}
	s := ""
	for range r.IntN(3) {
		s += parts[r.IntN(len(parts))]
	}
	return s
}

func rsp(r *rand.Rand) *string {
	if r.IntN(3) == 0 {
		return nil
	}
	s := `{"x":` + strconv.Quote(rs(r)) + `}`
	return &s
}

func rss(r *rand.Rand) []string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	return []string{rs(r), rs(r)}
}

func ri(r *rand.Rand) int64 {
	if r.IntN(2) == 0 {
		return 0
	}
	return r.Int64N(1<<40) - 1<<39
}

func randOpValue(r *rand.Rand) opValue {
	return opValue{Seq: ri(r), OpID: rs(r), Kind: rs(r), EntityID: rs(r), Type: rs(r), Payload: rsp(r),
		Base: rs(r), Changed: rss(r), TS: ri(r), InFlight: r.IntN(2) == 0, Attempt: int(ri(r) % 50), Force: r.IntN(2) == 0}
}

// sameAsMarshal checks that our text decodes, under encoding/json, to what json.Marshal's does.
func sameAsMarshal[T any](t *testing.T, v T, ours string) {
	t.Helper()
	want, err := json.Marshal(v)
	require.NoError(t, err)
	var a, b any
	require.NoError(t, json.Unmarshal(want, &a))
	require.NoError(t, json.Unmarshal([]byte(ours), &b), ours)
	require.Equal(t, a, b)
}

// sameAsUnmarshal checks that decodeJSON reads text as json.Unmarshal does.
func sameAsUnmarshal[T any](t *testing.T, text string) {
	t.Helper()
	var want, got T
	werr := json.Unmarshal([]byte(text), &want)
	err := decodeJSON(text, &got)
	require.Equal(t, werr == nil, err == nil, "%q: %v / %v", text, werr, err)
	if err == nil {
		require.Equal(t, want, got, text)
	}
}

func TestJSONTextAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		recs := []recordValue{{Kind: rs(r), ID: rs(r), Data: rsp(r), UpdatedAt: rs(r), Deleted: r.IntN(2) == 0}}
		text := jsonText(recs)
		sameAsMarshal(t, recs, text)
		sameAsUnmarshal[[]recordValue](t, text)
		sameAsUnmarshal[[]*recordValue](t, text)

		ops := []opValue{randOpValue(r), randOpValue(r)}
		text = jsonText(ops)
		sameAsMarshal(t, ops, text)
		sameAsUnmarshal[[]*opValue](t, text)

		parked := []parkedValue{{N: ri(r), OpID: rs(r), Op: randOpValue(r), Status: int(ri(r)), Reason: rs(r), ParkedAt: ri(r)}}
		text = jsonText(parked)
		sameAsMarshal(t, parked, text)
		sameAsUnmarshal[[]parkedValue](t, text)
		sameAsUnmarshal[[]*parkedValue](t, text)

		conflicts := []conflictValue{{N: ri(r), ID: rs(r), Kind: rs(r), EntityID: rs(r), OpID: rs(r), Local: rsp(r),
			Server: rsp(r), ServerDeleted: r.IntN(2) == 0, LocalDeleted: r.IntN(2) == 0, Changed: rss(r),
			ServerUpdatedAt: rs(r), Base: rs(r), DetectedAt: ri(r)}}
		text = jsonText(conflicts)
		sameAsMarshal(t, conflicts, text)
		sameAsUnmarshal[[]conflictValue](t, text)

		cursors := []cursorValue{{Kind: rs(r), UpdatedAt: rs(r), ID: rs(r)}}
		text = jsonText(cursors)
		sameAsMarshal(t, cursors, text)
		sameAsUnmarshal[[]*cursorValue](t, text)

		keys := []entityKey{{rs(r), rs(r)}}
		sameAsMarshal(t, [][2]string{{keys[0].kind, keys[0].id}}, jsonText(keys))
		ss := rss(r)
		sameAsMarshal(t, ss, jsonText(ss))
		i64 := []int64{ri(r), ri(r)}
		sameAsMarshal(t, i64, jsonText(i64))
		n := []int{int(ri(r)), 3}
		sameAsMarshal(t, n, jsonText(n))
		anys := [][]any{{rs(r), []string{rs(r)}}, {[]string{"a"}, r.IntN(2) == 0}}
		sameAsMarshal(t, anys, jsonText(anys))
		s := rs(r)
		sameAsMarshal(t, s, jsonText(s))
		// An Ack's written records as the [kind, id, watermark, version] lists they were
		// written as before (the watermark a float64): H.raiseWatermarks reads the same text.
		ws := []storekit.AckWrite{{Kind: rs(r), ID: rs(r), Watermark: r.Int64N(1 << 53), Version: rs(r)}, {Kind: "k", ID: "i", Watermark: 1<<53 - 1, Version: "v"}}
		sameAsMarshal(t, [][]any{{ws[0].Kind, ws[0].ID, float64(ws[0].Watermark), ws[0].Version}, {"k", "i", float64(1<<53 - 1), "v"}}, ackWritesText(ws))
		sameAsMarshal(t, [][]any{}, ackWritesText(nil))
	}
}

func TestDecodeJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, text := range []string{
		`null`, `[]`, `[null]`, `[{"KIND":"k","Id":"i","data":null,"deleted":true}]`, `[{"kind":1}]`,
		`[{"seq":1.5}]`, `[{"seq":"1"}]`, `{"a":1}`, `[{"changed":["a",null],"payload":"{}"}]`, `[1,2`,
		`[{"op":{"seq":3,"eid":"e"},"status":409,"n":2}]`, `[{"op":null}]`, `[{"status":4294967296}]`,
	} {
		sameAsUnmarshal[[]recordValue](t, text)
		sameAsUnmarshal[[]*recordValue](t, text)
		sameAsUnmarshal[[]*opValue](t, text)
		sameAsUnmarshal[[]parkedValue](t, text)
		sameAsUnmarshal[[]conflictValue](t, text)
		sameAsUnmarshal[[]*cursorValue](t, text)
	}
	for _, text := range []string{`[true,false,null]`, `[1,null,2]`, `[["k","i"],["k"],["k","i","x"],null]`,
		`["a",null]`, `[1.5]`, `{"recs":[null,{"kind":"k"}],"ops":[[],[{"seq":1}],null],"parked":-1,"count":3}`} {
		sameAsUnmarshal[[]bool](t, text)
		sameAsUnmarshal[[]int64](t, text)
		sameAsUnmarshal[[]*int64](t, text)
		sameAsUnmarshal[[][2]string](t, text)
		sameAsUnmarshal[[]*string](t, text)
		sameAsUnmarshal[[]string](t, text)
		sameAsUnmarshal[loadedJSON](t, text)
	}
	for _, text := range []string{`["k",["a","b"]]`, `["k",null]`, `[null,["a"]]`, `["k"]`, `[1,["a"]]`, `"x"`, `["k",["a",1]]`} {
		var decl []core.RawJSON
		var wk string
		var wf []string
		want := json.Unmarshal([]byte(text), &decl) == nil && len(decl) == 2 &&
			json.Unmarshal(decl[0], &wk) == nil && json.Unmarshal(decl[1], &wf) == nil
		k, f, ok := indexDecl(text)
		require.Equal(t, want, ok, text)
		if ok {
			require.Equal(t, wk, k)
			require.Equal(t, wf, f)
		}
	}
}
