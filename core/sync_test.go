package core_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

func TestSyncPushesThenPulls(t *testing.T) {
	srv := newServer()
	a, b := newClient(t, srv, nil), newClient(t, srv, nil)
	a.put("note", `{"id":"n1","text":"hello"}`)
	a.put("task", `{"id":"t1","done":false}`)

	st := a.sync()
	assert.Equal(t, 2, st.Pushed)
	assert.Zero(t, a.pending())
	got, deleted := serverFields(t, srv, "note", "n1")
	assert.Equal(t, "hello", got["text"])
	assert.False(t, deleted)
	assert.NotEmpty(t, a.fields("note", "n1")["updatedAt"], "the server's record replaced the local one")

	st = b.sync()
	assert.Equal(t, 2, st.Pulled)
	assert.Equal(t, "hello", b.fields("note", "n1")["text"])
	cur, err := b.eng.Cursors(ctx(t))
	require.NoError(t, err)
	rec, _ := srv.Record("note", "n1")
	assert.Equal(t, core.Cursor{UpdatedAt: rec.UpdatedAt, ID: "n1"}, cur["note"])
}

func TestPullPagesFromCursor(t *testing.T) {
	srv := newServer()
	for i := range 7 {
		_, err := srv.Put("note", []byte(`{"id":"n`+string(rune('a'+i))+`"}`))
		require.NoError(t, err)
	}
	c := newClient(t, srv, func(cfg *core.Config) { cfg.PageSize = 3 })
	assert.Equal(t, 7, c.sync().Pulled)
	assert.Equal(t, 3, srv.Calls("pull")-1, "3 pages of note, 1 of task")
	progress := c.events.waitFor(t, core.EventProgress, 4)
	var notes []int
	for _, ev := range progress {
		if ev.Phase == "pull" && ev.Kind == "note" {
			notes = append(notes, ev.Done)
		}
	}
	assert.Equal(t, []int{3, 6, 7}, notes)

	_, err := srv.Put("note", []byte(`{"id":"nz"}`))
	require.NoError(t, err)
	assert.Equal(t, 1, c.sync().Pulled, "the next sync starts at the cursor")
}

func TestCoalescedEditsPushAsOneOp(t *testing.T) {
	srv := newServer()
	c := newClient(t, srv, nil)
	for i := range 100 {
		c.put("note", `{"id":"n1","n":`+strconv.Itoa(i)+`}`)
	}
	assert.Equal(t, 1, c.pending())
	ops, err := c.eng.Outbox(ctx(t))
	require.NoError(t, err)
	require.Len(t, ops, 1)

	st := c.sync()
	assert.Equal(t, 1, st.Pushed)
	assert.Equal(t, 1, srv.Calls("push"))
	assert.Equal(t, 1, srv.Applied(ops[0].OpID))
	got, _ := serverFields(t, srv, "note", "n1")
	assert.EqualValues(t, 99, got["n"])
}
