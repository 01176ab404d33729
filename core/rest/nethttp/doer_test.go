package nethttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/core/rest/nethttp"
)

func TestDoRoundTrip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Idempotency-Key", r.Header.Get("X-Idempotency-Key"))
		w.Header().Add("Vary", "a")
		w.Header().Add("Vary", "b")
		w.WriteHeader(409)
		_, _ = w.Write(append([]byte(r.Method+" "+r.URL.RequestURI()+" "), b...))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := nethttp.New(nil).Do(ctx, &rest.Request{Method: "PUT", URL: srv.URL + "/note/1?x=y",
		Header: map[string]string{"X-Idempotency-Key": "k1"}, Body: []byte(`{"a":1}`)})
	require.NoError(t, err)
	assert.Equal(t, 409, resp.Status, "any status is a response")
	assert.Equal(t, `PUT /note/1?x=y {"a":1}`, string(resp.Body))
	assert.Equal(t, "k1", resp.Header["x-idempotency-key"])
	assert.Equal(t, "a, b", resp.Header["vary"])
	assert.NotEmpty(t, resp.Header["date"])
}

func TestDoHonoursContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := nethttp.New(nil).Do(ctx, &rest.Request{Method: "GET", URL: srv.URL})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestDoNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := nethttp.New(nil).Do(context.Background(), &rest.Request{Method: "GET", URL: url})
	require.Error(t, err)
}
