// Package storetest is the conformance suite every core.Store must pass: memstore natively,
// idbstore in headless Chromium. It uses no goroutines, sleeps, files or processes, so it runs
// unchanged under GOOS=js.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// Run runs the suite. open returns a new, empty store for each subtest; the suite closes it
// (Close must be safe to call twice, so open may also register its own cleanup).
func Run(t *testing.T, open func(t *testing.T) core.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"WriteLocal", writeTests},
		{"Enqueue", enqueueTests},
		{"Outbox", outboxTests},
		{"InFlight", inFlightTests},
		{"Heads", headsTests},
		{"Ack", ackTests},
		{"Resolve", resolveTests},
		{"Park", parkTests},
		{"Pull", pullTests},
		{"Older", olderTests},
		{"ResetCursors", resetTests},
		{"Conflicts", conflictTests},
		{"Meta", metaTests},
		{"List", listTests},
		{"Copies", copyTests},
		{"Invalid", invalidTests},
		{"Closed", closedTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					s := open(t)
					defer func() { _ = s.Close() }()
					tc.run(&env{T: t, ctx: ctx, s: s})
				})
			}
		})
	}
}

type test struct {
	name string
	run  func(e *env)
}

// env is one subtest's store with helpers that fail the test on unexpected errors.
type env struct {
	*testing.T
	ctx   context.Context
	s     core.Store
	opSeq int
}

const (
	kindA = "note"
	kindB = "task"
)

func (e *env) newOpID() string {
	e.opSeq++
	return fmt.Sprintf("op-%03d", e.opSeq)
}

func raw(s string) core.RawJSON { return core.RawJSON(s) }

// upsert is a LocalWrite of data (a JSON object) with derived changedFields.
func (e *env) upsert(kind, id, data string) core.LocalWrite {
	return core.LocalWrite{Kind: kind, ID: id, Data: raw(data), OpID: e.newOpID(), LocalTimestamp: int64(1000 + e.opSeq)}
}

func (e *env) del(kind, id string) core.LocalWrite {
	return core.LocalWrite{Kind: kind, ID: id, Delete: true, OpID: e.newOpID(), LocalTimestamp: int64(1000 + e.opSeq)}
}

// write writes ws in one call and checks the pending count it returns against PendingCount.
func (e *env) write(ws ...core.LocalWrite) []core.Record {
	e.Helper()
	res, err := e.s.WriteLocal(e.ctx, ws)
	require.NoError(e, err)
	require.Len(e, res.Records, len(ws))
	require.Equal(e, e.pending(), res.Pending, "pending count returned by WriteLocal")
	return res.Records
}

// writePending writes ws in one call and returns the pending count it reports.
func (e *env) writePending(ws ...core.LocalWrite) int {
	e.Helper()
	res, err := e.s.WriteLocal(e.ctx, ws)
	require.NoError(e, err)
	return res.Pending
}

func (e *env) outbox() []core.Op {
	e.Helper()
	ops, err := e.s.Outbox(e.ctx, 0)
	require.NoError(e, err)
	return ops
}

func (e *env) get(kind, id string) (core.Record, bool) {
	e.Helper()
	r, ok, err := e.s.Get(e.ctx, kind, id)
	require.NoError(e, err)
	return r, ok
}

func (e *env) list(kind string) []core.Record {
	e.Helper()
	rs, err := e.s.List(e.ctx, kind)
	require.NoError(e, err)
	return rs
}

func (e *env) ids(kind string) []string {
	e.Helper()
	out := []string{}
	for _, r := range e.list(kind) {
		out = append(out, r.ID)
	}
	return out
}

func (e *env) parked() []core.ParkedOp {
	e.Helper()
	p, err := e.s.Parked(e.ctx)
	require.NoError(e, err)
	return p
}

func (e *env) pending() int {
	e.Helper()
	n, err := e.s.PendingCount(e.ctx)
	require.NoError(e, err)
	return n
}

func (e *env) cursor(kind string) core.Cursor {
	e.Helper()
	c, err := e.s.Cursor(e.ctx, kind)
	require.NoError(e, err)
	return c
}

func (e *env) apply(kind string, items []core.Record, next core.Cursor) []string {
	e.Helper()
	held, err := e.s.ApplyPage(e.ctx, kind, items, next)
	require.NoError(e, err)
	return held
}

func (e *env) ack(acks ...core.Ack) {
	e.Helper()
	require.NoError(e, e.s.Ack(e.ctx, acks))
}

// ackAndMarkOps acknowledges acks and marks next in one call (ackAndMark) and returns what
// the store answered.
func (e *env) ackAndMarkOps(acks []core.Ack, next ...core.Op) []core.Op {
	e.Helper()
	marked, err := ackAndMark(e.ctx, e.s, acks, next)
	require.NoError(e, err)
	return marked
}

// server is a record as a transport returns it: the server's version in Data and metadata.
func server(kind, id, version, fields string) core.Record {
	data := fmt.Sprintf(`{"id":%q,"updatedAt":%q%s}`, id, version, fields)
	return core.Record{Kind: kind, ID: id, Data: raw(data), UpdatedAt: version}
}

func tombstone(kind, id, version string) core.Record {
	data := fmt.Sprintf(`{"id":%q,"updatedAt":%q,"deletedAt":%q}`, id, version, version)
	return core.Record{Kind: kind, ID: id, Data: raw(data), UpdatedAt: version, Deleted: true}
}

// opOf returns the single pending op of an entity.
func (e *env) opOf(kind, id string) core.Op {
	e.Helper()
	var found []core.Op
	for _, o := range e.outbox() {
		if o.Kind == kind && o.EntityID == id {
			found = append(found, o)
		}
	}
	require.Len(e, found, 1, "pending ops of %s/%s", kind, id)
	return found[0]
}

// requireJSON compares JSON by meaning.
func requireJSON(e *env, want string, got core.RawJSON) {
	e.Helper()
	require.JSONEq(e, want, string(got))
}

func requireCode(e *env, err error, code *core.Error) {
	e.Helper()
	require.Error(e, err)
	require.ErrorIs(e, err, code, "got %v", err)
}
