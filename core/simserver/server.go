// Package simserver is an in-memory server that implements core.Transport with the semantics
// of CONTRACT.md, for engine tests and the deterministic simulation: soft deletes, versions
// strictly increasing per kind, (updatedAt, id) tuple pagination, 409 with the current record,
// idempotency replay per key, and the revive rule of docs/DESIGN.md (a PUT whose base equals a
// tombstone's version revives it). Fault hooks inject lost requests, lost responses, 5xx,
// 429 with Retry-After and anything else a test wants; counters say how often each
// idempotency key was applied.
//
// One Server is one tenant. All methods are safe for concurrent use. Several engines (clients)
// may share one Server.
package simserver

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/offsync/offsync/core"
)

// versionLayout formats versions with a fixed width, so they also sort as strings.
const versionLayout = "2006-01-02T15:04:05.000000Z"

// Options configure a Server. Zero values take the defaults in brackets.
type Options struct {
	// Now is the server's clock [time.Now]. Versions follow it but stay strictly increasing
	// (+1µs) when it stands still or steps back.
	Now func() time.Time
	// NoUpsert makes a PUT of an unknown id answer 404 instead of creating the record, like a
	// server that does not upsert.
	NoUpsert bool
	// RetryAfter is what 429 answers of the TooMany fault carry [1s].
	RetryAfter time.Duration
}

// Server is the simulated server. Its zero value is not usable: call New.
type Server struct {
	opts Options

	mu       sync.Mutex
	kinds    map[string]map[string]*stored // kind → id → record, tombstones included
	last     time.Time                     // last version handed out
	replies  map[string]core.PushResult    // idempotency key → first answer
	applied  map[string]int                // idempotency key → times it changed state
	calls    map[string]int                // Transport method → calls
	hooks    Hooks
	offline  bool
	failNext map[string][]error // method → errors for its next calls
}

// stored is one server record.
type stored struct {
	fields  map[string]core.RawJSON // business fields plus updatedAt / deletedAt
	version string                  // formatted: fixed width, so string order is time order
	deleted bool
}

var _ core.Transport = (*Server)(nil)

// New returns an empty server.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RetryAfter == 0 {
		opts.RetryAfter = time.Second
	}
	return &Server{
		opts:     opts,
		kinds:    map[string]map[string]*stored{},
		replies:  map[string]core.PushResult{},
		applied:  map[string]int{},
		calls:    map[string]int{},
		failNext: map[string][]error{},
	}
}

// nextVersion hands out the next version of the server: now, or 1µs after the last one.
func (s *Server) nextVersion() time.Time {
	v := s.opts.Now().UTC().Truncate(time.Microsecond)
	if !v.After(s.last) {
		v = s.last.Add(time.Microsecond)
	}
	s.last = v
	return v
}

func formatVersion(t time.Time) string { return t.UTC().Format(versionLayout) }

// record renders a stored record as the client sees it.
func (st *stored) record(kind, id string) core.Record {
	data, _ := json.Marshal(st.fields)
	return core.Record{Kind: kind, ID: id, Data: data, UpdatedAt: st.version, Deleted: st.deleted}
}

// write stores fields (an object without server fields) as the new state of kind/id.
func (s *Server) write(kind, id string, fields map[string]core.RawJSON, deleted bool) core.Record {
	return s.writeAt(kind, id, fields, deleted, s.nextVersion())
}

func (s *Server) writeAt(kind, id string, fields map[string]core.RawJSON, deleted bool, v time.Time) core.Record {
	byID := s.kinds[kind]
	if byID == nil {
		byID = map[string]*stored{}
		s.kinds[kind] = byID
	}
	clean := make(map[string]core.RawJSON, len(fields)+2)
	for k, val := range fields {
		switch k {
		case "updatedAt", "updated_at", "deletedAt", "deleted_at", "_baseUpdatedAt":
		default:
			clean[k] = val
		}
	}
	clean["id"], _ = json.Marshal(id)
	clean["updatedAt"], _ = json.Marshal(formatVersion(v))
	if deleted {
		clean["deletedAt"], _ = json.Marshal(formatVersion(v))
	}
	st := &stored{fields: clean, version: formatVersion(v), deleted: deleted}
	byID[id] = st
	return st.record(kind, id)
}

func (s *Server) get(kind, id string) *stored { return s.kinds[kind][id] }

