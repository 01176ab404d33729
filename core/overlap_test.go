package core_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/memstore"
)

// overlapWait bounds how long a test waits for an overlap that should happen at once.
const overlapWait = 2 * time.Second

// watchedTransport is the simserver with its calls counted: started pull and push requests,
// and the most push requests that were ever out at once.
type watchedTransport struct {
	*simserver.Server
	mu                 sync.Mutex
	pulls, pushes      int
	pushesOut, maxOut  int
	pullKinds          map[string]bool
	allKinds, pullGate chan struct{}
}

func newWatched(srv *simserver.Server) *watchedTransport {
	return &watchedTransport{Server: srv, pullKinds: map[string]bool{}, allKinds: make(chan struct{})}
}

func (w *watchedTransport) Pull(ctx context.Context, kind string, req core.PullRequest) (core.PullPage, error) {
	w.mu.Lock()
	w.pulls++
	if !w.pullKinds[kind] {
		w.pullKinds[kind] = true
		if len(w.pullKinds) == len(testKinds) {
			close(w.allKinds)
		}
	}
	gate := w.pullGate
	w.mu.Unlock()
	if gate != nil { // hold every kind's first request until all kinds have asked
		select {
		case <-gate:
		case <-time.After(overlapWait):
			return core.PullPage{}, core.Errorf(core.CodeNetwork, "pull", "kinds were pulled one after another")
		}
	}
	return w.Server.Pull(ctx, kind, req)
}

func (w *watchedTransport) Push(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	w.mu.Lock()
	w.pushes++
	w.pushesOut++
	w.maxOut = max(w.maxOut, w.pushesOut)
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.pushesOut--
		w.mu.Unlock()
	}()
	return w.Server.Push(ctx, ops)
}

func (w *watchedTransport) counts() (pulls, pushes, maxOut int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pulls, w.pushes, w.maxOut
}

// waitingStore is a memstore whose first ApplyPage (with holdPage) and first Ack (with
// holdAck) wait, bounded, until the transport has started a second request of that sort (the
// next page, the next batch), and note whether it did; it also counts PendingCount calls.
type waitingStore struct {
	*memstore.Store
	tr                *watchedTransport
	holdPage, holdAck bool
	mu                sync.Mutex
	pageOverlapped    *bool
	ackOverlapped     *bool
	counts            int
	marks             int // MarkInFlight calls and ClaimHeads calls that gave a batch
	claimedWithAck    int // AckAndMark and AckAndClaimHeads calls that gave a batch
}

func (s *waitingStore) waitFor(started func() bool) bool {
	deadline := time.Now().Add(overlapWait)
	for time.Now().Before(deadline) {
		if started() {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return false
}

func (s *waitingStore) ApplyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) ([]string, error) {
	s.mu.Lock()
	first := s.holdPage && s.pageOverlapped == nil
	if first {
		s.pageOverlapped = new(bool)
	}
	s.mu.Unlock()
	if first {
		ok := s.waitFor(func() bool { p, _, _ := s.tr.counts(); return p >= 2 })
		s.mu.Lock()
		*s.pageOverlapped = ok
		s.mu.Unlock()
	}
	return s.Store.ApplyPage(ctx, kind, items, next)
}

// StartPage applies at once, through ApplyPage's hold.
func (s *waitingStore) StartPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) (func() ([]string, error), error) {
	held, err := s.ApplyPage(ctx, kind, items, next)
	return func() ([]string, error) { return held, err }, nil
}

func (s *waitingStore) Ack(ctx context.Context, acks []core.Ack) error {
	s.holdFirstAck()
	return s.Store.Ack(ctx, acks)
}

// AckAndMark holds as Ack does, then acknowledges and claims next (in two memstore calls: this
// store stands for one that can do both at once), and counts the batches it claimed.
func (s *waitingStore) AckAndMark(ctx context.Context, acks []core.Ack, next []core.Op) ([]core.Op, bool, error) {
	return s.ackThenClaim(ctx, acks, func() ([]core.Op, error) { return s.Store.MarkInFlight(ctx, next) })
}

