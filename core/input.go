package core

import (
	"bytes"

	"github.com/offsync/offsync/internal/jsonscan"
	"github.com/offsync/offsync/internal/jsonv"
)

// usable checks the engine is open and, when kind is not empty, that kind is configured.
func (e *Engine) usable(op, kind string) error {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return Errorf(CodeClosed, op, "the engine is closed")
	}
	if kind != "" && !e.kinds[kind] {
		return Errorf(CodeInvalid, op, "kind %q is not one of the configured kinds", kind)
	}
	return nil
}

// upsertWrite checks one record of an app write (a JSON object with a string id) and makes
// its LocalWrite, written at now (ms; a batch's writes share one reading of the clock); id
// is its "id" when the caller read it already ("" when not: see PutManyGiven). The caller
// checks that the engine is usable for kind. Data is not copied: the store copies its input
// (storetest's "inputs are copied"): a copy here was one of the 8 a putMany made of a record.
func (e *Engine) upsertWrite(kind string, data RawJSON, id string, now int64) (LocalWrite, error) {
	var err error
	if id == "" {
		id, err = recordID("put", data)
	} else {
		id, err = checkedID("put", id)
	}
	if err != nil {
		return LocalWrite{}, err
	}
	return LocalWrite{
		Kind: kind, ID: id, Data: data,
		OpID: e.cfg.NewID(), LocalTimestamp: now,
	}, nil
}

// recordID returns the string "id" of a record that must be a JSON object. The light scan
// finds it without decoding the record; the store validates the whole JSON (storekit's
// validateWrite) before writing, so a malformed record is still refused, with nothing applied.
func recordID(op string, data RawJSON) (string, error) {
	b := bytes.TrimLeft(data, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return "", Errorf(CodeInvalid, op, "the record is not a JSON object")
	}
	if m, ok := jsonscan.ScanMeta(b); ok {
		if m.ID == nil {
			return "", Errorf(CodeInvalid, op, "the record has no \"id\"")
		}
		return checkedID(op, *m.ID)
	}
	fields, err := jsonv.RawObject(data)
	if err != nil || fields == nil {
		return "", Errorf(CodeInvalid, op, "the record is not a JSON object")
	}
	raw, ok := fields["id"]
	if !ok {
		return "", Errorf(CodeInvalid, op, "the record has no \"id\"")
	}
	var id string
	if err := jsonv.String(raw, &id); err != nil {
		return "", Errorf(CodeInvalid, op, "the record's \"id\" %s is not a string", string(raw))
	}
	return checkedID(op, id)
}

func checkedID(op, id string) (string, error) {
	if !ValidID(id) {
		return "", Errorf(CodeInvalid, op, "record id must be 1–256 bytes")
	}
	return id, nil
}

// syncKinds checks a sync's kinds; empty means all configured kinds.
func (e *Engine) syncKinds(kinds []string) ([]string, error) {
	if err := e.usable("sync", ""); err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		return cloneStrings(e.cfg.Kinds), nil
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		if err := e.usable("sync", k); err != nil {
			return nil, err
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out, nil
}
