package storekit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

func raw(s string) core.RawJSON { return core.RawJSON(s) }

// pendingOf is the pending ops of an entity whose last op is last (nil: none).
func pendingOf(last *core.Op) []core.Op {
	if last == nil {
		return nil
	}
	return []core.Op{*last}
}

func upsertW(id, data string, ts int64) core.LocalWrite {
	return core.LocalWrite{Kind: "note", ID: id, Data: raw(data), OpID: "new", LocalTimestamp: ts}
}

func TestPlanWrite(t *testing.T) {
	synced := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x","n":1}`), UpdatedAt: "v1"}
	fresh := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x"}`)}
	tomb := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x"}`), UpdatedAt: "v2", Deleted: true}
	pendingCreate := &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"x"}`), LocalTimestamp: 1}
	pendingEdit := &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"y","n":1}`), BaseUpdatedAt: "v1", ChangedFields: []string{"t"}, LocalTimestamp: 1}
	pendingDelete := &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpDelete, BaseUpdatedAt: "v1", LocalTimestamp: 1}
	inFlight := &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a"}`), BaseUpdatedAt: "v1", ChangedFields: []string{"t"}, InFlight: true}
	retried := &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a"}`), Attempt: 1}

	tests := []struct {
		name     string
		existing *core.Record
		last     *core.Op
		w        core.LocalWrite
		append   *core.Op
		replace  *core.Op
		remove   bool
		record   core.Record
	}{
		{name: "create appends an upsert without base, all fields",
			w:      upsertW("a", `{"id":"a","t":"x"}`, 5),
			append: &core.Op{OpID: "new", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"x"}`), LocalTimestamp: 5},
			record: core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x"}`)}},
		{name: "edit of a synced record derives changedFields and keeps the base",
			existing: synced, w: upsertW("a", `{"id":"a","t":"y","n":1,"updatedAt":"zzz"}`, 5),
			append: &core.Op{OpID: "new", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"y","n":1,"updatedAt":"zzz"}`), BaseUpdatedAt: "v1", ChangedFields: []string{"t"}, LocalTimestamp: 5},
			record: core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"y","n":1,"updatedAt":"zzz"}`), UpdatedAt: "v1"}},
		{name: "given changedFields are used as they are",
			existing: synced, w: core.LocalWrite{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), OpID: "new", ChangedFields: []string{"z"}, ChangedGiven: true},
			append: &core.Op{OpID: "new", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a"}`), BaseUpdatedAt: "v1", ChangedFields: []string{"z"}},
			record: core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: "v1"}},
		{name: "upsert after upsert: new payload, union of fields, earlier base, later time",
			existing: synced, last: pendingEdit, w: upsertW("a", `{"id":"a","t":"x","n":2}`, 9),
			replace: &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"x","n":2}`), BaseUpdatedAt: "v1", ChangedFields: []string{"t", "n"}, LocalTimestamp: 9},
			record:  core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x","n":2}`), UpdatedAt: "v1"}},
		{name: "upsert after create stays a create with all fields",
			existing: fresh, last: pendingCreate, w: upsertW("a", `{"id":"a","t":"z"}`, 9),
			replace: &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"z"}`), LocalTimestamp: 9},
			record:  core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"z"}`)}},
		{name: "delete after create never sent: both cancel out",
			existing: fresh, last: pendingCreate, w: core.LocalWrite{Kind: "note", ID: "a", Delete: true, OpID: "new", LocalTimestamp: 9},
			remove: true,
			record: core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x"}`), Deleted: true}},
		{name: "delete after a retried create (attempt > 0) is a delete",
			existing: fresh, last: retried, w: core.LocalWrite{Kind: "note", ID: "a", Delete: true, OpID: "new", LocalTimestamp: 9},
			replace: &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpDelete, Attempt: 1, LocalTimestamp: 9},
			record:  core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x"}`), Deleted: true}},
		{name: "delete after edit: one delete with the earlier base",
			existing: synced, last: pendingEdit, w: core.LocalWrite{Kind: "note", ID: "a", Delete: true, OpID: "new", LocalTimestamp: 9},
			replace: &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpDelete, BaseUpdatedAt: "v1", LocalTimestamp: 9},
			record:  core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"x","n":1}`), UpdatedAt: "v1", Deleted: true}},
		{name: "upsert after delete: upsert of the new content, all fields",
			existing: &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: "v1", Deleted: true}, last: pendingDelete,
			w:       upsertW("a", `{"id":"a","t":"new"}`, 9),
			replace: &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"new"}`), BaseUpdatedAt: "v1", LocalTimestamp: 9},
			record:  core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"new"}`), UpdatedAt: "v1"}},
		{name: "delete after delete: one delete",
			existing: &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: "v1", Deleted: true}, last: pendingDelete,
			w:       core.LocalWrite{Kind: "note", ID: "a", Delete: true, OpID: "new", LocalTimestamp: 9},
			replace: &core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpDelete, BaseUpdatedAt: "v1", LocalTimestamp: 9},
			record:  core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: "v1", Deleted: true}},
		{name: "an in-flight last op is never coalesced into",
			existing: synced, last: inFlight, w: upsertW("a", `{"id":"a","t":"q","n":1}`, 9),
			append: &core.Op{OpID: "new", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"q","n":1}`), BaseUpdatedAt: "v1", ChangedFields: []string{"t"}, LocalTimestamp: 9},
			record: core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"q","n":1}`), UpdatedAt: "v1"}},
		{name: "upsert over a server tombstone revives it: all fields, base = tombstone version",
			existing: tomb, w: upsertW("a", `{"id":"a","t":"back"}`, 9),
			append: &core.Op{OpID: "new", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":"back"}`), BaseUpdatedAt: "v2", LocalTimestamp: 9},
			record: core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":"back"}`), UpdatedAt: "v2"}},
		{name: "delete of an absent record appends a delete and a minimal tombstone",
			w:      core.LocalWrite{Kind: "note", ID: "a", Delete: true, OpID: "new", LocalTimestamp: 9},
			append: &core.Op{OpID: "new", Kind: "note", EntityID: "a", Type: core.OpDelete, LocalTimestamp: 9},
			record: core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), Deleted: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := planWrite(tt.existing, pendingOf(tt.last), tt.w)
			require.NoError(t, err)
			assert.Equal(t, tt.record, plan.Record)
			assert.Equal(t, tt.append, plan.Append)
			assert.Equal(t, tt.replace, plan.Replace)
			assert.Equal(t, tt.remove, plan.Remove)
		})
	}
}

