package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/memstore"
)

// heldWrites is a store whose local writes wait for release after entering, as idbstore's
// do between a put's commit (the app already has its answer) and Go's wake-up.
type heldWrites struct {
	*memstore.Store
	entered chan struct{}
	release chan struct{}
}

func (s heldWrites) WriteLocal(ctx context.Context, w []core.LocalWrite) (core.WriteResult, error) {
	s.entered <- struct{}{}
	<-s.release
	return s.Store.WriteLocal(ctx, w)
}

// TestCloseDeliversWritesUnderWay: Close waits for a local write under way, and its change
// event reaches subscribers before their channel ends (other tabs hear of it from there).
func TestCloseDeliversWritesUnderWay(t *testing.T) {
	st := heldWrites{Store: memstore.New(), entered: make(chan struct{}), release: make(chan struct{})}
	eng, err := core.New(core.Config{Store: st, Transport: simserver.New(simserver.Options{}), Kinds: testKinds})
	require.NoError(t, err)
	events, _ := eng.Subscribe()

	put := make(chan error, 1)
	go func() {
		_, err := eng.Put(context.Background(), "note", core.RawJSON(`{"id":"a"}`), core.PutOptions{})
		put <- err
	}()
	<-st.entered
	closed := make(chan error, 1)
	go func() { closed <- eng.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned while a local write was under way")
	case <-time.After(50 * time.Millisecond):
	}
	close(st.release)
	require.NoError(t, <-put)
	require.NoError(t, <-closed)

	var changed []string
	for ev := range events {
		if ev.Type == core.EventChange {
			changed = append(changed, ev.IDs...)
		}
	}
	assert.Equal(t, []string{"a"}, changed)

	_, err = eng.Put(context.Background(), "note", core.RawJSON(`{"id":"b"}`), core.PutOptions{})
	require.ErrorIs(t, err, core.ErrClosed)
}
