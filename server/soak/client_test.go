package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

const kind = "items"

// op is one write a client keeps sending (same opId) until it is acknowledged.
type op struct {
	OpID string
	ID   string
	N    int
	Base string // "" for a create
}

// client pushes batches of creates and updates of its own records and walks its tenant's
// records with an (updatedAt, id) cursor, checking the order of every page.
type client struct {
	num     int
	tok     string
	base    func() string // the current URL of its server (it changes when one is restarted)
	hc      *http.Client
	rng     *rand.Rand
	st      *stats
	seq     int // creates so far: its records are c<num>-0 … c<num>-<seq-1>
	updates int

	acked   map[string]int    // id → n of its last acknowledged write
	version map[string]string // id → its version when known
	pending []op              // sent, not acknowledged yet

	// The pull cursor and what the walk has seen: id → updatedAt.
	curU, curID string
	view        map[string]string
}

func newClient(num int, tok string, base func() string, hc *http.Client, st *stats, seed uint64) *client {
	return &client{num: num, tok: tok, base: base, hc: hc, st: st, rng: rand.New(rand.NewPCG(seed, uint64(num))),
		acked: map[string]int{}, version: map[string]string{}, view: map[string]string{},
		curU: "1970-01-01T00:00:00Z"}
}

// run alternates pushes and pulls until ctx ends.
func (c *client) run(ctx context.Context) {
	for ctx.Err() == nil {
		c.push(ctx, true)
		c.pull(ctx, 3)
	}
}

// drain sends the ops not yet acknowledged until they are, or ctx ends.
func (c *client) drain(ctx context.Context) {
	for len(c.pending) > 0 && ctx.Err() == nil {
		c.push(ctx, false)
	}
}

// catchUp walks its cursor to the end (once every client has drained).
func (c *client) catchUp(ctx context.Context) {
	for ctx.Err() == nil && !c.pull(ctx, 100) {
	}
}

var pad = strings.Repeat("p", 200)

// nextOps is the pending ops plus, when fresh, new ones up to 20.
func (c *client) nextOps(fresh bool) []op {
	ops := slices.Clone(c.pending)
	if !fresh {
		return ops
	}
	busy := map[string]bool{}
	for _, o := range ops {
		busy[o.ID] = true
	}
	for n := 1 + c.rng.IntN(20); len(ops) < n; {
		if len(c.acked) > 0 && c.rng.IntN(3) == 0 {
			// Update one of its records: pick one by sequence number.
			id := fmt.Sprintf("c%d-%d", c.num, c.rng.IntN(c.seq))
			if v, ok := c.version[id]; ok && v != "" && !busy[id] {
				busy[id] = true
				c.updates++
				ops = append(ops, op{OpID: fmt.Sprintf("u%d-%d", c.num, c.updates), ID: id, N: c.acked[id] + 1, Base: v})
				continue
			}
		}
		id := fmt.Sprintf("c%d-%d", c.num, c.seq)
		c.seq++
		ops = append(ops, op{OpID: "o" + id[1:], ID: id})
		busy[id] = true
	}
	return ops
}

type batchResult struct {
	OpID       string          `json:"opId"`
	StatusCode int             `json:"statusCode"`
	Data       json.RawMessage `json:"data"`
}

// push sends one batch, again and again (same opIds) until it is answered or ctx ends.
func (c *client) push(ctx context.Context, fresh bool) {
	ops := c.nextOps(fresh)
	wire := make([]map[string]any, len(ops))
	for i, o := range ops {
		m := map[string]any{"opId": o.OpID, "kind": kind, "id": o.ID, "type": "upsert",
			"payload": map[string]any{"id": o.ID, "owner": c.num, "n": o.N, "pad": pad}}
		if o.Base != "" {
			m["baseUpdatedAt"] = o.Base
		}
		wire[i] = m
	}
	body, _ := json.Marshal(map[string]any{"ops": wire})
	c.pending = ops
	var answer struct {
		Results []batchResult `json:"results"`
	}
	if !c.send(ctx, "push", http.MethodPost, "/batch", body, &answer) {
		return
	}
	if len(answer.Results) != len(ops) {
		c.st.count("protocol", 1)
		return
	}
	c.pending = nil
	for i, r := range answer.Results {
		o := ops[i]
		switch {
		case r.StatusCode == 200 || r.StatusCode == 201:
			c.acked[o.ID] = o.N
			c.version[o.ID] = versionOf(r.Data)
			if c.version[o.ID] == "" {
				c.st.count("acked without data", 1)
				c.learnVersion(ctx, o.ID)
			}
			c.st.count("acked", 1)
		case r.StatusCode == 409:
			// Only this client writes its records: a conflict means an op applied twice.
			c.st.count("unexpected 409", 1)
		case r.StatusCode == 429 || r.StatusCode >= 500:
			c.pending = append(c.pending, o)
			c.st.count("op retried", 1)
		default:
			c.st.count(fmt.Sprintf("op %d", r.StatusCode), 1)
		}
	}
}

