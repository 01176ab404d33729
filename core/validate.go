package core

import (
	"bytes"

	"github.com/offsync/offsync/internal/jsonscan"
	"github.com/offsync/offsync/internal/jsonv"
)

// The checks a Store runs on its input before it changes anything (with those in
// core/storekit, which runs them for every backend), so that all stores refuse the same things
// with the same category (CodeInvalid) and a refused call applies nothing. The engine runs
// some of them on its own input too. See the Store method docs for which check each call runs.

// ValidateKind checks a kind name (CONTRACT.md grammar).
func ValidateKind(op, kind string) error {
	if !ValidKind(kind) {
		return Errorf(CodeInvalid, op, "invalid kind %q", kind)
	}
	return nil
}

// ValidateEntity checks a kind and a record id (1–256 bytes).
func ValidateEntity(op, kind, id string) error {
	if err := ValidateKind(op, kind); err != nil {
		return err
	}
	if !ValidID(id) {
		return Errorf(CodeInvalid, op, "invalid id %q for kind %s", id, kind)
	}
	return nil
}

// ValidateObject checks that data is one JSON object whose "id", when present, is the string id.
// It runs on every local write and enqueued op, so it uses jsonscan (one pass that validates
// and reads the id, fuzzed against encoding/json) and decodes the head with jsonv only where
// the light scan cannot answer (escapes, a non-string id).
func ValidateObject(op, id string, data RawJSON) error {
	m, ok, valid := jsonscan.ValidObjectMeta(data) // one pass where Valid and ScanMeta made two
	if !valid {
		return Errorf(CodeInvalid, op, "record %q is not a JSON object", id)
	}
	if ok {
		if m.ID != nil && *m.ID != id {
			return Errorf(CodeInvalid, op, "record's \"id\" %q differs from %q", *m.ID, id)
		}
		return nil
	}
	headID, err := jsonv.HeadField(data, "id")
	if err != nil {
		return Errorf(CodeInvalid, op, "record %q is not a JSON object: %w", id, err)
	}
	if headID != nil {
		var s string
		if jsonv.IsNull(headID) || jsonv.String(headID, &s) != nil || s != id {
			return Errorf(CodeInvalid, op, "record's \"id\" %s differs from %q", string(headID), id)
		}
	}
	return nil
}

// ValidateOp checks an app-made op (Store.Enqueue): valid kind and entity id, an OpID, a known
// type, and for an upsert a JSON object payload.
func ValidateOp(o Op) error {
	const op = "enqueue"
	if err := ValidateEntity(op, o.Kind, o.EntityID); err != nil {
		return err
	}
	if !validOpID(o.OpID) {
		return Errorf(CodeInvalid, op, "op on %s/%s: op id %q is not 1–256 characters of printable ASCII", o.Kind, o.EntityID, o.OpID)
	}
	switch o.Type {
	case OpDelete:
		return nil
	case OpUpsert:
		return ValidateObject(op, o.EntityID, o.Payload)
	}
	return Errorf(CodeInvalid, op, "op %s has unknown type %q", o.OpID, o.Type)
}

// ValidatePageItem checks a pulled item of kind (Store.ApplyPage): its Kind equals kind, its
// ID is valid and its Data is shaped as a JSON object ('{'…'}'). It does not parse Data: the
// transport validated each item's JSON where the bytes came in and took ID from it, and
// parsing every item again was a third of the pull's Go time in wasm.
func ValidatePageItem(kind string, r Record) error {
	const op = "apply page"
	if r.Kind != kind {
		return Errorf(CodeInvalid, op, "item %q has kind %q, page is %q", r.ID, r.Kind, kind)
	}
	if err := ValidateEntity(op, kind, r.ID); err != nil {
		return err
	}
	b := bytes.Trim(r.Data, " \t\r\n")
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return Errorf(CodeInvalid, op, "item %q is not a JSON object", r.ID)
	}
	return nil
}
