package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// headsTests cover core.HeadClaimer: which ops a claim of heads takes and marks, how it uses
// From, Limit and Take, and its claim with an ack. A store that is no HeadClaimer skips them.
var headsTests = []test{
	{"ClaimHeads takes each entity's first op from From on, in Seq order, and marks it", func(e *env) {
		hc := e.headClaimer()
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindA, "c", `{"id":"c"}`))
		e.mark(e.opOf(kindA, "b"))
		e.write(e.upsert(kindA, "b", `{"id":"b","v":2}`), e.upsert(kindB, "d", `{"id":"d"}`))
		ops := e.outbox() // a b(in flight) c b2 d, in Seq order
		require.Len(e, ops, 5)
		require.Equal(e, "b", ops[3].EntityID)
		got, err := hc.ClaimHeads(e.ctx, core.HeadClaim{Limit: 10, Take: func(core.Op) bool { return true }})
		require.NoError(e, err)
		now := e.outbox()
		for _, i := range []int{0, 1, 2, 4} {
			require.True(e, now[i].InFlight, "op %d", i)
		}
		require.False(e, now[3].InFlight, "b's second op waits behind its first")
		require.Equal(e, []core.Op{now[0], now[1], now[2], now[4]}, got, "the stored ops, an op in flight already included")
		later, err := hc.ClaimHeads(e.ctx, core.HeadClaim{From: seqFrom(ops[2].Seq + 1), Limit: 10, Take: func(core.Op) bool { return true }})
		require.NoError(e, err)
		require.Equal(e, []core.Op{now[4]}, later, "from c's Seq on: d; b's first op lies before From")
	}},
	{"ClaimHeads stops at Limit and asks Take once per op while it has room", func(e *env) {
		hc := e.headClaimer()
		for _, id := range []string{"a", "b", "c", "d", "e"} {
			e.write(e.upsert(kindA, id, `{"id":"`+id+`"}`))
		}
		var asked []string
		got, err := hc.ClaimHeads(e.ctx, core.HeadClaim{Limit: 2, Take: func(o core.Op) bool {
			asked = append(asked, o.EntityID)
			return o.EntityID != "a"
		}})
		require.NoError(e, err)
		require.Equal(e, []string{"a", "b", "c"}, asked)
		require.Equal(e, []string{"b", "c"}, []string{got[0].EntityID, got[1].EntityID})
		now := e.outbox()
		require.Equal(e, []bool{false, true, true, false, false}, []bool{now[0].InFlight, now[1].InFlight, now[2].InFlight, now[3].InFlight, now[4].InFlight})
	}},
	{"AckAndClaimHeads acknowledges, and claims the next heads when the store can at once", func(e *env) {
		hc := e.headClaimer()
		e.write(e.upsert(kindA, "a", `{"id":"a"}`), e.upsert(kindA, "b", `{"id":"b"}`), e.upsert(kindA, "c", `{"id":"c"}`))
		first, err := hc.ClaimHeads(e.ctx, core.HeadClaim{Limit: 1, Take: func(core.Op) bool { return true }})
		require.NoError(e, err)
		require.Len(e, first, 1)
		got, claimed, err := hc.AckAndClaimHeads(e.ctx, []core.Ack{{Op: first[0], Server: ptr(server(kindA, "a", "v1", ""))}},
			core.HeadClaim{From: seqFrom(first[0].Seq + 1), Limit: 5, Take: func(core.Op) bool { return true }})
		require.NoError(e, err)
		now := e.outbox()
		require.Len(e, now, 2, "a's op acknowledged")
		if !claimed {
			require.Empty(e, got)
			require.False(e, now[0].InFlight || now[1].InFlight)
			return
		}
		require.True(e, now[0].InFlight && now[1].InFlight)
		require.Equal(e, now, got)
	}},
}

// headClaimer is e's store as a core.HeadClaimer; the test is skipped when it is none.
func (e *env) headClaimer() core.HeadClaimer {
	e.Helper()
	hc, ok := e.s.(core.HeadClaimer)
	if !ok {
		e.Skip("not a core.HeadClaimer")
	}
	return hc
}

func seqFrom(seq int64) func() int64 { return func() int64 { return seq } }
