// Package contracttest checks any server against offsync's REST contract
// (docs/CONTRACT.md) over plain net/http. Every check writes into kinds named
// ct_<random>_… so it can run against a server that already holds data.
//
//	func TestContract(t T) { contracttest.Run(t, "http://127.0.0.1:8080/api", "tokA", "tokB") }
//
// tokenA and tokenB must belong to two different tenants. The CORS check sends preflights from
// DefaultOrigin, which the server must allow (RunWith takes another origin, or none to skip it).
//
// Each check is Needed (offsync does not work without it) or Better (offsync works without
// it, and Check.Without says what the client does instead), so that a backend built for
// another client (the seed library's, say) learns where it stands (CONTRACT.md "What a backend
// needs"). The checks read records in either spelling (updatedAt or updated_at), take 200 or
// 204 for a delete and 404 for a soft-deleted record, as the client does; only the Better
// checks ask for the rest of CONTRACT.md.
package contracttest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// DefaultOrigin is the browser origin of Run's CORS check.
const DefaultOrigin = "http://offsync-check.localhost"

// requestTimeout bounds every request of the suite.
const requestTimeout = 30 * time.Second

// Options configures RunWith.
type Options struct {
	BaseURL string // e.g. http://127.0.0.1:8080/api
	// TokenA is a tenant's bearer token, "" for a server without auth (the auth check is
	// then skipped); TokenB is another tenant's, "" to skip the tenancy check.
	TokenA string
	TokenB string
	// Origin is sent in the CORS checks; "" skips them.
	Origin string
	// Client defaults to an http.Client with a 30 s timeout.
	Client *http.Client
}

// T is what a check needs from its test: *testing.T has it, and so does offsync-check's runner.
// FailNow and Skip must stop the check's goroutine (runtime.Goexit), as testing.T's do.
type T interface {
	Errorf(format string, args ...any)
	FailNow()
	Helper()
	Skip(args ...any)
}

// Tier says how much offsync depends on what a check checks.
type Tier int

// Tiers.
const (
	// Needed: offsync does not work without it; Without says what goes wrong.
	Needed Tier = iota + 1
	// Better: offsync works without it; Missing names the absent part and Without says what
	// the client does instead.
	Better
)

// Check is one named check of the suite.
type Check struct {
	Name string
	Tier Tier
	// Missing names, for a Better check, what the server lacks when it fails ("no POST /batch").
	Missing string
	// Without says what happens when the check fails: for Needed what breaks, for Better what
	// the client does instead.
	Without string
	Run     func(t T)
}

// Run checks the server at baseURL with two tenants' tokens, one subtest per check.
func Run(t *testing.T, baseURL, tokenA, tokenB string) {
	RunWith(t, Options{BaseURL: baseURL, TokenA: tokenA, TokenB: tokenB, Origin: DefaultOrigin})
}

// RunWith checks the server described by o, one subtest per check.
func RunWith(t *testing.T, o Options) {
	checks, err := Checks(o)
	require.NoError(t, err)
	for _, c := range checks {
		t.Run(c.Name, func(t *testing.T) { c.Run(t) })
	}
}

// Checks returns the suite's checks for the server described by o, in the order they should run.
func Checks(o Options) ([]Check, error) {
	switch {
	case o.BaseURL == "":
		return nil, errors.New("contracttest: no base URL")
	case o.TokenB != "" && o.TokenA == o.TokenB:
		return nil, errors.New("contracttest: the two tokens must differ (two tenants)")
	case o.TokenB != "" && o.TokenA == "":
		return nil, errors.New("contracttest: a second tenant's token without a first")
	}
	hc := o.Client
	if hc == nil {
		hc = &http.Client{Timeout: requestTimeout}
	}
	s := &suite{
		base:   strings.TrimRight(o.BaseURL, "/"),
		origin: o.Origin,
		run:    randomHex(4),
	}
	s.a = &client{s: s, hc: hc, token: o.TokenA}
	s.b = &client{s: s, hc: hc, token: o.TokenB}
	s.anon = &client{s: s, hc: hc}
	return s.checks(), nil
}

type suite struct {
	base    string
	origin  string
	run     string
	a, b    *client
	anon    *client
	kindSeq int
}

func (s *suite) checks() []Check {
	var needed, better []Check
	for _, c := range [][]Check{s.basicChecks(), s.conflictChecks(), s.idempotencyChecks(), s.pullChecks(),
		s.batchChecks(), s.inputChecks(), s.tenancyChecks()} {
		for _, c := range c {
			if c.Tier == Needed {
				needed = append(needed, c)
			} else {
				better = append(better, c)
			}
		}
	}
	return append(needed, better...)
}

// kind returns a fresh kind name for one check.
func (s *suite) kind() string {
	s.kindSeq++
	return "ct_" + s.run + "_k" + strconv.Itoa(s.kindSeq)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// client is one tenant's view of the server ("" token: none sent).
type client struct {
	s     *suite
	hc    *http.Client
	token string
}

// resp is a response read in full.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// obj decodes the body as a JSON object.
func (r resp) obj(t T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body is a JSON object: %s", r.Body)
	require.NotNil(t, m, "body is a JSON object: %s", r.Body)
	return m
}

// do sends one request. body is marshalled to JSON unless it is []byte or nil.
func (c *client) do(t T, method, path string, hdr map[string]string, body any) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.s.base+path, rd)
	require.NoError(t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err, "%s %s: read body", method, path)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func recPath(kind, id string) string { return "/" + kind + "/" + url.PathEscape(id) }

