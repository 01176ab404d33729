package core

import "errors"

// RawJSON is a JSON document kept as its bytes: RawJSON's role without importing
// encoding/json, which with reflect and fmt is most of sync.wasm's download (docs/DESIGN.md,
// "No encoding/json in sync.wasm"). Its methods make encoding/json (the server, the tests)
// treat it exactly as a RawJSON.
type RawJSON []byte

// MarshalJSON returns m, or null when m is nil.
func (m RawJSON) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	return m, nil
}

// UnmarshalJSON sets *m to a copy of data.
func (m *RawJSON) UnmarshalJSON(data []byte) error {
	if m == nil {
		return errors.New("core.RawJSON: UnmarshalJSON on nil pointer")
	}
	*m = append((*m)[0:0], data...)
	return nil
}
