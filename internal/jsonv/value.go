package jsonv

import "strconv"

// Number is a JSON number kept as its text, so that it round-trips exactly (json.Number's role).
type Number string

// Decode decodes one JSON value into the value model: nil, bool, Number, string, []any and
// map[string]any (a repeated key keeps its last value).
func Decode(b []byte) (any, error) {
	if err := Check(b); err != nil {
		return nil, err
	}
	return decode(trim(b)), nil
}

// decode decodes the valid, trimmed JSON value v.
func decode(v []byte) any {
	switch v[0] {
	case 'n':
		return nil
	case 't':
		return true
	case 'f':
		return false
	case '"':
		return unquote(v)
	case '{':
		m := map[string]any{}
		_ = Members(v, func(k string, x []byte) error {
			m[k] = decode(trim(x))
			return nil
		})
		return m
	case '[':
		a := []any{}
		_ = Items(v, func(x []byte) error {
			a = append(a, decode(trim(x)))
			return nil
		})
		return a
	}
	return Number(v)
}

// Equal reports whether two values of the model are equal: maps by their keys and values, slices
// item by item, numbers by value (1, 1.0 and 1e0 are one number, as in JavaScript and Dart, whose
// backends write doubles as 1.0; text that is no number compares as text).
func Equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) || (x == nil) != (y == nil) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !Equal(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) || (x == nil) != (y == nil) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case Number:
		y, ok := b.(Number)
		return ok && sameNumber(x, y)
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	}
	return false
}

func sameNumber(x, y Number) bool {
	if x == y {
		return true
	}
	fx, errx := strconv.ParseFloat(string(x), 64)
	fy, erry := strconv.ParseFloat(string(y), 64)
	return errx == nil && erry == nil && fx == fy
}

// SameJSON reports whether two JSON texts decode to equal values as json.Unmarshal into an
// any compares under reflect.DeepEqual: numbers as float64, so 1, 1.0 and 1e0 are the same;
// false when either is not JSON or holds a number out of float64's range.
func SameJSON(a, b []byte) bool {
	x, err := Decode(a)
	if err != nil {
		return false
	}
	y, err := Decode(b)
	if err != nil {
		return false
	}
	x, okx := floats(x)
	y, oky := floats(y)
	return okx && oky && Equal(x, y)
}

// floats replaces the Numbers of v (in place) by their float64 values.
func floats(v any) (any, bool) {
	ok := true
	switch x := v.(type) {
	case Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case map[string]any:
		for k, e := range x {
			var eok bool
			x[k], eok = floats(e)
			ok = ok && eok
		}
	case []any:
		for i, e := range x {
			var eok bool
			x[i], eok = floats(e)
			ok = ok && eok
		}
	}
	return v, ok
}