// learnVersion reads a record's version after an acknowledgement without data.
func (c *client) learnVersion(ctx context.Context, id string) {
	var rec json.RawMessage
	if c.send(ctx, "get", http.MethodGet, "/"+kind+"/"+url.PathEscape(id), nil, &rec) {
		c.version[id] = versionOf(rec)
	}
}

func versionOf(rec []byte) string {
	var v struct {
		UpdatedAt string `json:"updatedAt"`
	}
	json.Unmarshal(rec, &v)
	return v.UpdatedAt
}

type pageItem struct {
	ID        string `json:"id"`
	UpdatedAt string `json:"updatedAt"`
	N         int    `json:"n"`
	Owner     int    `json:"owner"`
}

// pull walks at most pages pages from the cursor; it reports whether it reached the end.
func (c *client) pull(ctx context.Context, pages int) bool {
	for range pages {
		q := url.Values{"updatedSince": {c.curU}, "limit": {"100"}}
		if c.curID != "" {
			q.Set("afterId", c.curID)
		}
		var page struct {
			Items []pageItem `json:"items"`
			Next  *string    `json:"nextPageToken"`
		}
		if !c.send(ctx, "pull", http.MethodGet, "/"+kind+"?"+q.Encode(), nil, &page) {
			return false
		}
		for _, it := range page.Items {
			if !after(it.UpdatedAt, it.ID, c.curU, c.curID) {
				c.st.count("order violation", 1)
			}
			c.curU, c.curID = it.UpdatedAt, it.ID
			c.view[it.ID] = it.UpdatedAt
		}
		if page.Next == nil {
			return true
		}
	}
	return false
}

// after reports (u, id) > (cu, cid) in tuple order; an empty cid makes cu inclusive.
func after(u, id, cu, cid string) bool {
	if cid == "" {
		return u >= cu
	}
	return u > cu || (u == cu && id > cid)
}

// send makes one call, retrying (bounded backoff) on network errors and 408/429/5xx until it
// is answered 2xx or ctx ends; the answer is decoded into out.
func (c *client) send(ctx context.Context, what, method, path string, body []byte, out any) bool {
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return false
		}
		status, b, ctype, err := c.call(ctx, what, method, path, body)
		if err != nil && ctx.Err() != nil {
			return false // the run ended mid-call
		}
		switch {
		case err == nil && status/100 == 2:
			if json.Unmarshal(b, out) != nil {
				c.st.count("protocol", 1)
				return false
			}
			return true
		case err != nil:
			c.st.count("network error", 1)
		default:
			c.st.count(fmt.Sprintf("HTTP %d", status), 1)
			if status >= 500 && strings.HasPrefix(ctype, "application/json") {
				c.st.count("server 5xx", 1)
			}
			if status != 408 && status != 429 && status < 500 {
				return false
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Duration(min(500, 10<<min(attempt, 6))) * time.Millisecond):
		}
	}
}

func (c *client) call(ctx context.Context, what, method, path string, body []byte) (int, []byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base()+path, rd)
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.tok)
	start := time.Now()
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil {
		c.st.latency(what, time.Since(start))
	}
	return res.StatusCode, b, res.Header.Get("Content-Type"), err
}

// stats are a run's counters and latencies, shared by its clients.
type stats struct {
	mu     sync.Mutex
	counts map[string]int
	lat    map[string][]time.Duration
}

func newStats() *stats {
	return &stats{counts: map[string]int{}, lat: map[string][]time.Duration{}}
}

func (s *stats) count(name string, n int) {
	s.mu.Lock()
	s.counts[name] += n
	s.mu.Unlock()
}

func (s *stats) latency(what string, d time.Duration) {
	s.mu.Lock()
	s.lat[what] = append(s.lat[what], d)
	s.mu.Unlock()
}

// percentile is the p-th percentile (0–100) of what's latencies and their count.
func (s *stats) percentile(what string, p float64) (time.Duration, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := slices.Clone(s.lat[what])
	if len(l) == 0 {
		return 0, 0
	}
	slices.Sort(l)
	return l[min(len(l)-1, int(float64(len(l))*p/100))], len(l)
}
