// Package faultproxy is an HTTP reverse proxy for tests that injects the faults a sync client
// meets on real networks: a connection dropped before the request reaches the server, a
// response lost after the server applied the request (lost ack), 500/503 HTML pages from a
// proxy, 429 with Retry-After, delays, and a request delivered twice. Faults follow a script
// and then seeded probabilities, so a run is reproducible from its seed, and they are bounded
// (MaxFaults, MaxDelay). It listens on 127.0.0.1 on a free port only.
package faultproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does with one request.
type Fault string

// The faults.
const (
	Pass         Fault = "pass"         // forward and answer normally
	DropRequest  Fault = "dropRequest"  // close the connection without forwarding
	DropResponse Fault = "dropResponse" // forward, then close the connection without answering
	HTML500      Fault = "html500"      // answer 500 with an HTML page, without forwarding
	HTML503      Fault = "html503"      // answer 503 with an HTML page and Retry-After, without forwarding
	TooMany      Fault = "tooMany"      // answer 429 with Retry-After, without forwarding
	Delay        Fault = "delay"        // wait (seeded, ≤ MaxDelay), then forward
	Duplicate    Fault = "duplicate"    // forward twice, answer with the second response
)

// Faults lists every fault but Pass, in a fixed order (the order rates are drawn in).
var Faults = []Fault{DropRequest, DropResponse, HTML500, HTML503, TooMany, Delay, Duplicate}

// Config configures a Proxy. Zero values take the defaults in brackets.
type Config struct {
	// Target is the real server's base URL (scheme, host and optional path prefix).
	Target string
	// Seed makes the random faults reproducible.
	Seed uint64
	// Rates is each fault's probability per eligible request (their sum at most 1).
	Rates map[Fault]float64
	// Script gives the first eligible requests their faults, in order, before Rates apply.
	Script []Fault
	// MaxFaults bounds the faults injected in all; after it everything passes [0: no bound].
	MaxFaults int
	// MaxDelay bounds a Delay [50ms].
	MaxDelay time.Duration
	// RetryAfter is the Retry-After sent with 429 and 503 ["1"].
	RetryAfter string
	// Eligible says which requests may be faulted [every request but GET …/health].
	Eligible func(r *http.Request) bool
}

// Entry is one request the proxy handled, for test logs and assertions.
type Entry struct {
	Method, Path string
	Fault        Fault
	// Status is the status the client was answered with; 0 when its connection was dropped.
	Status int
}

// Proxy is a running fault-injecting reverse proxy.
type Proxy struct {
	cfg    Config
	target *url.URL
	srv    *http.Server
	ln     net.Listener
	client *http.Client

	mu     sync.Mutex
	rng    *rand.Rand
	script []Fault
	faults int
	log    []Entry
}

// Start listens on 127.0.0.1 (free port) and serves until Close.
func Start(cfg Config) (*Proxy, error) {
	target, err := url.Parse(strings.TrimRight(cfg.Target, "/"))
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		return nil, fmt.Errorf("faultproxy: bad target %q", cfg.Target)
	}
	sum := 0.0
	for _, r := range cfg.Rates {
		sum += r
	}
	if sum > 1 {
		return nil, fmt.Errorf("faultproxy: fault rates sum to %.3f > 1", sum)
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 50 * time.Millisecond
	}
	if cfg.RetryAfter == "" {
		cfg.RetryAfter = "1"
	}
	if cfg.Eligible == nil {
		cfg.Eligible = func(r *http.Request) bool { return !strings.HasSuffix(r.URL.Path, "/health") }
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		cfg:    cfg,
		target: target,
		ln:     ln,
		client: &http.Client{Timeout: 30 * time.Second},
		rng:    rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		script: append([]Fault(nil), cfg.Script...),
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	// One request per connection: a dropped connection then always reaches the client as an
	// error, instead of being retried silently by its transport on a reused connection.
	p.srv.SetKeepAlivesEnabled(false)
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's base URL, standing in for Target (same path prefix).
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() + p.target.Path }

// Close stops the proxy and waits (bounded) for requests in progress.
func (p *Proxy) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := p.srv.Shutdown(ctx)
	p.client.CloseIdleConnections()
	return err
}