// put sends PUT /kind/id with a fresh idempotency key unless hdr sets one.
func (c *client) put(t T, kind, id string, rec map[string]any, hdr map[string]string) resp {
	t.Helper()
	h := map[string]string{"X-Idempotency-Key": randomHex(16)}
	for k, v := range hdr {
		h[k] = v
	}
	return c.do(t, http.MethodPut, recPath(kind, id), h, rec)
}

// del sends DELETE /kind/id?_baseUpdatedAt=base (and the X-Base-Updated-At header) with a fresh
// idempotency key unless hdr sets one.
func (c *client) del(t T, kind, id, base string, hdr map[string]string) resp {
	t.Helper()
	h := map[string]string{"X-Idempotency-Key": randomHex(16)}
	for k, v := range hdr {
		h[k] = v
	}
	p := recPath(kind, id)
	if base != "" {
		p += "?_baseUpdatedAt=" + url.QueryEscape(base)
		if _, set := h["X-Base-Updated-At"]; !set {
			h["X-Base-Updated-At"] = base // as the client sends it (CONTRACT.md "Delete")
		}
	}
	return c.do(t, http.MethodDelete, p, h, nil)
}

// create PUTs a new record and returns the server's copy: the answer's record, or (when the
// answer carries none, as a seed-style server may) the one GET returns.
func (c *client) create(t T, kind, id string, fields map[string]any) map[string]any {
	t.Helper()
	rec := map[string]any{"id": id}
	for k, v := range fields {
		rec[k] = v
	}
	r := c.put(t, kind, id, rec, nil)
	require.True(t, r.Status >= 200 && r.Status < 300, "create %s/%s: HTTP %d: %s", kind, id, r.Status, r.Body)
	if m := r.record(id); m != nil {
		return m
	}
	got := c.get(t, kind, id)
	require.NotNil(t, got, "GET %s/%s after its create", kind, id)
	return got
}

// record is the body as the record id (a JSON object with that id and a version), else nil.
func (r resp) record(id string) map[string]any {
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil || m["id"] != id || versionString(m) == "" {
		return nil
	}
	return m
}

// versionString is a record's version in either spelling ("" when it has none).
func versionString(m map[string]any) string {
	if v, ok := m["updatedAt"].(string); ok && v != "" {
		return v
	}
	v, _ := m["updated_at"].(string)
	return v
}

// deleted reports whether a record is a tombstone (deletedAt or deleted_at set).
func deleted(m map[string]any) bool {
	for _, k := range []string{"deletedAt", "deleted_at"} {
		if v, ok := m[k].(string); ok && v != "" {
			return true
		}
	}
	return false
}

// requireStatus checks a response's status.
func requireStatus(t T, r resp, statuses ...int) {
	t.Helper()
	require.Contains(t, statuses, r.Status, "status; body %s", r.Body)
}

// get fetches one record; nil on 404.
func (c *client) get(t T, kind, id string) map[string]any {
	t.Helper()
	r := c.do(t, http.MethodGet, recPath(kind, id), nil, nil)
	if r.Status == http.StatusNotFound {
		return nil
	}
	require.Equal(t, http.StatusOK, r.Status, "GET %s/%s: %s", kind, id, r.Body)
	return r.obj(t)
}

// page is one decoded pull response.
type page struct {
	Items []map[string]any `json:"items"`
	Next  *string          `json:"nextPageToken"`
}

// pull fetches one page with the given query.
func (c *client) pull(t T, kind string, q url.Values) page {
	t.Helper()
	r := c.do(t, http.MethodGet, "/"+kind+"?"+q.Encode(), nil, nil)
	require.Equal(t, http.StatusOK, r.Status, "pull %s?%s: %s", kind, q.Encode(), r.Body)
	var p page
	require.NoError(t, json.Unmarshal(r.Body, &p), "pull body: %s", r.Body)
	require.NotNil(t, p.Items, "items is an array: %s", r.Body)
	return p
}

// pullAll walks a kind from the beginning with page tokens.
func (c *client) pullAll(t T, kind string, limit int, includeDeleted bool) []map[string]any {
	t.Helper()
	q := url.Values{"updatedSince": {epoch}, "limit": {strconv.Itoa(limit)}}
	if !includeDeleted {
		q.Set("includeDeleted", "false")
	}
	var all []map[string]any
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10000, "pagination does not end")
		p := c.pull(t, kind, q)
		require.LessOrEqual(t, len(p.Items), limit, "page longer than limit")
		all = append(all, p.Items...)
		if p.Next == nil {
			return all
		}
		require.NotEmpty(t, *p.Next, "nextPageToken is a non-empty string or null")
		q = url.Values{"pageToken": {*p.Next}, "limit": {strconv.Itoa(limit)}}
		if !includeDeleted {
			q.Set("includeDeleted", "false")
		}
	}
}

// epoch is the updatedSince of a first pull.
const epoch = "1970-01-01T00:00:00Z"

func str(t T, m map[string]any, key string) string {
	t.Helper()
	v, ok := m[key].(string)
	require.True(t, ok, "%q is a string in %v", key, m)
	return v
}

// version parses a record's updatedAt (or updated_at).
func version(t T, m map[string]any) (string, time.Time) {
	t.Helper()
	s := versionString(m)
	require.NotEmpty(t, s, "the record has a version (updatedAt or updated_at): %v", m)
	ts, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err, "version %q is RFC 3339", s)
	return s, ts
}

// requireError checks an error response's status and JSON shape.
func requireError(t T, r resp, statuses ...int) map[string]any {
	t.Helper()
	require.Contains(t, statuses, r.Status, "status; body %s", r.Body)
	m := r.obj(t)
	require.NotEmpty(t, str(t, m, "error"), "error code")
	_, ok := m["message"].(string)
	require.True(t, ok, "message is a string: %s", r.Body)
	return m
}
