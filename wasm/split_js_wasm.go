package main

import (
	"encoding/json"
	"errors"
)

// errNotArray is splitArray's answer to text that is not a JSON array of values.
var errNotArray = errors.New("not a JSON array")

// splitArray splits the text of a JSON array into its items without decoding them: putMany's
// records cross as one JSON string, and encoding/json scanned the whole batch twice (validate,
// then decode) before the engine validates every record once more. It checks the array's own
// structure (brackets, commas, strings); each item's JSON is the engine's to validate.
func splitArray(s string) ([]json.RawMessage, error) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '[' {
		return nil, errNotArray
	}
	items := []json.RawMessage{}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == ']' {
		return items, trailing(s, i+1)
	}
	for {
		end, err := skipValue(s, i)
		if err != nil {
			return nil, err
		}
		items = append(items, json.RawMessage(s[i:end]))
		i = skipSpace(s, end)
		if i >= len(s) {
			return nil, errNotArray
		}
		switch s[i] {
		case ',':
			i = skipSpace(s, i+1)
		case ']':
			return items, trailing(s, i+1)
		default:
			return nil, errNotArray
		}
	}
}

func trailing(s string, i int) error {
	if skipSpace(s, i) != len(s) {
		return errNotArray
	}
	return nil
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the value starting at i: a string, an object or array (brackets
// balanced outside strings), or a scalar (up to the next delimiter).
func skipValue(s string, i int) (int, error) {
	if i >= len(s) {
		return 0, errNotArray
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				end, err := skipString(s, i)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, errNotArray
	case ',', ']', '}', ':':
		return 0, errNotArray
	}
	start := i
	for i < len(s) && s[i] != ',' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
		i++
	}
	if i == start {
		return 0, errNotArray
	}
	return i, nil
}

// skipString returns the end of the JSON string starting at s[i] == '"'.
func skipString(s string, i int) (int, error) {
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, errNotArray
}