// Next queues faults for the next eligible requests, ahead of the random ones.
func (p *Proxy) Next(faults ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.script = append(p.script, faults...)
}

// SetRates replaces the random fault rates (e.g. to 0 to let a test settle).
func (p *Proxy) SetRates(rates map[Fault]float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.Rates = rates
}

// Log returns the requests handled so far, in the order their faults were decided.
func (p *Proxy) Log() []Entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Entry(nil), p.log...)
}

// Counts returns how many requests got each fault (Pass included).
func (p *Proxy) Counts() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := map[Fault]int{}
	for _, e := range p.log {
		n[e.Fault]++
	}
	return n
}

// decide draws one request's fault (and a delay) under the lock, so the sequence of
// decisions depends only on the seed and the order requests arrive in.
func (p *Proxy) decide(r *http.Request) (Fault, time.Duration, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := Pass
	var d time.Duration
	if p.cfg.Eligible(r) && (p.cfg.MaxFaults <= 0 || p.faults < p.cfg.MaxFaults) {
		if len(p.script) > 0 {
			f, p.script = p.script[0], p.script[1:]
		} else {
			x := p.rng.Float64()
			for _, c := range Faults {
				if x < p.cfg.Rates[c] {
					f = c
					break
				}
				x -= p.cfg.Rates[c]
			}
		}
		if f == Delay {
			d = time.Duration(p.rng.Int64N(int64(p.cfg.MaxDelay) + 1))
		}
		if f != Pass {
			p.faults++
		}
	}
	p.log = append(p.log, Entry{Method: r.Method, Path: r.URL.Path, Fault: f})
	return f, d, len(p.log) - 1
}

func (p *Proxy) setStatus(i, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log[i].Status = status
}

// ServeHTTP applies the request's fault.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		drop(w)
		return
	}
	f, delay, i := p.decide(r)
	switch f {
	case DropRequest:
		drop(w)
		return
	case HTML500:
		p.setStatus(i, 500)
		htmlPage(w, 500, "", "Internal Server Error")
		return
	case HTML503:
		p.setStatus(i, 503)
		htmlPage(w, 503, p.cfg.RetryAfter, "Service Unavailable")
		return
	case TooMany:
		p.setStatus(i, 429)
		w.Header().Set("Retry-After", p.cfg.RetryAfter)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(429)
		_, _ = io.WriteString(w, `{"error":"rate_limited","message":"slow down (faultproxy)"}`)
		return
	case Delay:
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	case Duplicate:
		if resp, err := p.forward(r, body); err == nil {
			resp.Body.Close()
		}
	}
	resp, err := p.forward(r, body)
	if err != nil {
		htmlPage(w, 502, "", "Bad Gateway")
		p.setStatus(i, 502)
		return
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil || f == DropResponse {
		drop(w)
		return
	}
	for k, v := range resp.Header {
		if !hopByHop[http.CanonicalHeaderKey(k)] {
			w.Header()[k] = v
		}
	}
	p.setStatus(i, resp.StatusCode)
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// hopByHop headers belong to one connection and are not forwarded.
var hopByHop = map[string]bool{"Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true, "Content-Length": true}

func (p *Proxy) forward(r *http.Request, body []byte) (*http.Response, error) {
	u := *p.target
	u.Path = p.target.Path + strings.TrimPrefix(r.URL.Path, p.target.Path)
	u.RawPath = ""
	if r.URL.RawPath != "" {
		u.RawPath = p.target.EscapedPath() + strings.TrimPrefix(r.URL.RawPath, p.target.EscapedPath())
	}
	u.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range r.Header {
		if !hopByHop[k] {
			out.Header[k] = v
		}
	}
	resp, err := p.client.Do(out)
	if err != nil {
		return nil, fmt.Errorf("faultproxy: forward: %w", err)
	}
	return resp, nil
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		htmlPage(w, 502, "", "Bad Gateway")
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func htmlPage(w http.ResponseWriter, status int, retryAfter, title string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><title>%d %s</title></head><body><h1>%s</h1><p>faultproxy</p></body></html>\n", status, title, title)
}