func TestPlanWriteUnionWithAllFields(t *testing.T) {
	last := &core.Op{OpID: "o1", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a"}`), BaseUpdatedAt: "v1"}
	existing := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":1}`), UpdatedAt: "v1"}
	plan, err := planWrite(existing, pendingOf(last), upsertW("a", `{"id":"a","t":2}`, 1))
	require.NoError(t, err)
	require.NotNil(t, plan.Replace)
	assert.Nil(t, plan.Replace.ChangedFields, "nil (all fields) absorbs the union")
}

// An upsert's data is copied in once, for its record and its op alike; data handed over
// (LocalWrite.Owned) is kept as it is.
func TestPlanWriteCopiesDataOnce(t *testing.T) {
	same := func(a, b core.RawJSON) bool { return &a[0] == &b[0] }
	w := upsertW("a", `{"id":"a","t":2}`, 1)
	plan, err := planWrite(nil, nil, w)
	require.NoError(t, err)
	require.NotNil(t, plan.Append)
	assert.JSONEq(t, string(w.Data), string(plan.Record.Data))
	assert.False(t, same(w.Data, plan.Record.Data), "copied in")
	assert.True(t, same(plan.Record.Data, plan.Append.Payload), "one copy for the record and the op")

	w.Owned = true
	plan, err = planWrite(nil, nil, w)
	require.NoError(t, err)
	assert.True(t, same(w.Data, plan.Record.Data), "handed over: not copied")
	assert.True(t, same(w.Data, plan.Append.Payload))
}

func TestPlanWriteStoredNotObject(t *testing.T) {
	existing := &core.Record{Kind: "note", ID: "a", Data: raw(`[1]`), UpdatedAt: "v1"}
	_, err := planWrite(existing, nil, upsertW("a", `{"id":"a"}`, 1))
	require.ErrorIs(t, err, core.ErrInvalid)
}

func TestPlanWriteBehindInFlight(t *testing.T) {
	inFlightCreate := core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a"}`), InFlight: true}
	laterEdit := core.Op{OpID: "o2", Seq: 2, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":1}`)}
	existing := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":1}`)}
	del := core.LocalWrite{Kind: "note", ID: "a", Delete: true, OpID: "o3", LocalTimestamp: 7}

	plan, err := planWrite(existing, []core.Op{inFlightCreate, laterEdit}, del)
	require.NoError(t, err)
	assert.False(t, plan.Remove, "the server will have the entity once the in-flight create lands")
	require.NotNil(t, plan.Replace)
	assert.Equal(t, core.Op{OpID: "o2", Seq: 2, Kind: "note", EntityID: "a", Type: core.OpDelete, LocalTimestamp: 7}, *plan.Replace)

	plan, err = planWrite(existing, []core.Op{laterEdit}, del)
	require.NoError(t, err)
	assert.True(t, plan.Remove, "a sole never-sent create cancels out")

	plan, err = planWrite(existing, nil, del)
	require.NoError(t, err)
	require.NotNil(t, plan.Append)
}

func TestCoalescePending(t *testing.T) {
	create := core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert}
	del := core.Op{OpID: "o9", Kind: "note", EntityID: "a", Type: core.OpDelete, LocalTimestamp: 3}
	tests := []struct {
		name    string
		pending []core.Op
		merged  bool
		remove  bool
	}{
		{"nothing pending: append", nil, false, false},
		{"sole create: cancel", []core.Op{create}, false, true},
		{"create behind another op: coalesce into a delete", []core.Op{{OpID: "o0", InFlight: true}, create}, true, false},
		{"in-flight last: append", []core.Op{{OpID: "o0", Type: core.OpUpsert, InFlight: true}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			merged, remove := coalescePending(tt.pending, del)
			assert.Equal(t, tt.merged, merged != nil)
			assert.Equal(t, tt.remove, remove)
			if merged != nil {
				assert.Equal(t, core.OpDelete, merged.Type)
				assert.Equal(t, "o1", merged.OpID)
			}
		})
	}
}

func TestPlanAck(t *testing.T) {
	op := core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":1}`), BaseUpdatedAt: "v1"}
	server := &core.Record{Kind: "", ID: "a", Data: raw(`{"id":"a","t":1,"updatedAt":"v2"}`), UpdatedAt: "v2"}
	local := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":5}`), UpdatedAt: "v1"}
	later := []core.Op{{OpID: "o2", Seq: 4, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":5}`), BaseUpdatedAt: "v1", ChangedFields: []string{"t"}}}

	tests := []struct {
		name     string
		existing *core.Record
		later    []core.Op
		server   *core.Record
		rec      *core.Record
		rebased  []core.Op
	}{
		{name: "no later ops: the server record becomes local (kind from the op)",
			existing: local, server: server,
			rec: &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":1,"updatedAt":"v2"}`), UpdatedAt: "v2"}},
		{name: "later ops: local data kept, version advanced, later ops rebased",
			existing: local, later: later, server: server,
			rec:     &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":5}`), UpdatedAt: "v2"},
			rebased: []core.Op{{OpID: "o2", Seq: 4, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":5}`), BaseUpdatedAt: "v2", ChangedFields: []string{"t"}}}},
		{name: "404 on delete without later ops: the local record becomes a tombstone",
			existing: local,
			rec:      &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":5}`), UpdatedAt: "v1", Deleted: true}},
		{name: "404 on delete of an already deleted record: nothing to write",
			existing: &core.Record{Kind: "note", ID: "a", Data: raw(`{}`), Deleted: true}},
		{name: "404 and nothing stored: nothing to write"},
		{name: "later ops without a stored record: only the rebase",
			later: later, server: server,
			rebased: []core.Op{{OpID: "o2", Seq: 4, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","t":5}`), BaseUpdatedAt: "v2", ChangedFields: []string{"t"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, rebased, err := planAck(tt.existing, tt.later, core.Ack{Op: op, Server: tt.server})
			require.NoError(t, err)
			assert.Equal(t, tt.rec, rec)
			assert.Equal(t, tt.rebased, rebased)
		})
	}
}

// TestPlainAck checks that PlainAck's record is planAck's for an op without later ops, and
// that an ack without a server record, or with another entity's, is not plain.
func TestPlainAck(t *testing.T) {
	op := core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a"}`)}
	local := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","t":5}`), UpdatedAt: "v1"}
	tests := []struct {
		name   string
		server *core.Record
		plain  bool
	}{
		{name: "a server record", server: &core.Record{ID: "a", Data: raw(`{"id":"a","updatedAt":"v2"}`), UpdatedAt: "v2"}, plain: true},
		{name: "a tombstone", server: &core.Record{Kind: "note", ID: "a", Data: raw(`{}`), UpdatedAt: "v3", Deleted: true}, plain: true},
		{name: "no server record (a 404 on delete)"},
		{name: "another entity's record", server: &core.Record{ID: "b", Data: raw(`{"id":"b"}`), UpdatedAt: "v2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := core.Ack{Op: op, Server: tt.server}
			rec, ok := PlainAck(a)
			require.Equal(t, tt.plain, ok)
			if !ok {
				return
			}
			want, rebased, err := planAck(local, nil, a)
			require.NoError(t, err)
			require.NotNil(t, want)
			assert.Equal(t, *want, rec)
			assert.Nil(t, rebased)
		})
	}
}

func TestPlanAckCopies(t *testing.T) {
	server := &core.Record{ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: "v2"}
	later := []core.Op{{OpID: "o2", ChangedFields: []string{"t"}}}
	rec, rebased, err := planAck(nil, nil, core.Ack{Op: core.Op{Kind: "note"}, Server: server})
	require.NoError(t, err)
	rec.Data[2] = 'X'
	assert.Equal(t, `{"id":"a"}`, string(server.Data))
	_, rebased, err = planAck(nil, later, core.Ack{Server: server})
	require.NoError(t, err)
	rebased[0].ChangedFields[0] = "X"
	assert.Equal(t, "t", later[0].ChangedFields[0])
}

// TestPlanAckRebuild: a conflict's serverWins (Ack.Rebuild) rebuilds the later upserts on the
// server's record, each on the one before with its own changed fields, and the last one's data
// becomes the record; deletes stay as they are; without Rebuild, or with a tombstone from the
// server, the payloads are kept.
func TestPlanAckRebuild(t *testing.T) {
	op := core.Op{OpID: "o1", Seq: 1, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","a":"local","b":"x"}`)}
	server := &core.Record{ID: "a", Data: raw(`{"id":"a","a":"x","b":"server"}`), UpdatedAt: "v2"}
	existing := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","a":"local","b":"x","c":1,"d":2}`), UpdatedAt: "v1"}
	upsert := func(id string, seq int64, payload string, changed ...string) core.Op {
		return core.Op{OpID: id, Seq: seq, Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(payload), ChangedFields: changed, BaseUpdatedAt: "v1"}
	}
	del := core.Op{OpID: "del", Seq: 3, Kind: "note", EntityID: "a", Type: core.OpDelete, BaseUpdatedAt: "v1"}
	b := upsert("b", 2, `{"id":"a","a":"local","b":"x","c":1}`, "c")
	d := upsert("d", 4, `{"id":"a","a":"local","b":"x","c":1,"d":2}`, "d")
	tests := []struct {
		name     string
		server   *core.Record
		rebuild  bool
		later    []core.Op
		payloads []string // of the rebased ops, in order ("" for a delete)
		rec      string   // the record's data
	}{
		{name: "upserts rebuilt in order, the last one the record", server: server, rebuild: true, later: []core.Op{b, d},
			payloads: []string{`{"a":"x","b":"server","c":1,"id":"a"}`, `{"a":"x","b":"server","c":1,"d":2,"id":"a"}`},
			rec:      `{"a":"x","b":"server","c":1,"d":2,"id":"a"}`},
		{name: "a delete last: upserts rebuilt, the record kept", server: server, rebuild: true, later: []core.Op{b, del},
			payloads: []string{`{"a":"x","b":"server","c":1,"id":"a"}`, ""}, rec: string(existing.Data)},
		{name: "a delete between: the upsert after it rebuilt on the one before", server: server, rebuild: true, later: []core.Op{b, del, d},
			payloads: []string{`{"a":"x","b":"server","c":1,"id":"a"}`, "", `{"a":"x","b":"server","c":1,"d":2,"id":"a"}`},
			rec:      `{"a":"x","b":"server","c":1,"d":2,"id":"a"}`},
		{name: "no rebuild: an ack keeps the payloads", server: server, later: []core.Op{b, d},
			payloads: []string{string(b.Payload), string(d.Payload)}, rec: string(existing.Data)},
		{name: "a tombstone from the server: nothing to rebuild on", server: &core.Record{ID: "a", Data: raw(`{}`), UpdatedAt: "v2", Deleted: true},
			rebuild: true, later: []core.Op{b, d}, payloads: []string{string(b.Payload), string(d.Payload)}, rec: string(existing.Data)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			later := make([]core.Op, len(tt.later))
			for i, o := range tt.later {
				later[i] = core.CloneOp(o)
			}
			before := string(tt.server.Data)
			rec, rebased, err := planAck(existing, later, core.Ack{Op: op, Server: tt.server, Rebuild: tt.rebuild})
			require.NoError(t, err)
			require.Len(t, rebased, len(tt.payloads))
			for i, o := range rebased {
				assert.Equal(t, tt.later[i].OpID, o.OpID)
				assert.Equal(t, "v2", o.BaseUpdatedAt, "rebased onto the server's version")
				assert.Equal(t, tt.payloads[i], string(o.Payload), o.OpID)
			}
			require.NotNil(t, rec)
			assert.Equal(t, tt.rec, string(rec.Data))
			assert.Equal(t, "v2", rec.UpdatedAt)
			assert.False(t, rec.Deleted)
			assert.Equal(t, before, string(tt.server.Data), "the server's record is not changed")
		})
	}
}

func TestPlanPageItem(t *testing.T) {
	item := core.Record{Kind: "other", ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: "v3"}
	rec, held := planPageItem("note", item, false, nil, false)
	require.False(t, held)
	assert.Equal(t, &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: "v3"}, rec)
	assert.Equal(t, "other", item.Kind, "the item is not changed")

	rec, held = planPageItem("note", item, true, nil, false)
	assert.True(t, held)
	assert.Nil(t, rec)

	// Against the stored record: an older or the same version is not written; newer or
	// undecidable ones are.
	at := func(v string) core.Record {
		return core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a"}`), UpdatedAt: v}
	}
	stored := at("2026-01-02T00:00:00.5Z")
	for _, tt := range []struct {
		version string
		written bool
	}{
		{"2026-01-02T00:00:00Z", false},
		{"2026-01-02T01:00:00+02:00", false}, // 23:00 the day before
		{"2026-01-02T00:00:00.5Z", false},
		{"2026-01-02T02:00:00.5+02:00", false}, // the same instant
		{"2026-01-02T00:00:01Z", true},
		{"v1", true},
	} {
		rec, held = planPageItem("note", at(tt.version), false, &stored, false)
		assert.False(t, held, tt.version)
		assert.Equal(t, tt.written, rec != nil, tt.version)
	}
	rec, _ = planPageItem("note", at("2026-01-01T00:00:00Z"), false, &core.Record{UpdatedAt: "v9"}, false)
	assert.NotNil(t, rec, "an undecidable stored version is not newer")

	// A refetched record is written at the version stored too (a dropped op's refused change
	// keeps it), never when older, never over pending ops.
	for _, tt := range []struct {
		version string
		written bool
	}{
		{"2026-01-02T00:00:00Z", false},
		{"2026-01-02T00:00:00.5Z", true},
		{"2026-01-02T02:00:00.5+02:00", true}, // the same instant
		{"2026-01-02T00:00:01Z", true},
		{"v1", true},
	} {
		rec, held = planPageItem("note", at(tt.version), false, &stored, true)
		assert.False(t, held, tt.version)
		assert.Equal(t, tt.written, rec != nil, "refetched "+tt.version)
	}
	rec, held = planPageItem("note", at(stored.UpdatedAt), true, &stored, true)
	assert.True(t, held)
	assert.Nil(t, rec)
}

func TestPlanUnpark(t *testing.T) {
	live := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","updatedAt":"v2","mine":0,"theirs":2,"tags":["s"]}`), UpdatedAt: "v2"}
	tomb := &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","deletedAt":"v3"}`), UpdatedAt: "v3", Deleted: true}
	edit := core.Op{OpID: "o1", Kind: "note", EntityID: "a", Type: core.OpUpsert, Payload: raw(`{"id":"a","updatedAt":"v1","mine":1,"theirs":0,"tags":["l"]}`), BaseUpdatedAt: "v1", ChangedFields: []string{"mine", "tags"}}
	del := core.Op{OpID: "o1", Kind: "note", EntityID: "a", Type: core.OpDelete, BaseUpdatedAt: "v1"}
	tests := []struct {
		name     string
		existing *core.Record
		op       core.Op
		want     *core.Record
	}{
		{"edit applied again over newer data: its changed fields, lists unioned",
			live, edit, &core.Record{Kind: "note", ID: "a", Data: raw(`{"id":"a","updatedAt":"v2","mine":1,"theirs":2,"tags":["s","l"]}`), UpdatedAt: "v2"}},
		{"edit over a tombstone revives it with the edit",
			tomb, edit, &core.Record{Kind: "note", ID: "a", Data: edit.Payload, UpdatedAt: "v3"}},
		{"delete over a live record: tombstone", live, del, &core.Record{Kind: "note", ID: "a", Data: live.Data, UpdatedAt: "v2", Deleted: true}},
		{"delete over a tombstone: nothing to write", tomb, del, nil},
		{"no record: nothing to write", nil, edit, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planUnpark(tt.existing, tt.op)
			require.NoError(t, err)
			if tt.want == nil {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.JSONEq(t, string(tt.want.Data), string(got.Data))
			got.Data, tt.want.Data = nil, nil
			assert.Equal(t, tt.want, got)
		})
	}
}
