package soak

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server/internal/pgtest"
)

// pg is the package's throw-away PostgreSQL cluster.
var pg *pgtest.Cluster

// long is set by `make soak` (OFFSYNC_SOAK=long): the full-size runs.
var long = os.Getenv("OFFSYNC_SOAK") == "long"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "offsync-soak-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		if serverBin, err = buildServer(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if pg, err = pgtest.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "soak runs need PostgreSQL:", err)
			return 1
		}
		defer pg.Stop()
		return m.Run()
	}()
	os.Exit(code)
}

// report appends lines to OFFSYNC_SOAK_OUT (when set) as the runs finish, and logs them.
func report(t *testing.T, lines ...string) {
	t.Helper()
	for _, l := range lines {
		t.Log(l)
	}
	out := os.Getenv("OFFSYNC_SOAK_OUT")
	if out == "" {
		return
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.WriteString(strings.Join(lines, "\n") + "\n")
	require.NoError(t, err)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

const tableHead = "| run | servers | clients | s | kills | faults | acked ops (records) | lost | dup | cursor misses | pushes/s | ops/s | push p50 / p99 | pull p50 / p99 | errors (request level) | server 5xx | peak RSS |\n" +
	"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"

func (res *result) row() string {
	secs := res.wall.Seconds()
	errs := res.counts["network error"]
	for k, v := range res.counts {
		if strings.HasPrefix(k, "HTTP ") {
			errs += v
		}
	}
	backend := "SQLite"
	if res.sc.postgres {
		backend = "PostgreSQL"
	}
	if res.sc.proxy {
		backend += " + fault proxy"
	}
	return fmt.Sprintf("| %s | %d × %s | %d | %.0f | %d | %d | %d (%d) | %d | %d | %d | %.0f | %.0f | %s / %s | %s / %s | %d | %d | %s |",
		res.sc.name, res.sc.servers, backend, res.sc.clients, secs, res.kills, res.faultsInjected, res.counts["acked"], res.acked, res.lost,
		res.duplicated, res.cursorMisses, float64(res.pushes)/secs, float64(res.counts["acked"])/secs,
		ms(res.p50push), ms(res.p99push), ms(res.p50pull), ms(res.p99pull), errs, res.counts["server 5xx"], mib(res.peakRSS))
}

func TestCrashAndLoad(t *testing.T) {
	crash, load := 4, 3*time.Second
	clients, secs := 4, 4*time.Second
	kills := 2
	if long {
		crash, load = 20, 60*time.Second
		clients, secs, kills = 200, 60*time.Second, 10
	}
	scenarios := []scenario{
		{name: "kill -9, SQLite", servers: 1, clients: crash, tenants: 2, duration: secs, kills: kills},
		{name: "kill -9, 2 servers on PostgreSQL behind the fault proxy", postgres: true, servers: 2, proxy: true,
			clients: crash, tenants: 2, duration: secs, kills: kills},
		{name: "load, SQLite", servers: 1, clients: clients, tenants: 4, duration: load, requireNo5xx: true},
		{name: "load, 1 server on PostgreSQL", postgres: true, servers: 1, clients: clients, tenants: 4, duration: load, requireNo5xx: true},
		{name: "load, 2 servers on PostgreSQL", postgres: true, servers: 2, clients: clients, tenants: 4, duration: load, requireNo5xx: true},
	}
	if long {
		scenarios[0].duration, scenarios[1].duration = 60*time.Second, 60*time.Second
	}
	report(t, "", fmt.Sprintf("### Crash and load runs (%s, %s)", map[bool]string{true: "long", false: "short"}[long],
		time.Now().UTC().Format(time.RFC3339)), "", tableHead)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			res := runScenario(t, sc)
			report(t, res.row())
			t.Log(res.String())
			res.check(t)
		})
	}
}

// TestHostileRequestMemory measures the server's peak resident memory while it answers each
// of issue 13's hostile requests, each on a fresh server process.
func TestHostileRequestMemory(t *testing.T) {
	record := func(id string) []byte {
		return []byte(fmt.Sprintf(`{"id":%q,"blob":%q}`, id, strings.Repeat("x", 1_000_000)))
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, base string)
		req   func(base string) (*http.Request, error)
	}{
		{"500-op batch on one 1 MiB record (distinct opIds)", func(t *testing.T, base string) {
			require.Equal(t, http.StatusCreated, do(t, http.MethodPut, base+"/notes/big", record("big")))
		}, func(base string) (*http.Request, error) {
			var b bytes.Buffer
			b.WriteString(`{"ops":[`)
			for i := range 500 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"opId":"op-%d","kind":"notes","id":"big","type":"upsert","payload":{"id":"big","n":%d}}`, i, i)
			}
			b.WriteString(`]}`)
			return http.NewRequest(http.MethodPost, base+"/batch", &b)
		}},
		{"8 MiB ops array of zeros", nil, func(base string) (*http.Request, error) {
			b := make([]byte, 0, 8<<20)
			b = append(b, `{"ops":[0`...)
			for len(b) < 8<<20-8 {
				b = append(b, ",0"...)
			}
			return http.NewRequest(http.MethodPost, base+"/batch", bytes.NewReader(append(b, "]}"...)))
		}},
		{"pull page of 70 × 1 MiB", func(t *testing.T, base string) {
			for i := range 70 {
				id := fmt.Sprint("r", i)
				require.Equal(t, http.StatusCreated, do(t, http.MethodPut, base+"/notes/"+id, record(id)))
			}
		}, func(base string) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, base+"/notes?updatedSince=1970-01-01T00:00:00Z&limit=1000", nil)
		}},
	}
	report(t, "", "### Peak memory per hostile request ("+serverVersion()+")", "",
		"| request | status | answer | time | RSS before | peak RSS | peak − before |", "|---|---|---|---|---|---|---|")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := startServer("-dev", "-db", filepath.Join(t.TempDir(), "x.db"))
			require.NoError(t, err)
			defer p.kill()
			if c.setup != nil {
				c.setup(t, p.url)
			}
			time.Sleep(500 * time.Millisecond) // let the setup's garbage be collected
			before, _ := procStatus(p.cmd.Process.Pid, "VmRSS")
			require.NoError(t, resetPeak(p.cmd.Process.Pid))
			req, err := c.req(p.url)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer dev")
			start := time.Now()
			res, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
			require.NoError(t, err)
			n, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			took := time.Since(start)
			peak, _ := procStatus(p.cmd.Process.Pid, "VmHWM")
			report(t, fmt.Sprintf("| %s | %d | %.1f MB | %s | %s | %s | %s |", c.name, res.StatusCode, float64(n)/1e6, ms(took),
				mib(before), mib(peak), mib(peak-before)))
			if os.Getenv("OFFSYNC_SOAK_SERVER") == "" {
				// This source's server: one request stays within a few of its caps (8 MiB each).
				assert.Less(t, peak-before, int64(256<<20), "peak memory of one hostile request")
			}
		})
	}
}

func serverVersion() string {
	if p := os.Getenv("OFFSYNC_SOAK_SERVER"); p != "" {
		return "server " + p
	}
	return "this source's server"
}

func do(t *testing.T, method, u string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer dev")
	res, err := (&http.Client{Timeout: time.Minute}).Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
