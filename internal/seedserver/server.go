// Package seedserver is a test backend that answers exactly as a backend built for the seed
// library (offline_first_sync_drift) does: as its backend guide (docs/backend-transport.md,
// "REST API Contract") and its example backend (example/todo_advanced/backend) describe, not
// as offsync's CONTRACT.md asks. offsync promises that such a backend works unchanged; the e2e
// and JS tests sync against this one to keep that promise, and offsync-check's tests use it as
// the "works, optional parts missing" case.
//
// What it does as they do:
//   - records in snake_case: updated_at, created_at, deleted_at (null while live), times in
//     Dart's toIso8601String form (milliseconds, microseconds when not zero, "Z");
//   - PUT /{kind}/{id} is an upsert that keeps the fields the body leaves out; a
//     _baseUpdatedAt that is present and differs from updated_at (compared as instants) is
//     409 {"error":"conflict","serverData":{...}}, unless X-Force-Update: true; a PUT without
//     a base never conflicts; a PUT on a soft-deleted record revives it. The answer is the
//     record (201 created, 200 updated), or, as Options.PutAnswer says, 204 or a body that is
//     not the record, or the request's own body (the seed's engine ignores PUT bodies, so its
//     backends may send anything);
//   - DELETE /{kind}/{id} reads its base from the X-Base-Updated-At header only (as the
//     example backend; the seed's client sends the query parameter), soft-deletes and answers
//     204 with no body; 404 when the record is unknown or already deleted;
//   - GET /{kind}/{id} answers 404 for a soft-deleted record;
//   - GET /{kind}: updatedSince (records with updated_at >= it), afterId (then strictly after
//     (updatedSince, afterId)), limit (default 500, clamped to 1..1000), includeDeleted
//     (default true), pageToken; {"items": [...], "nextPageToken": "..." | null}; with
//     Options.IgnoreAfterID, the guide's simpler reading: updatedSince as >= and afterId ignored;
//   - no POST /batch (404), no idempotency keys (X-Idempotency-Key is ignored), no auth, no
//     tenants, no CORS, no limits beyond a 1 MiB body;
//   - POST /{kind} creates (201).
//
// One deliberate difference: versions are strictly increasing (a microsecond apart at
// least), where the example backend takes DateTime.now() as it comes. Two writes in one
// microsecond would share a version there, and the conflict check (equality) would miss the
// second; the tests must not depend on that luck.
package seedserver

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PutAnswer is what a successful PUT answers.
type PutAnswer string

// PUT answers (Options.PutAnswer).
const (
	PutRecord PutAnswer = "record" // 201/200 with the stored record (the guide)
	PutEmpty  PutAnswer = "empty"  // 204, no body
	PutOther  PutAnswer = "other"  // 200 {"ok":true}: a body that is not the record
	PutEcho   PutAnswer = "echo"   // 200 with the request's body as sent (its old version, if any)
)

// ParsePutAnswer reads a PutAnswer by name.
func ParsePutAnswer(s string) (PutAnswer, bool) {
	switch a := PutAnswer(s); a {
	case PutRecord, PutEmpty, PutOther, PutEcho:
		return a, true
	}
	return "", false
}

// Options configure a Server. Zero values take the defaults in brackets.
type Options struct {
	PutAnswer PutAnswer        // [PutRecord]
	Now       func() time.Time // the clock [time.Now]
	// IgnoreAfterID reads updatedSince as >= and ignores afterId, as the guide's simpler
	// pagination allows: items at the cursor's updatedAt come again on every pull [false].
	IgnoreAfterID bool
}

// Server is the in-memory seed-style backend; it is an http.Handler, safe for concurrent use.
type Server struct {
	opts  Options
	mu    sync.Mutex
	kinds map[string]map[string]*row
	last  time.Time
}

// row is one stored record: its business fields and the server's times.
type row struct {
	fields    map[string]json.RawMessage
	created   time.Time
	updated   time.Time
	deleted   bool
	deletedAt time.Time
}

