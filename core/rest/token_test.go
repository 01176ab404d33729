package rest_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

const emptyPage = `{"items":[],"nextPageToken":null}`

// Requests that need credentials while the provider is being asked share its answer; a request
// that starts after it answered asks again (a rotated token is picked up).
func TestConcurrentRequestsShareOneTokenCall(t *testing.T) {
	c := newCanned(t, reply(200, emptyPage))
	var calls atomic.Int32
	release := make(chan struct{})
	tr := newTransport(t, c.srv.URL, func(cfg *rest.Config) {
		cfg.Token = func(ctx context.Context) (string, error) {
			n := calls.Add(1)
			select {
			case <-release:
			case <-ctx.Done():
				return "", ctx.Err()
			}
			return fmt.Sprint("tok", n), nil
		}
	})
	var wg, started sync.WaitGroup
	for range 5 {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			_, err := tr.Pull(ctx(t), "note", core.PullRequest{})
			assert.NoError(t, err)
		}()
	}
	started.Wait()
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond) // let the other four reach the call under way
	close(release)
	wg.Wait()
	require.EqualValues(t, 1, calls.Load(), "the provider was asked once for five concurrent requests")
	for _, r := range c.requests() {
		require.Equal(t, "Bearer tok1", r.Header.Get("Authorization"))
	}

	_, err := tr.Pull(ctx(t), "note", core.PullRequest{})
	require.NoError(t, err)
	require.EqualValues(t, 2, calls.Load())
	reqs := c.requests()
	require.Equal(t, "Bearer tok2", reqs[len(reqs)-1].Header.Get("Authorization"))
}

// A request whose ctx is live does not take the cancellation of the request that asked the
// provider as its own answer: it asks again.
func TestTokenCallCancelledByItsCallerIsAskedAgain(t *testing.T) {
	c := newCanned(t, reply(200, emptyPage))
	var calls atomic.Int32
	tr := newTransport(t, c.srv.URL, func(cfg *rest.Config) {
		cfg.Token = func(ctx context.Context) (string, error) {
			if calls.Add(1) == 1 {
				<-ctx.Done()
				return "", ctx.Err()
			}
			return "fresh", nil
		}
	})
	leaderCtx, cancel := context.WithCancel(ctx(t))
	leaderDone := make(chan error, 1)
	go func() {
		_, err := tr.Pull(leaderCtx, "note", core.PullRequest{})
		leaderDone <- err
	}()
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	followerDone := make(chan error, 1)
	go func() {
		_, err := tr.Pull(ctx(t), "note", core.PullRequest{})
		followerDone <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the follower wait on the leader's call
	cancel()
	require.Equal(t, core.CodeCancelled, core.CodeOf(<-leaderDone))
	require.NoError(t, <-followerDone)
	reqs := c.requests()
	require.Len(t, reqs, 1)
	require.Equal(t, "Bearer fresh", reqs[0].Header.Get("Authorization"))
}
