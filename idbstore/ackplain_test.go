//go:build js && wasm

package idbstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// serverRec is the server's record of note id at version v.
func serverRec(id, v string) *core.Record {
	return &core.Record{Kind: "note", ID: id, Data: core.RawJSON(`{"id":"` + id + `","updatedAt":"` + v + `"}`), UpdatedAt: v}
}

// otherTabChanges has another tab (a second Store on the database) change the rows of b, c
// and d after this tab claimed ops: a new local edit of b behind its op in flight, c's op
// acknowledged there, d's op acknowledged there and a new edit of d.
func otherTabChanges(t *testing.T, name string, marked []core.Op) {
	t.Helper()
	ctx := testCtx(t)
	other := openAt(t, name)
	_, err := other.WriteLocal(ctx, []core.LocalWrite{upsert("note", "b", `{"id":"b","t":2}`, "op-b2")})
	require.NoError(t, err)
	require.NoError(t, other.Ack(ctx, []core.Ack{{Op: marked[2], Server: serverRec("c", "v-other")}, {Op: marked[3], Server: serverRec("d", "v-other")}}))
	_, err = other.WriteLocal(ctx, []core.LocalWrite{upsert("note", "d", `{"id":"d","t":3}`, "op-d2")})
	require.NoError(t, err)
}

// TestAckPlainSettlesOnlyPlainRows checks which acks ackPlain settles in JavaScript: those
// whose row holds exactly their op. The others are left for the whole flow: rows another tab
// changed since the claim (an op added behind, the op acknowledged, another op in its place),
// an ack without a server record, and an entity acknowledged twice in one call.
func TestAckPlainSettlesOnlyPlainRows(t *testing.T) {
	ctx, name, s, ops := openWithOps(t, "a", "b", "c", "d", "e", "f", "g")
	marked, err := s.MarkInFlight(ctx, ops)
	require.NoError(t, err)
	require.Len(t, marked, 7)
	otherTabChanges(t, name, marked)

	acks := []core.Ack{
		{Op: marked[0], Server: serverRec("a", "v1")},
		{Op: marked[1], Server: serverRec("b", "v1")},
		{Op: marked[2], Server: serverRec("c", "v1")},
		{Op: marked[3], Server: serverRec("d", "v1")},
		{Op: marked[4], Server: serverRec("e", "v1")},
		{Op: marked[5]}, // no server record
		{Op: marked[6], Server: serverRec("g", "v1")},
		{Op: core.Op{OpID: "op-g-again", Kind: "note", EntityID: "g", Seq: marked[6].Seq}, Server: serverRec("g", "v2")},
	}
	var rest []core.Ack
	require.NoError(t, s.update(ctx, "ack", []string{stRecords, stMarks, stCursors, stMeta}, func(tx *txn) error {
		var err error
		rest, err = ackPlain(ctx, tx, acks)
		return err
	}))
	var left []string
	for _, a := range rest {
		left = append(left, a.Op.OpID)
	}
	assert.ElementsMatch(t, []string{"op-b", "op-c", "op-d", "op-f", "op-g", "op-g-again"}, left)

	for _, id := range []string{"a", "e"} {
		rec, ok, err := s.Get(ctx, "note", id)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, *serverRec(id, "v1"), rec, "a plain ack stores the server's record")
	}
	assert.Equal(t, []string{`["op-b","op-f","op-g"]`}, marks(t, name), "a settled op is unmarked")
	pending, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	var ids []string
	for _, o := range pending {
		ids = append(ids, o.OpID)
	}
	assert.Equal(t, []string{"op-b", "op-f", "op-g", "op-b2", "op-d2"}, ids, "only a's and e's ops left the outbox")
	checkCount(t, s)
}

// TestAckAfterAnotherTabChangedRows acknowledges a claimed batch whose rows another tab
// changed between the claim and the ack: the plain rows take the server's records, the others
// go through the whole flow (b's later op rebased, c's and d's acks skipped as not pending),
// and nothing the other tab wrote is lost.
func TestAckAfterAnotherTabChangedRows(t *testing.T) {
	ctx, name, s, ops := openWithOps(t, "a", "b", "c", "d", "e")
	marked, err := s.MarkInFlight(ctx, ops)
	require.NoError(t, err)
	otherTabChanges(t, name, marked)

	var acks []core.Ack
	for _, o := range marked {
		acks = append(acks, core.Ack{Op: o, Server: serverRec(o.EntityID, "v1")})
	}
	require.NoError(t, s.Ack(ctx, acks))

	get := func(id string) core.Record {
		rec, ok, err := s.Get(ctx, "note", id)
		require.NoError(t, err)
		require.True(t, ok)
		return rec
	}
	assert.Equal(t, *serverRec("a", "v1"), get("a"))
	assert.Equal(t, *serverRec("e", "v1"), get("e"))
	b := get("b")
	assert.JSONEq(t, `{"id":"b","t":2}`, string(b.Data), "b keeps the other tab's edit")
	assert.Equal(t, "v1", b.UpdatedAt, "under the acknowledged version")
	assert.Equal(t, *serverRec("c", "v-other"), get("c"), "c as the other tab acknowledged it")
	assert.JSONEq(t, `{"id":"d","t":3}`, string(get("d").Data), "d keeps the other tab's edit")

	pending, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 2)
	assert.Equal(t, "op-b2", pending[0].OpID)
	assert.Equal(t, "v1", pending[0].BaseUpdatedAt, "b's later op rebased onto the server's version")
	assert.False(t, pending[0].InFlight)
	assert.Equal(t, "op-d2", pending[1].OpID)
	assert.Equal(t, "v-other", pending[1].BaseUpdatedAt, "d's new op as the other tab wrote it: its ack was that tab's")
	assert.Empty(t, marks(t, name), "every acknowledged op unmarked")
	checkCount(t, s)
}
