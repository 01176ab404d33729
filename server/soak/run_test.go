package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/internal/faultproxy"
)

// scenario is one crash or load run.
type scenario struct {
	name     string
	postgres bool
	servers  int
	proxy    bool // each server behind its own fault proxy
	clients  int
	tenants  int
	duration time.Duration
	kills    int // SIGKILLs spread over the run, server by server; each is restarted
	// requireNo5xx fails the run on any 5xx the server itself answered.
	requireNo5xx bool
}

// slot is one server process (restarted after a kill) and the URL clients use for it.
type slot struct {
	args []string
	url  atomic.Pointer[string]

	mu    sync.Mutex
	p     *proc
	px    *faultproxy.Proxy
	seed  uint64
	peaks []int64
}

func (s *slot) start() error {
	p, err := startServer(s.args...)
	if err != nil {
		return err
	}
	u := p.url
	var px *faultproxy.Proxy
	if s.pxOn() {
		s.seed++
		px, err = faultproxy.Start(faultproxy.Config{Target: p.url, Seed: s.seed, Rates: map[faultproxy.Fault]float64{
			faultproxy.DropRequest: 0.02, faultproxy.DropResponse: 0.03, faultproxy.HTML503: 0.01,
			faultproxy.TooMany: 0.01, faultproxy.Delay: 0.03, faultproxy.Duplicate: 0.03,
		}, MaxDelay: 30 * time.Millisecond})
		if err != nil {
			p.kill()
			return err
		}
		u = px.URL()
	}
	s.mu.Lock()
	s.p, s.px = p, px
	s.mu.Unlock()
	s.url.Store(&u)
	return nil
}

func (s *slot) pxOn() bool { return s.seed > 0 }

// kill SIGKILLs the server (and drops its proxy) and notes its peak memory.
func (s *slot) kill() {
	s.mu.Lock()
	p, px := s.p, s.px
	s.mu.Unlock()
	p.kill()
	if px != nil {
		px.Close()
	}
	s.mu.Lock()
	s.peaks = append(s.peaks, p.peak())
	s.mu.Unlock()
}

// result is what a scenario measured.
type result struct {
	sc                 scenario
	wall               time.Duration
	acked, unacked     int
	lost, duplicated   int
	cursorMisses       int
	records            int
	counts             map[string]int
	p50push, p99push   time.Duration
	p50pull, p99pull   time.Duration
	pushes, pulls      int
	peakRSS            int64
	kills              int
	faultsInjected     int
	unexpectedConflict int
}

const drainTimeout = 60 * time.Second

// runScenario runs sc against fresh servers on a fresh database and checks the outcome.
func runScenario(t *testing.T, sc scenario) result {
	t.Helper()
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.txt")
	var lines string
	for i := range sc.tenants {
		lines += fmt.Sprintf("tok%d tenant%d\n", i, i)
	}
	require.NoError(t, os.WriteFile(tokens, []byte(lines), 0o600))
	db := filepath.Join(dir, "soak.db")
	if sc.postgres {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var err error
		db, err = pg.NewDatabase(ctx)
		require.NoError(t, err)
	}
	slots := make([]*slot, sc.servers)
	for i := range slots {
		slots[i] = &slot{args: []string{"-db", db, "-tokens", tokens}}
		if sc.proxy {
			slots[i].seed = uint64(1000 * (i + 1))
		}
		require.NoError(t, slots[i].start())
	}
	defer func() {
		for _, s := range slots {
			s.kill()
		}
	}()

	st := newStats()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 512, IdleConnTimeout: 30 * time.Second}}
	defer hc.CloseIdleConnections()
	clients := make([]*client, sc.clients)
	for i := range clients {
		s := slots[i%sc.servers]
		clients[i] = newClient(i, fmt.Sprintf("tok%d", i%sc.tenants), func() string { return *s.url.Load() }, hc, st, 42)
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), sc.duration)
	defer cancel()
	killed := make(chan int, 1)
	go func() { killed <- killer(ctx, t, slots, sc) }()
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.run(ctx)
		}()
	}
	wg.Wait()
	kills := <-killed
	wall := time.Since(start)

	// Drain: every client sends what is not acknowledged and walks to the end of its cursor.
	dctx, dcancel := context.WithTimeout(context.Background(), drainTimeout)
	defer dcancel()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.drain(dctx)
		}()
	}
	wg.Wait()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.catchUp(dctx)
		}()
	}
	wg.Wait()

	res := result{sc: sc, wall: wall, kills: kills, counts: st.counts}
	for _, s := range slots {
		if s.px != nil {
			for _, n := range s.px.Counts() {
				res.faultsInjected += n
			}
		}
	}
	res.verify(t, clients, *slots[0].url.Load(), hc)
	res.p50push, res.pushes = st.percentile("push", 50)
	res.p99push, _ = st.percentile("push", 99)
	res.p50pull, res.pulls = st.percentile("pull", 50)
	res.p99pull, _ = st.percentile("pull", 99)
	for _, s := range slots {
		s.mu.Lock()
		res.peakRSS = max(res.peakRSS, s.p.peak())
		for _, p := range s.peaks {
			res.peakRSS = max(res.peakRSS, p)
		}
		s.mu.Unlock()
	}
	return res
}

