//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"strconv"
	"syscall/js"
)

// schemaVersion is the current layout (the IndexedDB version encodes it with the query
// indexes' generation: query_schema.go).
//
//	v1 records (key [kind, id]) and outbox ops (key seq, auto) held data and payload as parsed
//	   objects; cursors (key kind); meta.
//	v2 data and payload are JSON strings (exact bytes, one cheap crossing); the outbox gets an
//	   entity index ([kind, eid]) and a unique opId index; parked ops and deferred conflicts get
//	   their own stores, ordered by an auto key.
//	v3 an op's in-flight state leaves its value for the marks store: one entry {n (auto key),
//	   seqs} per batch marked at once. Marking a batch puts one small entry instead of
//	   rewriting every op (payload and two index entries), acknowledging it deletes that entry,
//	   and readers take all entries (few: the batches in flight) in one getAll beside their reads.
//	   The later store (key [kind, eid]) names the entities that may have more than one pending
//	   op, so that an Ack reads the others' single op by seq instead of through the entity index.
//	v4 the marks store's entry 0, {n: 0, pending}, holds the outbox's size: a local write reads
//	   it with the marks instead of counting the outbox (a count walks the whole entity index,
//	   a cost that grew with the backlog), and every change of the outbox's size rewrites it.
//	v5 one row per entity (toOneRow): the records row carries the entity's pending ops (ops, in
//	   order, with their Seqs), pseq (its first op's Seq, the sparse index pending: the outbox
//	   is that index) and oids (its ops' ids, the unique multiEntry index opIds); an entity with
//	   ops and no record is a row without data. A create is one add of one row. The outbox,
//	   later and the size entry go; marks hold op ids (Seqs come from a clock, seqs.go).
//	v6 query index keys are one string per entry (helpers.js ixPart) instead of an array
//	   [tag, value?...]: IndexedDB counts and reads over them faster; the upgrade re-encodes
//	   every record's index properties (rekeyIndexes).
//	v7 an ahead list (helpers.js) is a head row {n, c} and a chunk row per ack under
//	   ['offsync', 'ahead', kind, i] instead of one row an ack read and put back whole: its
//	   structured clone grew with the push (aheadUp makes each v6 list a head and one chunk).
//	v8 a record's data of 1,024 characters or more with one past U+00FF may be its UTF-8 bytes
//	   (a Uint8Array; helpers.js pack) instead of a string. Rows are not rewritten: v7's strings
//	   stay valid, and the new version keeps older code, which would take the bytes for text,
//	   from opening the database.
const schemaVersion = 8

// metaSchemaKey is where the meta store records the schema version (app keys are strings; an
// array key cannot collide with them).
var metaSchemaKey = []any{"offsync", "schema"}

// migration brings the database from version v-1 to v (migrations()[v-1]). It runs inside the
// upgrade (versionchange) transaction, synchronously: structural calls directly, data rewrites
// as requests of that transaction, so a failure aborts the whole upgrade and leaves the old
// database as it was.
type migration func(h *helpers, db, tx js.Value)

func migrations() []migration {
	return []migration{
		func(_ *helpers, db, _ js.Value) {
			db.Call("createObjectStore", stRecords, map[string]any{"keyPath": []any{"kind", "id"}})
			db.Call("createObjectStore", stOutbox, map[string]any{"keyPath": "seq", "autoIncrement": true})
			db.Call("createObjectStore", stCursors, map[string]any{"keyPath": "kind"})
			db.Call("createObjectStore", stMeta)
		},
		func(h *helpers, db, tx js.Value) {
			h.stringifyField.Invoke(tx, jsArgs(stringifyFieldArgs{Name: stRecords, Field: "data"}))
			outbox := tx.Call("objectStore", stOutbox)
			h.stringifyField.Invoke(tx, jsArgs(stringifyFieldArgs{Name: stOutbox, Field: "payload"}))
			outbox.Call("createIndex", "entity", []any{"kind", "eid"})
			outbox.Call("createIndex", "opId", "opId", map[string]any{"unique": true})
			parked := db.Call("createObjectStore", stParked, map[string]any{"keyPath": "n", "autoIncrement": true})
			parked.Call("createIndex", "opId", "opId", map[string]any{"unique": true})
			parked.Call("createIndex", "entity", []any{"op.kind", "op.eid"})
			conflicts := db.Call("createObjectStore", stConflicts, map[string]any{"keyPath": "n", "autoIncrement": true})
			conflicts.Call("createIndex", "cid", "cid", map[string]any{"unique": true})
		},
		func(h *helpers, db, tx js.Value) {
			db.Call("createObjectStore", stMarks, map[string]any{"keyPath": "n", "autoIncrement": true})
			db.Call("createObjectStore", stLater)
			h.moveMarks.Invoke(tx)
		},
		func(h *helpers, _, tx js.Value) {
			h.countPending.Invoke(tx)
		},
		toOneRow,
		stringIndexKeys,
		aheadChunks,
		func(*helpers, js.Value, js.Value) {}, // v8: no rewrite (above)
	}
}

