package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
)

const benchBatch = 500

// benchBackends gives each backend a fresh database for a benchmark.
func benchBackends() []struct {
	name string
	db   func(b *testing.B) string
} {
	return []struct {
		name string
		db   func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "bench.db") }},
		{"postgres", func(b *testing.B) string {
			u, err := pg.NewDatabase(context.Background())
			require.NoError(b, err)
			return u
		}},
	}
}

func benchServer(b *testing.B, db string) string {
	s, err := server.New(server.Config{DB: db, Tokens: testTokens})
	require.NoError(b, err)
	hs := newHTTPServer(s)
	b.Cleanup(func() {
		hs.Close()
		s.Close()
	})
	return hs.URL
}

// pushBatch creates benchBatch new records named <prefix>-<i> in one POST /batch.
func pushBatch(b *testing.B, base, prefix string) {
	ops := make([]any, benchBatch)
	for i := range ops {
		id := fmt.Sprintf("%s-%d", prefix, i)
		ops[i] = map[string]any{"opId": id, "kind": "bench", "id": id, "type": "upsert",
			"payload": map[string]any{"id": id, "title": "a typical record", "mood": i % 7, "tags": []string{"a", "b"}}}
	}
	r := tryCall(context.Background(), http.MethodPost, base+"/batch", map[string]any{"ops": ops}, nil)
	require.Equal(b, http.StatusOK, r.status, "%s", r.body)
}

// BenchmarkPush measures batch push throughput: POST /batch of 500 new records per op.
func BenchmarkPush(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name, func(b *testing.B) {
			base := benchServer(b, be.db(b))
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				pushBatch(b, base, fmt.Sprintf("p%d", i))
			}
			b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkPull measures pull throughput: walking 10,000 records in pages of 1000 per op.
func BenchmarkPull(b *testing.B) {
	const total = 10000
	for _, be := range benchBackends() {
		b.Run(be.name, func(b *testing.B) {
			base := benchServer(b, be.db(b))
			for i := range total / benchBatch {
				pushBatch(b, base, fmt.Sprintf("s%d", i))
			}
			b.ResetTimer()
			for b.Loop() {
				n := 0
				q := url.Values{"updatedSince": {"1970-01-01T00:00:00Z"}, "limit": {"1000"}}
				for {
					var page struct {
						Items []struct {
							ID string `json:"id"`
						} `json:"items"`
						Next *string `json:"nextPageToken"`
					}
					r := tryCall(context.Background(), http.MethodGet, base+"/bench?"+q.Encode(), nil, &page)
					require.Equal(b, http.StatusOK, r.status)
					n += len(page.Items)
					if page.Next == nil {
						break
					}
					q = url.Values{"pageToken": {*page.Next}, "limit": {"1000"}}
				}
				require.Equal(b, total, n)
			}
			b.ReportMetric(float64(b.N*total)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
