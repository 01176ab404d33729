package faultproxy_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/internal/faultproxy"
)

// backend counts the requests that reached it and echoes them.
func backend(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen-Key", r.Header.Get("X-Idempotency-Key"))
		w.WriteHeader(201)
		_, _ = fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), b)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func start(t *testing.T, cfg faultproxy.Config) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.Start(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func send(t *testing.T, url string) (*http.Response, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "PUT", url, strings.NewReader(`{"a":1}`))
	require.NoError(t, err)
	req.Header.Set("X-Idempotency-Key", "k1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func TestScriptedFaults(t *testing.T) {
	tests := []struct {
		fault    faultproxy.Fault
		status   int // 0: the client gets a connection error
		reached  int32
		contains string
	}{
		{faultproxy.Pass, 201, 1, `PUT /api/note/a%2Fb?x=1 {"a":1}`},
		{faultproxy.DropRequest, 0, 0, ""},
		{faultproxy.DropResponse, 0, 1, ""},
		{faultproxy.HTML500, 500, 0, "<html>"},
		{faultproxy.HTML503, 503, 0, "<html>"},
		{faultproxy.TooMany, 429, 0, "rate_limited"},
		{faultproxy.Delay, 201, 1, "PUT"},
		{faultproxy.Duplicate, 201, 2, "PUT"},
	}
	for _, tc := range tests {
		t.Run(string(tc.fault), func(t *testing.T) {
			srv, n := backend(t)
			p := start(t, faultproxy.Config{Target: srv.URL + "/api", Script: []faultproxy.Fault{tc.fault}, RetryAfter: "2"})
			resp, body, err := send(t, p.URL()+"/note/a%2Fb?x=1")
			if tc.status == 0 {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.status, resp.StatusCode)
				assert.Contains(t, body, tc.contains)
				if tc.status == 429 || tc.status == 503 {
					assert.Equal(t, "2", resp.Header.Get("Retry-After"))
				}
				if tc.status == 201 {
					assert.Equal(t, "k1", resp.Header.Get("X-Seen-Key"), "headers forwarded both ways")
				}
			}
			assert.Equal(t, tc.reached, n.Load())
			assert.Equal(t, []faultproxy.Entry{{Method: "PUT", Path: "/api/note/a/b", Fault: tc.fault, Status: tc.status}}, p.Log())

			_, _, err = send(t, p.URL()+"/after")
			require.NoError(t, err, "the script is used up: the next request passes")
		})
	}
}

func TestSeededFaultsAreReproducibleAndBounded(t *testing.T) {
	rates := map[faultproxy.Fault]float64{faultproxy.DropRequest: 0.1, faultproxy.HTML500: 0.1, faultproxy.TooMany: 0.1, faultproxy.Duplicate: 0.1}
	run := func(seed uint64, max int) []faultproxy.Fault {
		srv, _ := backend(t)
		p := start(t, faultproxy.Config{Target: srv.URL, Seed: seed, Rates: rates, MaxFaults: max})
		for i := range 80 {
			_, _, _ = send(t, p.URL()+fmt.Sprint("/n/", i))
		}
		var fs []faultproxy.Fault
		for _, e := range p.Log() {
			fs = append(fs, e.Fault)
		}
		return fs
	}
	a, b, c := run(7, 0), run(7, 0), run(8, 0)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.NotEqual(t, a, c, "another seed, other faults")
	faulted := 0
	for _, f := range a {
		if f != faultproxy.Pass {
			faulted++
		}
	}
	assert.InDelta(t, 32, faulted, 16, "about 40%% of 80 requests faulted")

	bounded := run(7, 3)
	faulted = 0
	for _, f := range bounded {
		if f != faultproxy.Pass {
			faulted++
		}
	}
	assert.Equal(t, 3, faulted)
}

func TestHealthIsNotFaultedByDefault(t *testing.T) {
	srv, _ := backend(t)
	p := start(t, faultproxy.Config{Target: srv.URL, Rates: map[faultproxy.Fault]float64{faultproxy.DropRequest: 1}})
	resp, _, err := send(t, p.URL()+"/health")
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	_, _, err = send(t, p.URL()+"/note")
	require.Error(t, err)
}

func TestBadConfig(t *testing.T) {
	_, err := faultproxy.Start(faultproxy.Config{Target: "ftp://x"})
	require.Error(t, err)
	_, err = faultproxy.Start(faultproxy.Config{Target: "http://127.0.0.1:1", Rates: map[faultproxy.Fault]float64{faultproxy.HTML500: 0.7, faultproxy.Delay: 0.5}})
	require.Error(t, err)
}