// toOneRow is the v4 → v5 step: the records store gains the pending and opIds indexes, then
// H.toOneRow moves every outbox op into its entity's row (keeping its Seq), turns the marks'
// Seqs into op ids and drops the outbox, the later store and the size entry. The query
// indexes' properties stay on the rows it rewrites.
func toOneRow(h *helpers, _, tx js.Value) {
	records := tx.Call("objectStore", stRecords)
	records.Call("createIndex", "pending", "pseq")
	records.Call("createIndex", "opIds", "oids", map[string]any{"unique": true, "multiEntry": true})
	h.toOneRow.Invoke(tx)
}

// stringIndexKeys re-encodes the query index keys as strings (v6).
func stringIndexKeys(h *helpers, _, tx js.Value) {
	h.rekeyIndexes.Invoke(tx)
}

// aheadChunks makes every ahead list a head and one chunk (v7).
func aheadChunks(h *helpers, _, tx js.Value) {
	h.aheadUp.Invoke(tx)
}

// upgrade runs the migrations from the layout of oldVersion (query_schema.go) to
// schemaVersion, then, when want is a JSON list, makes the query indexes those.
func upgrade(h *helpers, db, tx js.Value, oldVersion int, want js.Value) error {
	steps := migrations()
	for v := layoutOf(oldVersion) + 1; v <= schemaVersion; v++ {
		if _, err := call(func() js.Value { steps[v-1](h, db, tx); return js.Undefined() }); err != nil {
			return wrapf("schema upgrade to v"+strconv.Itoa(v), err)
		}
	}
	if want.Type() == js.TypeString {
		if _, err := invoke(h.syncIndexes, tx, syncIndexesArgs{Want: want}); err != nil {
			return wrapf("query indexes", err)
		}
	}
	_, err := call(func() js.Value {
		return tx.Call("objectStore", stMeta).Call("put", schemaVersion, js.ValueOf(metaSchemaKey))
	})
	return err
}

// errAbsent is openVersion's answer for a database that does not exist when opened without a
// version (the probe aborts its creation).
var errAbsent = errors.New("no such database")

// openVersion opens name at version, upgrading it (with the query indexes want, a JSON list, or
// undefined to keep them) when older; with version undefined it opens the current version and
// never creates the database. The result is the helper's {db, closed} handle.
func openVersion(ctx context.Context, h *helpers, name string, version, want js.Value) (js.Value, error) {
	res := make(chan result, 1)
	var upErr error
	probe := version.Type() == js.TypeUndefined
	// Both callbacks run inside JS events: they do synchronous work only and never block.
	up := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if probe {
			upErr = errAbsent
			return upErr.Error()
		}
		if err := upgrade(h, args[0], args[1], args[2].Int(), want); err != nil {
			upErr = err
			return err.Error()
		}
		return nil
	})
	done := js.FuncOf(func(_ js.Value, args []js.Value) any {
		select {
		case res <- result{ok: args[0].Bool(), v: args[1]}:
		default:
		}
		return nil
	})
	release := func() { up.Release(); done.Release() }
	if _, err := call(func() js.Value {
		return h.open.Invoke(jsArgs(openArgs{Name: name, Version: version, Upgrade: up.Value}), done)
	}); err != nil {
		release()
		return js.Undefined(), err
	}
	select {
	case r := <-res:
		release()
		switch {
		case r.ok:
			return r.v, nil
		case upErr != nil:
			return js.Undefined(), upErr
		}
		return js.Undefined(), asDOMError(r.v)
	case <-ctx.Done():
		// The open may still succeed later: close that connection then, and only then let go
		// of the callbacks it will call.
		go func() {
			if r := <-res; r.ok {
				_, _ = call(func() js.Value { return r.v.Get("db").Call("close") })
			}
			release()
		}()
		return js.Undefined(), ctx.Err()
	}
}
