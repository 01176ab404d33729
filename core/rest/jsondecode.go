package rest

import (
	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
	"github.com/offsync/offsync/internal/jsonv"
)

// The full decoders behind the fast paths (splitPage, splitResults, ScanMeta), with jsonv in
// place of encoding/json (docs/DESIGN.md, "No encoding/json in sync.wasm"): keys match
// case-insensitively and the last one wins. jsondecode_test.go compares them with encoding/json.

// decodePageSlow decodes a pull answer that splitPage did not.
func decodePageSlow(b []byte) (pullBody, error) {
	var body pullBody
	if err := jsonv.Check(b); err != nil {
		return body, err
	}
	err := jsonv.Members(b, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "items"):
			if jsonv.IsNull(v) {
				body.Items = nil
				return nil
			}
			items := []core.RawJSON{}
			err := jsonv.Items(v, func(it []byte) error {
				items = append(items, it)
				return nil
			})
			body.Items = items
			return err
		case jsonv.Key(k, "nextPageToken"):
			return jsonv.StringPtr(v, &body.NextPageToken)
		}
		return nil
	})
	return body, err
}

// decodeResultsSlow decodes a POST /batch answer that splitResults did not.
func decodeResultsSlow(b []byte) ([]batchResult, error) {
	var out []batchResult
	if err := jsonv.Check(b); err != nil {
		return nil, err
	}
	err := jsonv.Members(b, func(k string, v []byte) error {
		if !jsonv.Key(k, "results") {
			return nil
		}
		if jsonv.IsNull(v) {
			out = nil
			return nil
		}
		out = []batchResult{}
		return jsonv.Items(v, func(it []byte) error {
			var r batchResult
			err := jsonv.Members(it, func(k string, v []byte) error {
				switch {
				case jsonv.Key(k, "opId"):
					return jsonv.String(v, &r.OpID)
				case jsonv.Key(k, "statusCode"):
					return jsonv.IntOf(v, &r.StatusCode)
				case jsonv.Key(k, "data"):
					return jsonv.Raw(v, (*[]byte)(&r.Data))
				case jsonv.Key(k, "error"):
					return jsonv.Raw(v, (*[]byte)(&r.Error))
				}
				return nil
			})
			out = append(out, r)
			return err
		})
	})
	return out, err
}

// decodeMeta decodes a record's metadata as json.Unmarshal into jsonscan.Meta, for the records
// ScanMeta does not answer for.
func decodeMeta(b []byte) (jsonscan.Meta, error) {
	var m jsonscan.Meta
	if err := jsonv.Check(b); err != nil {
		return m, err
	}
	err := jsonv.Members(b, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "id"):
			return jsonv.StringPtr(v, &m.ID)
		case jsonv.Key(k, "updatedAt"):
			return jsonv.String(v, &m.UpdatedAt)
		case jsonv.Key(k, "updated_at"):
			return jsonv.String(v, &m.UpdatedAtSnake)
		case jsonv.Key(k, "deletedAt"):
			return jsonv.StringPtr(v, &m.DeletedAt)
		case jsonv.Key(k, "deleted_at"):
			return jsonv.StringPtr(v, &m.DeletedAtSnake)
		}
		return nil
	})
	return m, err
}

// rawFields returns the raw values of the JSON object b's members named by fields (matched as
// encoding/json matches a struct's core.RawJSON fields: case-insensitively, the last
// winning, null kept as null); ok is false when b is not a JSON object (or null).
func rawFields(b []byte, fields ...string) (vals [][]byte, ok bool) {
	if jsonv.Check(b) != nil {
		return nil, false
	}
	vals = make([][]byte, len(fields))
	err := jsonv.Members(b, func(k string, v []byte) error {
		for i, f := range fields {
			if jsonv.Key(k, f) {
				vals[i] = v
				break
			}
		}
		return nil
	})
	return vals, err == nil
}

// jsonString decodes v as json.Unmarshal into a string: ok for a JSON string (or null, which
// leaves s as it was).
func jsonString(v []byte, s *string) bool {
	return jsonv.Check(v) == nil && jsonv.String(v, s) == nil
}
