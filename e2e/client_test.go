package e2e

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/memstore"
)

// client is one device: an Engine on a memstore talking REST to base.
type client struct {
	*core.Engine
	t     testing.TB
	token *atomic.Value
	tr    *rest.Transport
	store *memstore.Store
}

// newClient starts an engine with short backoffs (the server is local) for kind.
func newClient(t testing.TB, base, token string, mod func(*core.Config), trMod func(*rest.Config)) *client {
	t.Helper()
	tok := tokenOf(token)
	tr := transport(t, base, tok, trMod)
	st := memstore.New()
	cfg := core.Config{
		Store: st, Transport: tr, Kinds: []string{kind},
		BackoffMin: new(time.Millisecond), BackoffMax: new(20 * time.Millisecond),
	}
	if mod != nil {
		mod(&cfg)
	}
	e, err := core.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = e.Close()
		_ = st.Close()
	})
	return &client{Engine: e, t: t, token: tok, tr: tr, store: st}
}

func (c *client) put(ctx context.Context, id, fields string) core.Record {
	c.t.Helper()
	r, err := c.Put(ctx, kind, recordJSON(id, fields), core.PutOptions{})
	require.NoError(c.t, err)
	return r
}

func (c *client) sync(ctx context.Context) core.Stats {
	c.t.Helper()
	s, err := c.Sync(ctx, core.SyncOptions{})
	require.NoError(c.t, err)
	return s
}

// fields decodes a local record's data (nil when absent or deleted).
func (c *client) fields(ctx context.Context, id string) map[string]any {
	c.t.Helper()
	r, ok, err := c.Get(ctx, kind, id)
	require.NoError(c.t, err)
	if !ok {
		return nil
	}
	return decode(c.t, r.Data)
}

func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// serverFields is the server's live record (nil when absent or deleted), read with a fresh
// transport.
func serverFields(t testing.TB, ctx context.Context, base, id string) map[string]any {
	t.Helper()
	rec, ok, err := transport(t, base, tokenOf(tokA), nil).Fetch(ctx, kind, id)
	require.NoError(t, err)
	if !ok || rec.Deleted {
		return nil
	}
	return decode(t, rec.Data)
}

// requireConverged checks that every client's live records equal the server's, byte for byte.
func requireConverged(t testing.TB, ctx context.Context, base string, clients ...*client) map[string]core.Record {
	t.Helper()
	want := live(pullAll(t, ctx, transport(t, base, tokenOf(tokA), nil), kind, 1000, false))
	for i, c := range clients {
		n, err := c.PendingCount(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "client %d has pending ops", i)
		got, err := c.List(ctx, kind)
		require.NoError(t, err)
		require.Equal(t, len(want), len(got), "client %d: live records", i)
		for _, r := range got {
			w, ok := want[r.ID]
			if assert.True(t, ok, "client %d has %s, the server does not", i, r.ID) {
				assert.JSONEq(t, string(w.Data), string(r.Data), "client %d record %s", i, r.ID)
				assert.Equal(t, w.UpdatedAt, r.UpdatedAt, "client %d record %s", i, r.ID)
			}
		}
	}
	return want
}

// events collects an engine's events until the test ends.
type events struct {
	ch   <-chan core.Event
	stop func()
}

func subscribe(c *client) *events {
	ch, stop := c.Subscribe()
	c.t.Cleanup(stop)
	return &events{ch: ch, stop: stop}
}

// drain returns the events queued so far of type typ.
func (ev *events) drain(typ core.EventType) []core.Event {
	var out []core.Event
	for {
		select {
		case e, ok := <-ev.ch:
			if !ok {
				return out
			}
			if e.Type == typ {
				out = append(out, e)
			}
		case <-time.After(100 * time.Millisecond):
			return out
		}
	}
}