// ackThenClaim holds as Ack does, acknowledges, claims and counts the claim when it gave a
// batch (a first pass's claim that finds no head left, another claim running beside it having
// taken the last ones, is none: core/pushclaim.go).
func (s *waitingStore) ackThenClaim(ctx context.Context, acks []core.Ack, claim func() ([]core.Op, error)) ([]core.Op, bool, error) {
	s.holdFirstAck()
	if err := s.Store.Ack(ctx, acks); err != nil {
		return nil, false, err
	}
	got, err := claim()
	if err != nil {
		return nil, false, err
	}
	if len(got) > 0 {
		s.mu.Lock()
		s.claimedWithAck++
		s.mu.Unlock()
	}
	return got, true, nil
}

func (s *waitingStore) MarkInFlight(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	s.mu.Lock()
	s.marks++
	s.mu.Unlock()
	return s.Store.MarkInFlight(ctx, ops)
}

// ClaimHeads counts as MarkInFlight does, a claim that gave a batch (as ackThenClaim): the
// push's first pass claims its batches so.
func (s *waitingStore) ClaimHeads(ctx context.Context, c core.HeadClaim) ([]core.Op, error) {
	got, err := s.Store.ClaimHeads(ctx, c)
	if len(got) > 0 {
		s.mu.Lock()
		s.marks++
		s.mu.Unlock()
	}
	return got, err
}

// AckAndClaimHeads is AckAndMark for the first pass's claims.
func (s *waitingStore) AckAndClaimHeads(ctx context.Context, acks []core.Ack, c core.HeadClaim) ([]core.Op, bool, error) {
	return s.ackThenClaim(ctx, acks, func() ([]core.Op, error) { return s.Store.ClaimHeads(ctx, c) })
}

func (s *waitingStore) holdFirstAck() {
	s.mu.Lock()
	first := s.holdAck && s.ackOverlapped == nil
	if first {
		s.ackOverlapped = new(bool)
	}
	s.mu.Unlock()
	if first {
		ok := s.waitFor(func() bool { _, p, _ := s.tr.counts(); return p >= 2 })
		s.mu.Lock()
		*s.ackOverlapped = ok
		s.mu.Unlock()
	}
}

// claims is how many batches were claimed alone (MarkInFlight, ClaimHeads) and with an ack
// (AckAndMark, AckAndClaimHeads).
func (s *waitingStore) claims() (alone, withAck int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.marks, s.claimedWithAck
}

func (s *waitingStore) PendingCount(ctx context.Context) (int, error) {
	s.mu.Lock()
	s.counts++
	s.mu.Unlock()
	return s.Store.PendingCount(ctx)
}

func (s *waitingStore) seen() (page, ack *bool, counts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pageOverlapped, s.ackOverlapped, s.counts
}

func newOverlapClient(t *testing.T, srv *simserver.Server, serial bool) (*core.Engine, *waitingStore, *watchedTransport) {
	t.Helper()
	tr := newWatched(srv)
	st := &waitingStore{Store: memstore.New(), tr: tr}
	eng, err := core.New(core.Config{
		Store: st, Transport: tr, Kinds: testKinds, PageSize: 3, PushBatchSize: 2, Serial: serial,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = eng.Close()
		_ = st.Close()
	})
	return eng, st, tr
}

func TestPullFetchesTheNextPageWhileApplying(t *testing.T) {
	for _, serial := range []bool{false, true} {
		t.Run("serial="+strconv.FormatBool(serial), func(t *testing.T) {
			srv := newServer()
			for i := range 7 {
				_, err := srv.Put("note", []byte(`{"id":"n`+strconv.Itoa(i)+`"}`))
				require.NoError(t, err)
			}
			eng, st, _ := newOverlapClient(t, srv, serial)
			st.holdPage = true
			stats, err := eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
			require.NoError(t, err)
			assert.Equal(t, 7, stats.Pulled)
			page, _, _ := st.seen()
			require.NotNil(t, page)
			assert.Equal(t, !serial, *page, "page 2 requested while page 1 was being applied")

			cur, err := eng.Cursors(ctx(t))
			require.NoError(t, err)
			last, _ := srv.Record("note", "n6")
			assert.Equal(t, core.Cursor{UpdatedAt: last.UpdatedAt, ID: "n6"}, cur["note"])
		})
	}
}

