package core

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/offsync/offsync/internal/jsonv"
	"github.com/offsync/offsync/internal/jsonv/jsonvtest"
	"github.com/stretchr/testify/require"
)

// The hand-written encoders and decoders of jsoncodec.go against encoding/json on the same
// types' tags, on a table and on random values (core/wire's test covers the bridge's shapes).

func TestJSONCodecAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		msg := "case " + strconv.Itoa(i)
		ue := []unconfirmedEntry{{Kind: jsonvtest.String(r), ID: jsonvtest.String(r), Delete: r.IntN(2) == 0, Payload: RawJSON(jsonvtest.Raw(r))}}
		want, _ := json.Marshal(ue)
		got := jsonv.AppendList(nil, ue, appendUnconfirmed)
		jsonvtest.SameJSON(t, want, got, msg)
		ul, err := decodeList(got, decodeUnconfirmed)
		require.NoError(t, err)
		var uref []unconfirmedEntry
		require.NoError(t, json.Unmarshal(got, &uref))
		require.Equal(t, uref, ul, msg)

		sa := []SetAside{{Kind: jsonvtest.String(r), ID: jsonvtest.String(r), UpdatedAt: jsonvtest.String(r), Reason: jsonvtest.String(r), SeenAtMs: jsonvtest.Int(r)}}
		want, _ = json.Marshal(sa)
		got = jsonv.AppendList(nil, sa, func(b []byte, s SetAside) []byte { return s.AppendJSON(b) })
		require.Equal(t, jsonvtest.Canon(want), jsonvtest.Canon(got), msg)
		sl, err := decodeList(got, decodeSetAside)
		require.NoError(t, err)
		var sref []SetAside
		require.NoError(t, json.Unmarshal(got, &sref))
		require.Equal(t, sref, sl, msg)

		rf := []refetchEntry{{Kind: jsonvtest.String(r), ID: jsonvtest.String(r)}}
		want, _ = json.Marshal(rf)
		got = jsonv.AppendList(nil, rf, appendRefetch)
		require.Equal(t, jsonvtest.Canon(want), jsonvtest.Canon(got), msg)
		fl, err := decodeList(got, decodeRefetch)
		require.NoError(t, err)
		var fref []refetchEntry
		require.NoError(t, json.Unmarshal(got, &fref))
		require.Equal(t, fref, fl, msg)
	}
}

// FuzzDecodeLists decodes any text as the stored lists both ways.
func FuzzDecodeLists(f *testing.F) {
	f.Add([]byte(`[{"kind":"k","id":"a","delete":true},{"kind":"k","id":"b","payload":{"x":1}}]`))
	f.Add([]byte(`[{"kind":"k","id":"a","updatedAt":"t","reason":"r","seenAt":5}]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var wu []unconfirmedEntry
		werr := json.Unmarshal(b, &wu)
		gu, err := decodeList(b, decodeUnconfirmed)
		require.Equal(t, werr == nil, err == nil, "%q", b)
		if err == nil {
			require.Equal(t, wu, gu)
		}
		var ws []SetAside
		werr = json.Unmarshal(b, &ws)
		gs, err := decodeList(b, decodeSetAside)
		require.Equal(t, werr == nil, err == nil, "%q", b)
		if err == nil {
			require.Equal(t, ws, gs)
		}
	})
}
