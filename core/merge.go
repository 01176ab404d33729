package core

import (
	"github.com/offsync/offsync/internal/jsonv"
)

// The merge helpers of the seed library, on decoded JSON objects (jsonv's value model, whose
// numbers keep their text so that they round-trip exactly; DecodeObject decodes to it). None of them
// modifies its inputs: the result shares nothing with them.

// mergeSystemFields are taken from the server by PreservingMerge: identity and server-owned
// versions, in both spellings.
var mergeSystemFields = map[string]bool{
	"id": true, "updatedAt": true, "updated_at": true, "createdAt": true, "created_at": true,
	"deletedAt": true, "deleted_at": true,
}

// PreservingMerge is autoPreserve's merge: the server's object as the base with the local
// changes applied, so that nothing either side wrote is lost.
//   - changedFields names the top-level local fields to apply: nil means all, empty means none;
//   - system fields (id, updatedAt, createdAt, deletedAt and their snake_case forms) stay the
//     server's;
//   - a local null (or absent field) never clears a server value;
//   - lists are unioned: the server's items first, then the local items it lacks (items that
//     are objects with an "id" are matched by id and the server's version of an existing item
//     wins; other items by value);
//   - nested objects merge recursively by these rules (all of their fields apply);
//   - any other local value replaces the server's.
//
// Example: local {mood:5, notes:"My notes"}, server {mood:3, energy:7, notes:"Old"}, changed
// [mood notes] → {mood:5, energy:7, notes:"My notes"}; tags local [a b c] + server [b d] →
// [b d a c].
func PreservingMerge(local, server map[string]any, changedFields []string) map[string]any {
	out := cloneObject(server)
	keys := changedFields
	if keys == nil {
		keys = make([]string, 0, len(local))
		for k := range local {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if lv := local[k]; lv != nil && !mergeSystemFields[k] {
			out[k] = preserveValue(lv, out[k])
		}
	}
	return out
}

// preserveValue merges a non-null local value onto the server's (a copy the result owns).
func preserveValue(lv, sv any) any {
	switch l := lv.(type) {
	case map[string]any:
		if s, ok := sv.(map[string]any); ok {
			for k, v := range l {
				if v != nil {
					s[k] = preserveValue(v, s[k])
				}
			}
			return s
		}
	case []any:
		if s, ok := sv.([]any); ok {
			return unionList(s, l)
		}
	}
	return cloneValue(lv)
}

// unionList appends to out (the server's list, owned) the local items it lacks.
func unionList(out, local []any) []any {
	for _, item := range local {
		if !listHas(out, item) {
			out = append(out, cloneValue(item))
		}
	}
	return out
}

// listHas reports whether list holds item: the same "id" for objects that have one, the
// same value otherwise.
func listHas(list []any, item any) bool {
	id, hasID := itemID(item)
	for _, x := range list {
		if hasID {
			if xid, ok := itemID(x); ok && jsonv.Equal(xid, id) {
				return true
			}
			continue
		}
		if jsonv.Equal(x, item) {
			return true
		}
	}
	return false
}

func itemID(v any) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	id, ok := m["id"]
	return id, ok && id != nil
}

// defaultMerge is the seed's flat merge, the Merge strategy's when the app gives no merge
// function: a copy of the server's object where every non-null top-level local value
// replaces the server's (system fields included).
func defaultMerge(local, server map[string]any) map[string]any {
	out := cloneObject(server)
	for k, v := range local {
		if v != nil {
			out[k] = cloneValue(v)
		}
	}
	return out
}

func cloneObject(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneObject(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}

// DecodeObject decodes a JSON object into jsonv's value model (numbers as text: exact round trips). JSON null
// decodes to an empty object; anything else that is not an object is an ErrInvalid error.
func DecodeObject(data RawJSON) (map[string]any, error) {
	v, err := jsonv.Decode(data)
	if err != nil {
		return nil, Errorf(CodeInvalid, "merge", "not a JSON object: %w", err)
	}
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case nil:
		return map[string]any{}, nil
	}
	return nil, Errorf(CodeInvalid, "merge", "not a JSON object: %w", &jsonv.TypeError{Want: "object", Got: jsonv.Kind(data)})
}

// EncodeObject encodes a merged object compactly, without HTML escaping.
func EncodeObject(m map[string]any) (RawJSON, error) {
	b, err := jsonv.AppendValue(nil, m, false)
	if err != nil {
		return nil, Errorf(CodeInvalid, "merge", "encode: %w", err)
	}
	return b, nil
}

// PreservingMergeJSON is PreservingMerge on JSON objects.
func PreservingMergeJSON(local, server RawJSON, changedFields []string) (RawJSON, error) {
	return mergeJSON(local, server, func(l, s map[string]any) map[string]any {
		return PreservingMerge(l, s, changedFields)
	})
}

// defaultMergeJSON is defaultMerge on JSON objects.
func defaultMergeJSON(local, server RawJSON) (RawJSON, error) {
	return mergeJSON(local, server, defaultMerge)
}

func mergeJSON(local, server RawJSON, merge func(l, s map[string]any) map[string]any) (RawJSON, error) {
	l, err := DecodeObject(local)
	if err != nil {
		return nil, err
	}
	s, err := DecodeObject(server)
	if err != nil {
		return nil, err
	}
	return EncodeObject(merge(l, s))
}
