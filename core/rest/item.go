package rest

import (
	"bytes"
	"errors"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

var (
	errNotJSON     = errors.New("not valid JSON")
	errNotObject   = errors.New("record is not a JSON object")
	errNoID        = errors.New("record has no string id")
	errNoUpdatedAt = errors.New("record has no updatedAt")
)

// parseRecord turns one server record into a core.Record that keeps raw as its Data. raw must
// be owned by the caller (it is kept, not copied) and valid JSON (a decode of the body that
// holds it checked that). needVersion requires an updatedAt;
// defaultID stands in for a missing id when not empty (lenient parsing of 409 bodies).
func parseRecord(kind string, raw core.RawJSON, needVersion bool, defaultID string) (core.Record, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '{' {
		return core.Record{}, errNotObject
	}
	m, ok := jsonscan.ScanMeta(b)
	if !ok {
		var err error
		if m, err = decodeMeta(b); err != nil {
			return core.Record{}, err
		}
	}
	return recordOf(kind, b, m, needVersion, defaultID)
}

// recordOf is parseRecord's record from b, a JSON object, and m, its metadata as ScanMeta or
// decodeMeta read it.
func recordOf(kind string, b []byte, m jsonscan.Meta, needVersion bool, defaultID string) (core.Record, error) {
	if m.ID == nil || *m.ID == "" {
		if defaultID == "" {
			return core.Record{}, errNoID
		}
		m.ID = &defaultID
	}
	upd := m.UpdatedAt
	if upd == "" {
		upd = m.UpdatedAtSnake
	}
	if needVersion && upd == "" {
		return core.Record{}, errNoUpdatedAt
	}
	del := m.DeletedAt
	if del == nil {
		del = m.DeletedAtSnake
	}
	return core.Record{Kind: kind, ID: *m.ID, Data: b, UpdatedAt: upd, Deleted: del != nil && *del != ""}, nil
}

// isNull reports whether raw is absent or the JSON null.
func isNull(raw core.RawJSON) bool {
	b := bytes.TrimSpace(raw)
	return len(b) == 0 || string(b) == "null"
}
