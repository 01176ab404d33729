package core

import "github.com/offsync/offsync/internal/jsonscan"

// The query parser walks the JSON text with jsonscan instead of decoding into maps: encoding/json's
// map decoding would cost sync.wasm ~30 KB gzip.

// eachMember calls fn for each member of the JSON object text (which must be valid JSON) in
// order; a key repeated is passed each time. ok is false when text is not an object.
func eachMember(text []byte, fn func(key string, val []byte) error) (ok bool, err error) {
	i := jsonscan.SkipWS(text, 0)
	if i >= len(text) || text[i] != '{' {
		return false, nil
	}
	i = jsonscan.SkipWS(text, i+1)
	for i < len(text) && text[i] == '"' {
		kEnd, _ := jsonscan.SkipValue(text, i)
		key, _ := decodeScalar(text[i:kEnd])
		i = jsonscan.SkipWS(text, kEnd)
		i = jsonscan.SkipWS(text, i+1) // the colon
		end, _ := jsonscan.SkipValue(text, i)
		if err := fn(key.Str, text[i:end]); err != nil {
			return true, err
		}
		i = jsonscan.SkipWS(text, end)
		if i < len(text) && text[i] == ',' {
			i = jsonscan.SkipWS(text, i+1)
		}
	}
	return true, nil
}

// arrayItems returns the items of the JSON array text (valid JSON); ok is false when it is not
// an array.
func arrayItems(text []byte) ([][]byte, bool) {
	i := jsonscan.SkipWS(text, 0)
	items, _, ok := jsonscan.SplitArray(text, i)
	return items, ok
}

// stringOf returns the JSON string text's value; ok is false when it is not a string.
func stringOf(text []byte) (string, bool) {
	v, ok := decodeScalar(trimWS(text))
	return v.Str, ok && v.Tag == TagString
}

func trimWS(b []byte) []byte {
	i := jsonscan.SkipWS(b, 0)
	j := len(b)
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t' || b[j-1] == '\n' || b[j-1] == '\r') {
		j--
	}
	return b[i:j]
}
