package core_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/core/wire"
)

// plainStore hides memstore's core.Querier: the engine must answer by listing the kind.
type plainStore struct{ core.Store }

func TestEngineQueries(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"querier", "list fallback"} {
		t.Run(name, func(t *testing.T) {
			srv := simserver.New(simserver.Options{})
			c := newClient(t, srv, func(cfg *core.Config) {
				if name == "list fallback" {
					cfg.Store = plainStore{cfg.Store}
				}
			})
			for _, d := range []string{`{"id":"a","n":2}`, `{"id":"b","n":1}`, `{"id":"c"}`, `{"id":"d","n":3}`} {
				_, err := c.eng.Put(ctx, "note", core.RawJSON(d), core.PutOptions{})
				require.NoError(t, err)
			}
			require.NoError(t, c.eng.Delete(ctx, "note", "d"))

			recs, err := c.eng.Query(ctx, "note", []byte(`{"where":{"n":{"gte":1}},"orderBy":[["n","desc"]]}`))
			require.NoError(t, err)
			require.Len(t, recs, 2)
			assert.Equal(t, []string{"a", "b"}, []string{recs[0].ID, recs[1].ID})
			recs, err = c.eng.Query(ctx, "note", nil)
			require.NoError(t, err)
			assert.Len(t, recs, 3, "no query: every live record")

			n, err := c.eng.Count(ctx, "note", []byte(`{"where":{"n":null},"limit":0}`))
			require.NoError(t, err)
			assert.Equal(t, 1, n, "count ignores the window")

			got, err := c.eng.GetMany(ctx, "note", []string{"c", "d", "zz", "a"})
			require.NoError(t, err)
			require.Len(t, got, 4)
			assert.Nil(t, got[1])
			assert.Nil(t, got[2])
			assert.JSONEq(t, `{"id":"c"}`, string(got[0].Data))
			assert.Equal(t, "a", got[3].ID)

			_, err = c.eng.Query(ctx, "nope", nil)
			assert.ErrorIs(t, err, core.ErrInvalid)
			_, err = c.eng.Count(ctx, "note", []byte(`{"where":{"n":{"regex":"x"}}}`))
			assert.ErrorIs(t, err, core.ErrInvalid)
			_, err = c.eng.GetMany(ctx, "note", []string{""})
			assert.ErrorIs(t, err, core.ErrInvalid)
		})
	}
}

func TestLocalChangeEventsCarryRecords(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, simserver.New(simserver.Options{}), nil)
	events, stop := c.eng.Subscribe()
	defer stop()
	_, err := c.eng.PutMany(ctx, "note", []core.RawJSON{core.RawJSON(`{"id":"a","v":1}`), core.RawJSON(`{"id":"b"}`)})
	require.NoError(t, err)
	require.NoError(t, c.eng.Delete(ctx, "note", "a"))
	var changes []core.Event
	for len(changes) < 2 {
		if e := <-events; e.Type == core.EventChange {
			changes = append(changes, e)
		}
	}
	require.Len(t, changes[0].Records, 2)
	assert.JSONEq(t, `{"id":"a","v":1}`, string(changes[0].Records[0]))
	assert.JSONEq(t, `{"id":"b"}`, string(changes[0].Records[1]))
	assert.Equal(t, []string{"a"}, changes[1].IDs)
	assert.Equal(t, "null", string(changes[1].Records[0]))
	b := wire.AppendEvent(nil, changes[1])
	assert.Contains(t, string(b), `"records":[null]`)
}