// killer SIGKILLs the servers in turn, sc.kills times evenly over the run, restarting each.
func killer(ctx context.Context, t *testing.T, slots []*slot, sc scenario) int {
	if sc.kills == 0 {
		return 0
	}
	every := sc.duration / time.Duration(sc.kills+1)
	n := 0
	for n < sc.kills {
		select {
		case <-ctx.Done():
			return n
		case <-time.After(every):
		}
		s := slots[n%len(slots)]
		s.kill()
		n++
		time.Sleep(100 * time.Millisecond) // clients meet a dead server for a moment
		if err := s.start(); err != nil {
			t.Errorf("restart after kill %d: %v", n, err)
			return n
		}
	}
	return n
}

// verify walks every tenant's records from the start and compares them with what each client
// had acknowledged and with what each client's own cursor walk saw.
func (res *result) verify(t *testing.T, clients []*client, base string, hc *http.Client) {
	t.Helper()
	byTenant := map[string]map[string]pageItem{}
	for _, c := range clients {
		if _, ok := byTenant[c.tok]; ok {
			continue
		}
		seen := map[string]pageItem{}
		walker := newClient(-1, c.tok, func() string { return base }, hc, newStats(), 1)
		ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
		for ctx.Err() == nil {
			q := url.Values{"updatedSince": {walker.curU}, "limit": {"1000"}}
			if walker.curID != "" {
				q.Set("afterId", walker.curID)
			}
			var page struct {
				Items []pageItem `json:"items"`
				Next  *string    `json:"nextPageToken"`
			}
			require.True(t, walker.send(ctx, "verify", http.MethodGet, "/"+kind+"?"+q.Encode(), nil, &page), "final walk")
			for _, it := range page.Items {
				if _, dup := seen[it.ID]; dup {
					res.duplicated++
				}
				seen[it.ID] = it
				walker.curU, walker.curID = it.UpdatedAt, it.ID
			}
			if page.Next == nil {
				break
			}
		}
		cancel()
		byTenant[c.tok] = seen
		res.records += len(seen)
	}
	for _, c := range clients {
		seen := byTenant[c.tok]
		res.unacked += len(c.pending)
		pending := map[string]bool{}
		for _, o := range c.pending {
			pending[o.ID] = true
		}
		for id, n := range c.acked {
			res.acked++
			got, ok := seen[id]
			switch {
			case !ok || got.N < n:
				res.lost++
				var rec json.RawMessage
				found := c.send(context.Background(), "verify", http.MethodGet, "/"+kind+"/"+id, nil, &rec)
				t.Errorf("client %d: acknowledged %s n=%d, server has %+v (present %v); GET: %v %s", c.num, id, n, got, ok, found, rec)
			case got.N > n && !pending[id]:
				res.duplicated++
				t.Errorf("client %d: %s n=%d on the server, acknowledged n=%d and nothing pending", c.num, id, got.N, n)
			}
		}
		for id, it := range seen {
			if v, ok := c.view[id]; !ok || v != it.UpdatedAt {
				res.cursorMisses++
			}
		}
		for id := range c.view {
			if _, ok := seen[id]; !ok {
				res.cursorMisses++ // seen by the client, missing from the final walk
			}
		}
	}
	res.unexpectedConflict = res.counts["unexpected 409"]
	res.duplicated += res.unexpectedConflict
}

// check fails the test on lost or duplicated writes, cursor misses and order violations.
func (res *result) check(t *testing.T) {
	t.Helper()
	require.Zero(t, res.lost, "acknowledged writes missing")
	require.Zero(t, res.duplicated, "writes applied twice")
	require.Zero(t, res.cursorMisses, "records a client's cursor walk missed or saw at another version")
	require.Zero(t, res.counts["order violation"], "page items not after the cursor")
	require.Zero(t, res.counts["protocol"], "unreadable answers")
	require.Zero(t, res.unacked, "ops still unacknowledged after the drain")
	require.Positive(t, res.acked, "the run acknowledged writes")
	if res.sc.requireNo5xx {
		require.Zero(t, res.counts["server 5xx"], "5xx answers from the server")
	}
}

func (res *result) String() string {
	b, _ := json.Marshal(res.counts)
	return fmt.Sprintf("%s: acked %d, lost %d, duplicated %d, cursor misses %d, kills %d, faults %d, counts %s",
		res.sc.name, res.acked, res.lost, res.duplicated, res.cursorMisses, res.kills, res.faultsInjected, b)
}
