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

// ItemMeta is an array item's metadata as SplitValidObjects read it: OK is false where ScanMeta
// would not answer (Meta then means nothing) and for an item that is not an object.
type ItemMeta struct {
	Meta
	OK bool
	_  [0]func() // not comparable: spares sync.wasm an equality function
}

// SplitValidObjects cuts the array at b[i] into its items and checks each as ValidValue(b, j,
// depth) checks it (depth: the containers counted around each item, 0 for records checked as
// the store checks one alone), in one pass: an object item is checked by ValidObjectMetaAt,
// which ends where ValidValue ends, and metas[j] is what ScanMeta reads of item j. putMany's
// records (core.CutRecords) and a pull page's items (core/rest) are each scanned once: a
// separate check, cut and scan for their metadata were three passes over every record. ok is
// false for anything that is not an array of such items.
func SplitValidObjects(b []byte, i, depth int) (items [][]byte, metas []ItemMeta, next int, ok bool) {
	items, next, ok = splitArray(b, i, func(b []byte, i int) (end int, valid bool) {
		var m ItemMeta
		if i < len(b) && b[i] == '{' {
			end, m.Meta, m.OK, valid = ValidObjectMetaAt(b, i, depth)
		} else {
			end, valid = ValidValue(b, i, depth)
		}
		metas = append(metas, m)
		return end, valid
	})
	if !ok {
		return nil, nil, next, false
	}
	return items, metas, next, true
}
