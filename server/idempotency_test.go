package server_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
)

// TestConcurrentUsesOfOneKeyApplyOnce sends one idempotency key concurrently to two servers
// on one database, for different kinds (which do not share a lock): exactly one request takes
// effect and every answer is that request's answer.
func TestConcurrentUsesOfOneKeyApplyOnce(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.db(t)
			_, url1 := newServer(t, server.Config{DB: db})
			urls := []string{url1}
			if b.name == "postgres" {
				_, url2 := newServer(t, server.Config{DB: db})
				urls = append(urls, url2)
			}
			const n = 12
			answers := make([]response, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					answers[i] = call(t, http.MethodPut, fmt.Sprintf("%s/kind%d/x", urls[i%len(urls)], i), "tok-a",
						map[string]string{"X-Idempotency-Key": "the-one-key"}, map[string]any{"id": "x", "by": i})
				}()
			}
			wg.Wait()
			for _, a := range answers {
				require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
				assert.JSONEq(t, string(answers[0].body), string(a.body), "every answer is the winner's")
			}
			created := 0
			for i := range n {
				if call(t, http.MethodGet, fmt.Sprintf("%s/kind%d/x", url1, i), "tok-a", nil, nil).status == http.StatusOK {
					created++
				}
			}
			assert.Equal(t, 1, created, "exactly one request took effect")
		})
	}
}
