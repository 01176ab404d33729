package core

import (
	"bytes"

	"github.com/offsync/offsync/internal/jsonv"
	"github.com/offsync/offsync/internal/sortx"
)

// systemFields are server-owned or identity fields: never part of a derived changedFields.
var systemFields = map[string]bool{
	"id": true, "updatedAt": true, "updated_at": true, "deletedAt": true, "deleted_at": true,
}

// DiffFields returns the top-level keys whose values differ deeply between two JSON objects
// (added and removed keys included, system fields excluded), sorted. It never returns nil.
func DiffFields(old, new RawJSON) ([]string, error) {
	a, err := jsonv.RawObject(old)
	if err != nil {
		return nil, Errorf(CodeInvalid, "diff", "stored record is not a JSON object: %w", err)
	}
	b, err := jsonv.RawObject(new)
	if err != nil {
		return nil, Errorf(CodeInvalid, "diff", "record is not a JSON object: %w", err)
	}
	changed := []string{}
	for k, bv := range b {
		if systemFields[k] {
			continue
		}
		if av, ok := a[k]; !ok || !jsonEqual(av, bv) {
			changed = append(changed, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok && !systemFields[k] {
			changed = append(changed, k)
		}
	}
	sortx.Strings(changed)
	return changed, nil
}

// jsonEqual compares two JSON values by meaning (key order and spacing do not matter).
func jsonEqual(a, b RawJSON) bool {
	if bytes.Equal(a, b) {
		return true
	}
	return jsonv.SameJSON(a, b)
}

func cloneRaw(b RawJSON) RawJSON {
	if b == nil {
		return nil
	}
	return append(RawJSON{}, b...)
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

func cloneRecord(r Record) Record {
	r.Data = cloneRaw(r.Data)
	return r
}

// CloneOp returns a deep copy of o (stores use it to honour "copies in, copies out").
func CloneOp(o Op) Op {
	o.Payload = cloneRaw(o.Payload)
	o.ChangedFields = cloneStrings(o.ChangedFields)
	return o
}

// CloneRecord returns a deep copy of r.
func CloneRecord(r Record) Record { return cloneRecord(r) }
