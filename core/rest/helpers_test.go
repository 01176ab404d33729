package rest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/core/rest/nethttp"
)

// seen is one request as the canned server received it.
type seen struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// canned is an httptest server on 127.0.0.1 answering with a handler and recording requests.
type canned struct {
	mu   sync.Mutex
	reqs []seen
	srv  *httptest.Server
}

func (c *canned) requests() []seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seen(nil), c.reqs...)
}

func newCanned(t *testing.T, h http.HandlerFunc) *canned {
	t.Helper()
	c := &canned{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
		c.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// reply answers every request with status, body and extra headers (pairs).
func reply(status int, body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func newTransport(t *testing.T, base string, mod func(*rest.Config)) *rest.Transport {
	t.Helper()
	cfg := rest.Config{BaseURL: base, Doer: nethttp.New(&http.Client{}),
		Token: func(context.Context) (string, error) { return "tok", nil }}
	if mod != nil {
		mod(&cfg)
	}
	tr, err := rest.New(cfg)
	require.NoError(t, err)
	return tr
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func upsert(id, payload, base string) core.Op {
	return core.Op{OpID: "op-" + id, Kind: "note", EntityID: id, Type: core.OpUpsert, Payload: []byte(payload), BaseUpdatedAt: base}
}

func coreErr(t *testing.T, err error) *core.Error {
	t.Helper()
	var e *core.Error
	require.ErrorAs(t, err, &e)
	return e
}