// New returns an empty Server.
func New(opts Options) *Server {
	if opts.PutAnswer == "" {
		opts.PutAnswer = PutRecord
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Server{opts: opts, kinds: map[string]map[string]*row{}}
}

// systemFields are stripped from written bodies, as the guide's stripSystemFields does.
var systemFields = []string{"id", "ID", "uuid", "updatedAt", "updated_at", "createdAt", "created_at", "deletedAt", "deleted_at", "_baseUpdatedAt"}

var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

const maxBody = 1 << 20

// ServeHTTP routes as the guide's endpoint table.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad path"})
			return
		}
		parts[i] = u
	}
	switch {
	case len(parts) == 1 && parts[0] == "health" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	case parts[0] == "batch" || parts[0] == "health" || !kindPattern.MatchString(parts[0]) || len(parts) > 2:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Route not found"})
	case len(parts) == 1 && r.Method == http.MethodGet:
		s.pull(w, r, parts[0])
	case len(parts) == 1 && r.Method == http.MethodPost:
		s.create(w, r, parts[0])
	case len(parts) == 2 && r.Method == http.MethodGet:
		s.get(w, parts[0], parts[1])
	case len(parts) == 2 && r.Method == http.MethodPut:
		s.put(w, r, parts[0], parts[1])
	case len(parts) == 2 && r.Method == http.MethodDelete:
		s.delete(w, r, parts[0], parts[1])
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// now is the next version: the clock, or a microsecond after the last one.
func (s *Server) now() time.Time {
	t := s.opts.Now().UTC().Truncate(time.Microsecond)
	if !t.After(s.last) {
		t = s.last.Add(time.Microsecond)
	}
	s.last = t
	return t
}

// dartTime formats t as Dart's DateTime.toIso8601String does for a UTC time.
func dartTime(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05.000")
	if us := t.Nanosecond() / 1000 % 1000; us != 0 {
		s += strconv.Itoa(us + 1000)[1:]
	}
	return s + "Z"
}

// parseTime reads a client's timestamp as Dart's DateTime.tryParse would (RFC 3339 forms).
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func (rw *row) json(id string) json.RawMessage {
	m := make(map[string]any, len(rw.fields)+4)
	for k, v := range rw.fields {
		m[k] = v
	}
	m["id"] = id
	m["created_at"] = dartTime(rw.created)
	m["updated_at"] = dartTime(rw.updated)
	m["deleted_at"] = nil
	if rw.deleted {
		m["deleted_at"] = dartTime(rw.deletedAt)
	}
	b, _ := json.Marshal(m)
	return b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readObject reads a JSON object body.
func readObject(r *http.Request) (map[string]json.RawMessage, bool) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(b) > maxBody {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil || m == nil {
		return nil, false
	}
	return m, true
}

func business(body map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(body))
	for k, v := range body {
		out[k] = v
	}
	for _, f := range systemFields {
		delete(out, f)
	}
	return out
}

func (s *Server) rows(kind string) map[string]*row {
	m := s.kinds[kind]
	if m == nil {
		m = map[string]*row{}
		s.kinds[kind] = m
	}
	return m
}

func (s *Server) get(w http.ResponseWriter, kind, id string) {
	s.mu.Lock()
	rw := s.kinds[kind][id]
	var b json.RawMessage
	if rw != nil && !rw.deleted {
		b = rw.json(id)
	}
	s.mu.Unlock()
	if b == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Todo not found"})
		return
	}
	writeRaw(w, http.StatusOK, b)
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, kind string) {
	body, ok := readObject(r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Invalid request body"})
		return
	}
	var id string
	if raw, has := body["id"]; has {
		_ = json.Unmarshal(raw, &id)
	}
	if id == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	s.mu.Lock()
	now := s.now()
	rw := &row{fields: business(body), created: now, updated: now}
	s.rows(kind)[id] = rw
	out := rw.json(id)
	s.mu.Unlock()
	writeRaw(w, http.StatusCreated, out)
}

