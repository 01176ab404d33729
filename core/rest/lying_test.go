package rest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/memstore"
)

const v1 = "2026-01-01T00:00:00Z"

// Unreadable items do not fail the page: each comes back as a BadItem at its place, with its
// id and version where they are strings.
func TestPullReturnsUnreadableItemsAsBad(t *testing.T) {
	c := newCanned(t, reply(200, `{"items":[
		{"title":"x","updatedAt":"`+v1+`"},
		{"id":"a","updatedAt":"`+v1+`"},
		{"id":7,"updatedAt":"`+v1+`"},
		{"id":"b"},
		"c",
		{"id":"d","updated_at":"`+v1+`"}
	],"nextPageToken":null}`))
	page, err := newTransport(t, c.srv.URL, nil).Pull(ctx(t), "note", core.PullRequest{Limit: 10})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	assert.Equal(t, []string{"a", "d"}, []string{page.Items[0].ID, page.Items[1].ID})
	assert.Equal(t, []core.BadItem{
		{Index: 0, UpdatedAt: v1, Reason: "record has no string id"},
		{Index: 2, UpdatedAt: v1, Reason: page.Bad[1].Reason},
		{Index: 3, ID: "b", Reason: "record has no updatedAt"},
		{Index: 4, Reason: "record is not a JSON object"},
	}, page.Bad)
	assert.NotEmpty(t, page.Bad[1].Reason)
}

func TestFetchMustAnswerTheAskedID(t *testing.T) {
	c := newCanned(t, reply(200, `{"id":"other","updatedAt":"`+v1+`"}`))
	_, _, err := newTransport(t, c.srv.URL, nil).Fetch(ctx(t), "note", "mine")
	require.ErrorIs(t, err, core.ErrProtocol)
	assert.Contains(t, err.Error(), `"other"`)
}

// The engine over the REST transport against a lying HTTP server: a server whose next page
// token never ends the walk, and one whose pages outgrow the limit, end the sync with a
// protocol error after a few requests; nothing of a refused page is applied.
func TestEngineAgainstALyingHTTPServer(t *testing.T) {
	item := func(i int) string { return fmt.Sprintf(`{"id":"n%03d","updatedAt":"2026-01-01T00:00:%02dZ"}`, i, i%60) }
	tests := []struct {
		name string
		page func(n int) string
		msg  string
	}{
		{"a token that comes back", func(n int) string {
			return fmt.Sprintf(`{"items":[%s],"nextPageToken":"same"}`, item(n))
		}, "does not move on"},
		{"more items than asked for", func(int) string {
			return `{"items":[` + item(1) + `,` + item(2) + `,` + item(3) + `],"nextPageToken":null}`
		}, "2 were asked for"},
		{"the same page forever under new tokens", func(n int) string {
			return fmt.Sprintf(`{"items":[%s],"nextPageToken":"t%d"}`, item(1), n)
		}, "not after the cursor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
				n++
				reply(200, tc.page(n))(w, r)
			})
			store := memstore.New()
			t.Cleanup(func() { _ = store.Close() })
			eng, err := core.New(core.Config{Store: store, Transport: newTransport(t, c.srv.URL, nil), Kinds: []string{"note"}, PageSize: 2, Serial: true})
			require.NoError(t, err)
			t.Cleanup(func() { _ = eng.Close() })
			_, err = eng.Sync(ctx(t), core.SyncOptions{})
			require.ErrorIs(t, err, core.ErrProtocol)
			assert.Contains(t, err.Error(), tc.msg)
			assert.LessOrEqual(t, len(c.requests()), 3)
			recs, err := eng.List(ctx(t), "note")
			require.NoError(t, err)
			assert.LessOrEqual(t, len(recs), 2, "at most the pages before the lie")
			if tc.name == "more items than asked for" {
				assert.Empty(t, recs)
			}
		})
	}
}

// A JSON answer that is not a usable record carries a BadRecord, for the engine to set aside.
func TestFetchOfAnUnusableRecordIsABadRecord(t *testing.T) {
	c := newCanned(t, reply(200, `{"id":"mine","title":"no version"}`))
	_, _, err := newTransport(t, c.srv.URL, nil).Fetch(ctx(t), "note", "mine")
	require.ErrorIs(t, err, core.ErrProtocol)
	var bad *core.BadRecord
	require.ErrorAs(t, err, &bad)
	assert.Equal(t, core.BadItem{ID: "mine", Reason: "record has no updatedAt"}, bad.Item)
}
