package core_test

import (
	"context"
	"errors"
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

// sendingTransport is the simserver as a PullSender: a page's request and the reading of its
// answer are two steps, both logged with the store's page applications.
type sendingTransport struct {
	*simserver.Server
	log     *stepLog
	badRead int // the Read of this page (1-based) fails; 0: none
	// failLater: every request after the first page's fails before it leaves (left is not
	// called), as one does whose token provider times out.
	failLater bool
}

// stepLog records the order of sends, reads and page applications.
type stepLog struct {
	mu    sync.Mutex
	steps []string
}

func (l *stepLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.steps = append(l.steps, s)
}

func (l *stepLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.steps...)
}

func (l *stepLog) count(prefix string) int {
	n := 0
	for _, s := range l.all() {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

func (s *sendingTransport) SendPull(ctx context.Context, kind string, req core.PullRequest, left func()) (core.SentPull, error) {
	n := s.log.count("send") + 1
	s.log.add("send" + strconv.Itoa(n))
	if s.failLater && req.After != (core.Cursor{}) {
		return nil, core.Errorf(core.CodeTimeout, "pull "+kind, "the token provider took too long")
	}
	if left != nil {
		time.Sleep(10 * time.Millisecond) // as a browser's request waits for the app's token
		s.log.add("left" + strconv.Itoa(n))
		left()
	}
	page, err := s.Server.Pull(ctx, kind, req)
	if err != nil {
		return nil, err
	}
	return sentAnswer{page: page, n: n, s: s}, nil
}

type sentAnswer struct {
	page core.PullPage
	n    int
	s    *sendingTransport
}

func (a sentAnswer) Read() (core.PullPage, error) {
	a.s.log.add("read" + strconv.Itoa(a.n))
	if a.n == a.s.badRead {
		return core.PullPage{}, core.Errorf(core.CodeProtocol, "pull", "unreadable page")
	}
	return a.page, nil
}

// loggingStore is a memstore whose ApplyPage is logged. It is not a PageStarter (only
// core.Store's methods are promoted): its pages are applied at once, as a store's large pages are.
type loggingStore struct {
	core.Store
	log     *stepLog
	applied int
}

func (s *loggingStore) ApplyPage(ctx context.Context, kind string, items []core.Record, next core.Cursor) ([]string, error) {
	s.applied++
	n := strconv.Itoa(s.applied)
	s.log.add("apply" + n)
	defer s.log.add("applied" + n)
	return s.Store.ApplyPage(ctx, kind, items, next)
}

// newSendingClient is an engine over tr, which it gives the log, and a loggingStore. sleep is
// the engine's backoff (nil: none).
func newSendingClient(t *testing.T, tr *sendingTransport, serial bool, sleep func(context.Context, time.Duration) error) (*core.Engine, *stepLog) {
	t.Helper()
	log := &stepLog{}
	tr.log = log
	st := &loggingStore{Store: memstore.New(), log: log}
	if sleep == nil {
		sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	eng, err := core.New(core.Config{
		Store: st, Transport: tr, Kinds: testKinds,
		PageSize: 3, Serial: serial, Sleep: sleep,
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = eng.Close()
		_ = st.Close()
	})
	return eng, log
}

// A PullSender's next page is sent while the current page is applied: the page is applied only
// once the next request has left (SendPull's left), so that the request's round trip overlaps
// the page's writes. Its answer is read only once that page is applied: a transport holding
// answers outside the program's memory until they are read has one page in memory at a time
// (docs/DESIGN.md "Pull").
func TestPullReadsTheNextAnswerOnlyAfterApplying(t *testing.T) {
	for _, serial := range []bool{false, true} {
		t.Run("serial="+strconv.FormatBool(serial), func(t *testing.T) {
			srv := serverWithNotes(t, 7)
			eng, log := newSendingClient(t, &sendingTransport{Server: srv}, serial, nil)
			stats, err := eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
			require.NoError(t, err)
			assert.Equal(t, 7, stats.Pulled)
			steps := log.all()
			at := func(s string) int {
				for i, v := range steps {
					if v == s {
						return i
					}
				}
				t.Fatalf("%s not in %v", s, steps)
				return -1
			}
			for page := 1; page <= 2; page++ {
				p, next := strconv.Itoa(page), strconv.Itoa(page+1)
				assert.Less(t, at("applied"+p), at("read"+next), "page %s read before page %s was applied: %v", next, p, steps)
				if serial {
					assert.Less(t, at("applied"+p), at("send"+next), "Serial sends nothing ahead: %v", steps)
				} else {
					assert.Less(t, at("left"+next), at("apply"+p), "page %s applied before page %s's request left: %v", p, next, steps)
				}
			}
		})
	}
}

// An answer that cannot be read ends the pull with its error; the pages before it stay
// applied, the cursor stays at the last of them.
func TestPullAnswerThatCannotBeRead(t *testing.T) {
	srv := serverWithNotes(t, 7)
	eng, log := newSendingClient(t, &sendingTransport{Server: srv, badRead: 2}, false, nil)
	_, err := eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
	require.Error(t, err)
	var ce *core.Error
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, core.CodeProtocol, ce.Code)
	assert.Equal(t, 1, log.count("applied"), "page 2 was not applied")
	assertNoteCursorAt(t, eng, srv, "n2")
}

// A next page whose request never leaves (every attempt fails before it does) does not hold the
// pull: the page before is applied once the first attempt has ended, and the pull ends with the
// send's error, the cursor at that page's last item.
func TestPullAheadThatNeverLeaves(t *testing.T) {
	srv := serverWithNotes(t, 7)
	eng, log := newSendingClient(t, &sendingTransport{Server: srv, failLater: true}, false, nil)
	_, err := eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
	require.Error(t, err)
	assert.Equal(t, core.CodeTimeout, core.CodeOf(err))
	assert.Equal(t, 1, log.count("applied"), "page 1 applied, nothing after it")
	assert.Zero(t, log.count("left"), "no request after the first left")
	assert.Greater(t, log.count("send"), 2, "the failing send was tried again")
	assertNoteCursorAt(t, eng, srv, "n2")
}

// A next request whose first try ends before it leaves (its token provider failed) does not
// hold the page before through its retries' backoff: that page is applied while the retry
// waits, as it was before pulls waited for requests to leave.
func TestPullAheadRetryingDoesNotHoldThePageBefore(t *testing.T) {
	srv := serverWithNotes(t, 7)
	sleeping, release := make(chan struct{}, 1), make(chan struct{})
	sleep := func(ctx context.Context, _ time.Duration) error {
		select {
		case sleeping <- struct{}{}:
		default:
		}
		select {
		case <-release:
			return ctx.Err()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	eng, log := newSendingClient(t, &sendingTransport{Server: srv, failLater: true}, false, sleep)
	done := make(chan error, 1)
	go func() {
		_, err := eng.Sync(ctx(t), core.SyncOptions{Kinds: []string{"note"}})
		done <- err
	}()
	select {
	case <-sleeping:
	case <-time.After(10 * time.Second):
		t.Fatal("the failed send never backed off")
	}
	assert.Eventually(t, func() bool { return log.count("applied") == 1 }, 5*time.Second, 5*time.Millisecond,
		"page 1 applied while the next page's retry waits: %v", log.all())
	close(release)
	select {
	case err := <-done:
		assert.Equal(t, core.CodeTimeout, core.CodeOf(err))
	case <-time.After(10 * time.Second):
		t.Fatal("the sync did not end")
	}
}

// assertNoteCursorAt checks that the note cursor is at the note id as srv holds it.
func assertNoteCursorAt(t *testing.T, eng *core.Engine, srv *simserver.Server, id string) {
	t.Helper()
	cur, err := eng.Cursors(ctx(t))
	require.NoError(t, err)
	rec, _ := srv.Record("note", id)
	assert.Equal(t, core.Cursor{UpdatedAt: rec.UpdatedAt, ID: id}, cur["note"])
}

// serverWithNotes is a server holding n notes, n0 to n<n-1>.
func serverWithNotes(t *testing.T, n int) *simserver.Server {
	t.Helper()
	srv := newServer()
	for i := range n {
		_, err := srv.Put("note", []byte(`{"id":"n`+strconv.Itoa(i)+`"}`))
		require.NoError(t, err)
	}
	return srv
}