// conflict is the 409 answer: the record under "serverData".
func conflict(w http.ResponseWriter, rec json.RawMessage) {
	writeJSON(w, http.StatusConflict, map[string]any{"error": "conflict", "serverData": rec})
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, kind, id string) {
	body, ok := readObject(r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Invalid request body"})
		return
	}
	var base *time.Time
	if raw, has := body["_baseUpdatedAt"]; has {
		var bs string
		if json.Unmarshal(raw, &bs) == nil {
			if t, ok := parseTime(bs); ok {
				base = &t
			}
		}
	}
	force := strings.EqualFold(r.Header.Get("X-Force-Update"), "true")
	s.mu.Lock()
	rows := s.rows(kind)
	rw := rows[id]
	status := http.StatusOK
	switch {
	case rw == nil:
		now := s.now()
		rw = &row{fields: business(body), created: now, updated: now}
		rows[id] = rw
		status = http.StatusCreated
	case !force && base != nil && !base.Equal(rw.updated):
		cur := rw.json(id)
		s.mu.Unlock()
		conflict(w, cur)
		return
	default:
		for k, v := range business(body) {
			rw.fields[k] = v
		}
		rw.updated, rw.deleted = s.now(), false
	}
	out := rw.json(id)
	s.mu.Unlock()
	switch s.opts.PutAnswer {
	case PutEmpty:
		w.WriteHeader(http.StatusNoContent)
	case PutOther:
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	case PutEcho:
		writeJSON(w, http.StatusOK, body)
	default:
		writeRaw(w, status, out)
	}
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, kind, id string) {
	var base *time.Time
	if h := r.Header.Get("X-Base-Updated-At"); h != "" {
		if t, ok := parseTime(h); ok {
			base = &t
		}
	}
	force := strings.EqualFold(r.Header.Get("X-Force-Delete"), "true")
	s.mu.Lock()
	rw := s.kinds[kind][id]
	switch {
	case rw == nil || rw.deleted:
		s.mu.Unlock()
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Todo not found"})
		return
	case !force && base != nil && !base.Equal(rw.updated):
		cur := rw.json(id)
		s.mu.Unlock()
		conflict(w, cur)
		return
	}
	now := s.now()
	rw.updated, rw.deleted, rw.deletedAt = now, true, now
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// cursor is a position in (updated_at, id) order; page tokens carry one.
type cursor struct {
	TS time.Time `json:"ts"`
	ID string    `json:"id"`
}

func encodeToken(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" {
		return cursor{}, false
	}
	return c, true
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request, kind string) {
	q := r.URL.Query()
	limit := 500
	if n, err := strconv.Atoi(q.Get("limit")); err == nil {
		limit = min(max(n, 1), 1000)
	}
	includeDeleted := q.Get("includeDeleted") != "false"
	var (
		since   time.Time
		afterID string
	)
	if tok := q.Get("pageToken"); tok != "" {
		c, ok := decodeToken(tok)
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid pageToken"})
			return
		}
		since, afterID = c.TS, c.ID
	} else {
		if v := q.Get("updatedSince"); v != "" {
			t, ok := parseTime(v)
			if !ok {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid updatedSince"})
				return
			}
			since = t
		}
		if !s.opts.IgnoreAfterID {
			afterID = q.Get("afterId")
		}
	}
	type item struct {
		id string
		rw *row
	}
	s.mu.Lock()
	var all []item
	for id, rw := range s.kinds[kind] {
		if rw.deleted && !includeDeleted {
			continue
		}
		if rw.updated.Before(since) || (afterID != "" && rw.updated.Equal(since) && id <= afterID) {
			continue
		}
		all = append(all, item{id, rw})
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].rw.updated.Equal(all[j].rw.updated) {
			return all[i].rw.updated.Before(all[j].rw.updated)
		}
		return all[i].id < all[j].id
	})
	var next any
	if len(all) > limit {
		all = all[:limit]
		last := all[limit-1]
		next = encodeToken(cursor{TS: last.rw.updated, ID: last.id})
	}
	items := make([]json.RawMessage, len(all))
	for i, it := range all {
		items[i] = it.rw.json(it.id)
	}
	s.mu.Unlock()
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(map[string]any{"items": items, "nextPageToken": next})
	writeRaw(w, http.StatusOK, buf.Bytes())
}