func TestPullKindsAtOnce(t *testing.T) {
	for _, serial := range []bool{false, true} {
		t.Run("serial="+strconv.FormatBool(serial), func(t *testing.T) {
			srv := newServer()
			_, err := srv.Put("note", []byte(`{"id":"n1"}`))
			require.NoError(t, err)
			_, err = srv.Put("task", []byte(`{"id":"t1"}`))
			require.NoError(t, err)
			eng, _, tr := newOverlapClient(t, srv, serial)
			tr.pullGate = tr.allKinds
			stats, err := eng.Sync(ctx(t), core.SyncOptions{})
			if serial {
				require.Error(t, err, "one kind after another never has both requests out")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 2, stats.Pulled)
		})
	}
}

func TestPushWritesAnswersWhileTheNextRequestIsOut(t *testing.T) {
	for _, serial := range []bool{false, true} {
		t.Run("serial="+strconv.FormatBool(serial), func(t *testing.T) {
			srv := newServer()
			eng, st, tr := newOverlapClient(t, srv, serial)
			st.holdAck = true
			for i := range 5 {
				_, err := eng.Put(ctx(t), "note", []byte(`{"id":"n`+strconv.Itoa(i)+`"}`), core.PutOptions{})
				require.NoError(t, err)
			}
			_, _, before := st.seen()
			stats, err := eng.Sync(ctx(t), core.SyncOptions{})
			require.NoError(t, err)
			assert.Equal(t, 5, stats.Pushed)
			_, ack, after := st.seen()
			require.NotNil(t, ack)
			assert.Equal(t, !serial, *ack, "batch 2 sent while batch 1's answer was written")
			_, pushes, maxOut := tr.counts()
			assert.Equal(t, 3, pushes)
			assert.Equal(t, 1, maxOut, "PushConcurrency 1: one request out at a time")
			assert.Zero(t, after-before, "the push's last read of the outbox gives the count: none per batch, none at the end")

			status, err := eng.Status(ctx(t))
			require.NoError(t, err)
			assert.Zero(t, status.Pending)
		})
	}
}

// A push worker claims its next batch in its ack's store call (core/push.go handoff) when a
// batch is waiting; serial runs claim every batch alone, one call after another.
func TestPushClaimsTheNextBatchWithTheAck(t *testing.T) {
	for _, serial := range []bool{false, true} {
		t.Run("serial="+strconv.FormatBool(serial), func(t *testing.T) {
			srv := newServer()
			eng, st, tr := newOverlapClient(t, srv, serial)
			for i := range 12 {
				_, err := eng.Put(ctx(t), "note", []byte(`{"id":"n`+strconv.Itoa(i)+`"}`), core.PutOptions{})
				require.NoError(t, err)
			}
			stats, err := eng.Sync(ctx(t), core.SyncOptions{})
			require.NoError(t, err)
			assert.Equal(t, 12, stats.Pushed)
			_, pushes, _ := tr.counts()
			assert.Equal(t, 6, pushes)
			alone, withAck := st.claims()
			if serial {
				assert.Equal(t, 6, alone)
				assert.Zero(t, withAck)
			} else {
				assert.Positive(t, withAck, "batches waiting while others were acknowledged")
				assert.Equal(t, 6, alone+withAck, "each batch claimed once")
			}
			for i := range 12 {
				_, ok := srv.Record("note", "n"+strconv.Itoa(i))
				assert.True(t, ok)
			}
			status, err := eng.Status(ctx(t))
			require.NoError(t, err)
			assert.Zero(t, status.Pending)
			out, err := st.Outbox(ctx(t), 0)
			require.NoError(t, err)
			assert.Empty(t, out)
		})
	}
}

func TestNoOpSyncCountsNothing(t *testing.T) {
	eng, st, _ := newOverlapClient(t, newServer(), false)
	_, err := eng.Sync(ctx(t), core.SyncOptions{})
	require.NoError(t, err)
	_, _, before := st.seen()
	_, err = eng.Sync(ctx(t), core.SyncOptions{})
	require.NoError(t, err)
	_, _, after := st.seen()
	assert.Equal(t, before, after, "the pending count read with the outbox stays exact")
}
