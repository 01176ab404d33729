package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clientBatch is the size of the batches the browser clients push (bench/: pushBatchSize).
const clientBatch = 100

var benchWords = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo"}

// clientBatchBody is a POST /batch body of clientBatch upserts of new records shaped like
// bench/page/records.js's (~190 B each), with an opId per op as clients send it.
func clientBatchBody(prefix string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"ops":[`)
	for i := range clientBatch {
		if i > 0 {
			b.WriteByte(',')
		}
		id := prefix + "-" + strconv.Itoa(i)
		w := func(k int) string { return benchWords[(i*7+k*3)%len(benchWords)] }
		fmt.Fprintf(&b, `{"opId":"op-%s","kind":"bench","id":%q,"type":"upsert","baseUpdatedAt":null,`+
			`"payload":{"id":%q,"title":"%s %s %s","body":"%s %s %s %s %s %s %s %s %s %s %s %s",`+
			`"n":%d,"done":%t,"tags":[%q,%q],"v":0}}`,
			id, id, id, w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7), w(8), w(9), w(10), w(11), w(12), w(13), w(14),
			i*7919%1000000, i%2 == 0, w(15), w(16))
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// postBatch sends one body and checks that every op was created.
func postBatch(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer tok-a")
	req.Header.Set("Content-Type", "application/json")
	res, err := testClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || bytes.Count(out, []byte(`"statusCode":201`)) != clientBatch {
		return fmt.Errorf("batch answered %d: %.300s", res.StatusCode, out)
	}
	return nil
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkClientBatch is issue 7's server bound: POST /batch of 100 new ~190 B records over
// loopback HTTP, one request at a time (seq) and two at once (par2), as a client pushes.
func BenchmarkClientBatch(b *testing.B) {
	for _, be := range benchBackends() {
		for _, par := range []int{1, 2} {
			name := be.name + "/seq"
			if par > 1 {
				name = fmt.Sprintf("%s/par%d", be.name, par)
			}
			b.Run(name, func(b *testing.B) {
				url := benchServer(b, be.db(b)) + "/batch"
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				var next atomic.Int64
				cpu0 := cpuTime(b)
				for b.Loop() {
					var wg sync.WaitGroup
					errs := make([]error, par)
					for w := range par {
						body := clientBatchBody("c" + strconv.FormatInt(next.Add(1), 10))
						wg.Go(func() { errs[w] = postBatch(ctx, url, body) })
					}
					wg.Wait()
					for _, err := range errs {
						require.NoError(b, err)
					}
				}
				b.ReportMetric(float64(b.N*par*clientBatch)/b.Elapsed().Seconds(), "ops/s")
				// CPU per batch (server and client together) holds still on a loaded machine, where
				// wall time does not.
				b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N*par), "cpu-µs/batch")
			})
		}
	}
}
