package jsonscan

import "unicode/utf8"

// ValidObjectMeta is Valid and ScanMeta in one pass, for a caller that needs both of a
// record (core.ValidateObject: every local write): valid reports whether b is one JSON value
// that is an object; when it is, m and ok are what ScanMeta(b) gives (m means nothing when ok
// is false). FuzzValidObjectMeta holds it to the two.
func ValidObjectMeta(b []byte) (m Meta, ok, valid bool) {
	end, m, ok, valid := ValidObjectMetaAt(b, SkipWS(b, 0), 0)
	if !valid || SkipWS(b, end) != len(b) {
		return m, false, false
	}
	return m, ok, true
}

// ValidObjectMetaAt is ValidObjectMeta for the value at b[i] of a larger document (depth: the
// containers around it, for the nesting limit, as ValidValue's), for a caller that cuts
// records out of an answer and needs their metadata (core/rest's splitResults): valid
// reports whether an object starts at b[i] and is valid, and end is the index after it.
func ValidObjectMetaAt(b []byte, i, depth int) (end int, m Meta, ok, valid bool) {
	if i >= len(b) || b[i] != '{' || depth >= maxDepth {
		return i, m, false, false
	}
	i = SkipWS(b, i+1)
	ok = true
	if i < len(b) && b[i] == '}' {
		return i + 1, m, true, true
	}
	for {
		key, _, plain := PlainString(b, i)
		i, valid = member(b, i)
		if !valid {
			return i, m, false, false
		}
		start := i
		if i, valid = ValidValue(b, i, depth+1); !valid {
			return i, m, false, false
		}
		if ok {
			ok = plain && metaField(&m, key, b[start:i])
		}
		i = SkipWS(b, i)
		if i >= len(b) {
			return i, m, false, false
		}
		switch b[i] {
		case ',':
			i = SkipWS(b, i+1)
		case '}':
			return i + 1, m, ok, true
		default:
			return i, m, false, false
		}
	}
}

// SplitValidObjects is SplitValidArray for an array of records, in one pass: each object item
// is checked as ValidObjectMeta checks it alone (the same scan, over the item's bytes only), and
// ids[i] is then item i's "id" as ValidObjectMeta reads it, "" where it does not answer (ok
// false) or finds no id; any other item is checked by ValidValue, with id "". ok is false for
// anything that is not a JSON array of items each valid alone (an object item's nesting counted
// from the item, as the store's check of a record counts it): a valid JSON array is cut whole.
func SplitValidObjects(b []byte, i int) (items [][]byte, ids []string, next int, ok bool) {
	items, next, ok = splitArray(b, i, func(b []byte, i int) (int, bool) {
		if i >= len(b) || b[i] != '{' {
			ids = append(ids, "")
			return ValidValue(b, i, 1)
		}
		end, m, ok, valid := ValidObjectMetaAt(b, i, 0) // nesting counted from the item
		switch {
		case !valid:
			return end, false
		case ok && m.ID != nil:
			ids = append(ids, *m.ID)
		default:
			ids = append(ids, "")
		}
		return end, true
	})
	if !ok {
		return nil, nil, next, false
	}
	return items, ids, next, true
}

// metaField notes the valid member key: v in m as ScanMeta does, false where ScanMeta gives up.
func metaField(m *Meta, key, v []byte) bool {
	f := whichField(key)
	switch {
	case f == fieldUnsure:
		return false
	case f == fieldOther:
		return true
	case string(v) == "null":
		m.set(f, nil)
		return true
	}
	s, next, ok := PlainString(v, 0)
	if !ok || next != len(v) || !utf8.Valid(s) {
		return false // encoding/json would replace invalid UTF-8
	}
	str := string(s)
	m.set(f, &str)
	return true
}