// Put writes a record directly on the server, as another client's accepted write would:
// data is a JSON object; its id is the record's id. It returns the stored record.
func (s *Server) Put(kind string, data core.RawJSON) (core.Record, error) {
	id, fields, err := parseObject(data)
	if err != nil {
		return core.Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.write(kind, id, fields, false), nil
}

// Import writes many records directly on the server with ONE shared version, like a bulk
// import: pagination must still visit each exactly once (CONTRACT.md). Each datum is a JSON
// object with a string id.
func (s *Server) Import(kind string, data []core.RawJSON) ([]core.Record, error) {
	type item struct {
		id     string
		fields map[string]core.RawJSON
	}
	items := make([]item, 0, len(data))
	for _, d := range data {
		id, fields, err := parseObject(d)
		if err != nil {
			return nil, err
		}
		items = append(items, item{id, fields})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.nextVersion()
	out := make([]core.Record, 0, len(items))
	for _, it := range items {
		out = append(out, s.writeAt(kind, it.id, it.fields, false, v))
	}
	return out, nil
}

// parseObject checks a record given to Put or Import.
func parseObject(data core.RawJSON) (string, map[string]core.RawJSON, error) {
	var fields map[string]core.RawJSON
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return "", nil, core.Errorf(core.CodeInvalid, "simserver", "not a JSON object")
	}
	var id string
	if err := json.Unmarshal(fields["id"], &id); err != nil || !core.ValidID(id) {
		return "", nil, core.Errorf(core.CodeInvalid, "simserver", "no string id")
	}
	return id, fields, nil
}

// Delete soft-deletes a record directly on the server; ok is false when it is unknown.
func (s *Server) Delete(kind, id string) (core.Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.get(kind, id)
	if cur == nil {
		return core.Record{}, false
	}
	return s.write(kind, id, cur.fields, true), true
}

// Record returns the server's record (tombstones included); ok is false when unknown.
func (s *Server) Record(kind, id string) (core.Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.get(kind, id)
	if cur == nil {
		return core.Record{}, false
	}
	return cur.record(kind, id), true
}

// Records returns every record of kind (tombstones included) in (updatedAt, id) order.
func (s *Server) Records(kind string) []core.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sorted(kind)
}

func (s *Server) sorted(kind string) []core.Record {
	return s.after(kind, core.Cursor{}, -1)
}

// after renders up to limit records of kind after c in (updatedAt, id) order (limit < 0: all).
// Only the records returned are rendered.
func (s *Server) after(kind string, c core.Cursor, limit int) []core.Record {
	type key struct{ version, id string }
	var keys []key
	for id, st := range s.kinds[kind] {
		if afterCursor(st.version, id, c) {
			keys = append(keys, key{st.version, id})
		}
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i].version, keys[i].id, keys[j].version, keys[j].id) })
	if limit >= 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	out := make([]core.Record, len(keys))
	for i, k := range keys {
		out[i] = s.kinds[kind][k.id].record(kind, k.id)
	}
	return out
}

// less orders (version, id) tuples; versions have a fixed width, so string order is time order.
func less(va, ida, vb, idb string) bool {
	if va != vb {
		return va < vb
	}
	return ida < idb
}

// Applied says how many times the op with this idempotency key changed the server's state
// (0 or 1 unless idempotency is broken).
func (s *Server) Applied(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied[key]
}

// AppliedKeys returns every idempotency key that changed state, with its count.
func (s *Server) AppliedKeys() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.applied))
	for k, n := range s.applied {
		out[k] = n
	}
	return out
}

// Calls says how many times a Transport method ("pull", "push", "fetch", "health") was called,
// faulted calls included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Fetch returns one record, tombstones included.
func (s *Server) Fetch(ctx context.Context, kind, id string) (core.Record, bool, error) {
	if err := s.begin(ctx, MethodFetch, nil); err != nil {
		return core.Record{}, false, err
	}
	r, ok := s.Record(kind, id)
	return r, ok, nil
}

// Health answers like GET /health.
func (s *Server) Health(ctx context.Context) error { return s.begin(ctx, MethodHealth, nil) }

// begin counts a call, checks ctx and runs the BeforeCall hook.
func (s *Server) begin(ctx context.Context, method string, ops []core.Op) error {
	s.mu.Lock()
	s.calls[method]++
	hook, offline := s.hooks.BeforeCall, s.offline
	var planned error
	if q := s.failNext[method]; len(q) > 0 {
		planned, s.failNext[method] = q[0], q[1:]
	}
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return core.Wrap(core.CodeCancelled, method, err)
	}
	if offline {
		return NetworkError(method)
	}
	if planned != nil {
		return planned
	}
	if hook != nil {
		if err := hook(ctx, method, ops); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return core.Wrap(core.CodeCancelled, method, err)
	}
	return nil
}
