package core

import (
	"slices"
	"strings"

	"github.com/offsync/offsync/internal/jsonscan"
)

// IndexSpec is one declared index of a kind: its fields (dotted paths) in order; more than one
// makes a compound index.
type IndexSpec []string

// maxIndexFields bounds a compound index.
const maxIndexFields = 8

// ParseIndexes decodes open()'s indexes option, {kind: [field | [field, ...]]}, for the
// configured kinds. An unknown kind, an empty or repeated entry or a bad field path is an
// ErrInvalid error. Empty text or null is no index.
func ParseIndexes(text []byte, kinds []string) (map[string][]IndexSpec, error) {
	const op = "open"
	out := map[string][]IndexSpec{}
	t := trimWS(text)
	if len(t) == 0 || string(t) == "null" {
		return out, nil
	}
	bad := Errorf(CodeInvalid, op, "indexes must map kinds to lists of fields")
	if !jsonscan.Valid(t) {
		return nil, bad
	}
	ok, err := eachMember(t, func(kind string, list []byte) error {
		if !slices.Contains(kinds, kind) {
			return Errorf(CodeInvalid, op, "indexes: %q is not one of the configured kinds", kind)
		}
		entries, ok := arrayItems(list)
		if !ok {
			return bad
		}
		specs := make([]IndexSpec, 0, len(entries))
		for _, e := range entries {
			spec, err := parseIndexEntry(e)
			if err != nil {
				return Errorf(CodeInvalid, op, "indexes.%s: %v", kind, err)
			}
			if slices.ContainsFunc(specs, func(s IndexSpec) bool { return slices.Equal(s, spec) }) {
				return Errorf(CodeInvalid, op, "indexes.%s: %q is declared twice", kind, strings.Join(spec, ","))
			}
			specs = append(specs, spec)
		}
		if len(specs) > 0 {
			out[kind] = specs
		}
		return nil
	})
	if err == nil && !ok {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parseIndexEntry reads a field name or a list of them (a compound index).
func parseIndexEntry(raw []byte) (IndexSpec, error) {
	if one, ok := stringOf(raw); ok {
		if _, err := parsePath(one); err != nil {
			return nil, err
		}
		return IndexSpec{one}, nil
	}
	items, ok := arrayItems(raw)
	if !ok || len(items) == 0 || len(items) > maxIndexFields {
		return nil, Errorf(CodeInvalid, "index", "an entry is a field name or a list of 1–%d field names", maxIndexFields)
	}
	fields := make(IndexSpec, len(items))
	for i, it := range items {
		f, ok := stringOf(it)
		if !ok {
			return nil, Errorf(CodeInvalid, "index", "field names must be strings")
		}
		if _, err := parsePath(f); err != nil {
			return nil, err
		}
		fields[i] = f
	}
	return fields, nil
}
