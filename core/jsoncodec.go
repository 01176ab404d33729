package core

import (
	"github.com/offsync/offsync/internal/jsonv"
)

// Hand-written JSON for the types that cross to JS or into Meta, in the shape their json tags
// give encoding/json (the server still uses those): encoding/json, fmt and reflect are most of
// sync.wasm's download (docs/DESIGN.md, "No encoding/json in sync.wasm").
// jsoncodec_internal_test.go compares every encoder and decoder here with encoding/json; the
// exported codecs of the bridge's shapes are in core/wire.

// decodeList decodes the JSON text v, an array (or null) of objects, with item.
func decodeList[T any](v []byte, item func([]byte, *T) error) ([]T, error) {
	if err := jsonv.Check(v); err != nil {
		return nil, err
	}
	var list []T
	err := jsonv.DecodeList(v, &list, item)
	return list, err
}

// idObject is {"id": id}, the data of a record known only by its id.
func idObject(id string) []byte { return append(jsonv.AppendString([]byte(`{"id":`), id), '}') }

func appendUnconfirmed(b []byte, u unconfirmedEntry) []byte {
	w := jsonv.Open(b)
	w.Str("kind", u.Kind)
	w.Str("id", u.ID)
	w.BoolOmit("delete", u.Delete)
	w.RawOmit("payload", u.Payload)
	return w.Close()
}

func decodeUnconfirmed(v []byte, u *unconfirmedEntry) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(v, &u.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(v, &u.ID)
		case jsonv.Key(k, "delete"):
			return jsonv.Bool(v, &u.Delete)
		case jsonv.Key(k, "payload"):
			return jsonv.Raw(v, (*[]byte)(&u.Payload))
		}
		return nil
	})
}

func appendRefetch(b []byte, r refetchEntry) []byte {
	w := jsonv.Open(b)
	w.Str("kind", r.Kind)
	w.Str("id", r.ID)
	return w.Close()
}

func decodeRefetch(v []byte, r *refetchEntry) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(v, &r.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(v, &r.ID)
		}
		return nil
	})
}

// AppendJSON appends s's JSON: the shape Meta stores and the bridge hands to JS.
func (s SetAside) AppendJSON(b []byte) []byte {
	w := jsonv.Open(b)
	w.Str("kind", s.Kind)
	w.Str("id", s.ID)
	w.Str("updatedAt", s.UpdatedAt)
	w.Str("reason", s.Reason)
	w.Int("seenAt", s.SeenAtMs)
	return w.Close()
}

func decodeSetAside(v []byte, s *SetAside) error {
	return jsonv.Members(v, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "kind"):
			return jsonv.String(v, &s.Kind)
		case jsonv.Key(k, "id"):
			return jsonv.String(v, &s.ID)
		case jsonv.Key(k, "updatedAt"):
			return jsonv.String(v, &s.UpdatedAt)
		case jsonv.Key(k, "reason"):
			return jsonv.String(v, &s.Reason)
		case jsonv.Key(k, "seenAt"):
			return jsonv.Int(v, &s.SeenAtMs)
		}
		return nil
	})
}
