package jsonscan

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var splitSeeds = []string{
	`[]`, ` [ ] `, `[{"id":"a"}]`, `[{"id":"a","t":"x]},[{\"y"}, {"id":"b","n":[1,{"c":"]"}]} ,3,"s",null,true]`,
	"[\t{\"id\":\"a\\\\\"}\r]", ``, `{}`, `[`, `[{"id":"a"}`, `[{"id":"a"},]`, `[,]`, `[{"id":"a"} {"id":"b"}]`,
	`[1 23]`, `[{"id":"a}]`, `[{"id":"a"]`, `[{"id":"a"}}]`, `[:]`, `[1,,2]`,
}

func TestSplitArray(t *testing.T) {
	refused := map[string]bool{}
	for _, s := range []string{``, `{}`, `[`, `[{"id":"a"}`, `[{"id":"a"},]`, `[,]`, `[{"id":"a"} {"id":"b"}]`,
		`[1 23]`, `[{"id":"a}]`, `[{"id":"a"}}]`, `[:]`, `[1,,2]`} {
		refused[s] = true
	}
	for _, s := range splitSeeds {
		b := []byte(s)
		items, next, ok := SplitArray(b, SkipWS(b, 0))
		whole := ok && SkipWS(b, next) == len(b)
		if refused[s] {
			assert.False(t, whole, "%q", s)
			continue
		}
		if !json.Valid(b) {
			continue
		}
		require.True(t, whole, "%q", s)
		var want []json.RawMessage
		require.NoError(t, json.Unmarshal(b, &want))
		require.Len(t, items, len(want), "%q", s)
		for i := range want {
			assert.Equal(t, string(want[i]), string(items[i]), "%q", s)
		}
	}
}

// FuzzSplitArray: on any input SplitArray ends without panicking; a valid JSON array it cuts
// whole, into exactly the items encoding/json finds.
func FuzzSplitArray(f *testing.F) {
	for _, s := range splitSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, next, ok := SplitArray(b, SkipWS(b, 0))
		require.LessOrEqual(t, next, len(b))
		var want []json.RawMessage
		if json.Unmarshal(b, &want) != nil || want == nil {
			return
		}
		require.True(t, ok && SkipWS(b, next) == len(b), "a valid array is cut whole: %q", b)
		require.Len(t, items, len(want), "%q", b)
		for i := range want {
			assert.Equal(t, string(want[i]), string(items[i]), "%q", b)
		}
	})
}

// FuzzSplitValidArray: SplitValidArray cuts an array whole exactly when it is valid JSON (in a
// document that is just the array), into the items SplitArray cuts.
func FuzzSplitValidArray(f *testing.F) {
	for _, s := range append(splitSeeds, `[{"a":}]`, `[01]`, `[[1,]]`, "[\"\x01\"]", `[{"a":"\u12"}]`, `[tru]`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, next, ok := SplitValidArray(b, SkipWS(b, 0), 0)
		require.LessOrEqual(t, next, len(b))
		whole := ok && SkipWS(b, next) == len(b)
		valid := json.Valid(b) && len(bytes.TrimSpace(b)) > 0 && bytes.TrimSpace(b)[0] == '['
		require.Equal(t, valid, whole, "%q", b)
		if !whole {
			return
		}
		want, _, _ := SplitArray(b, SkipWS(b, 0))
		require.Equal(t, want, items, "%q", b)
	})
}

// FuzzSplitValidObjects: SplitValidObjects cuts a valid JSON array whole, and cuts whole only
// an array of items that are each valid JSON alone (an object item's nesting is counted from
// the item, as the store's check of a record counts it), into the items SplitArray cuts, each
// object item's id being what ValidObjectMeta reads of the item alone ("" where it does not
// answer or finds none; "" for any other item).
func FuzzSplitValidObjects(f *testing.F) {
	for _, s := range append(splitSeeds, `[{"id":"a"},{"ID":"b"},{"id":"c\u0064"},{"id":null},{"id":7},{}]`,
		`[{"id":"a" "b":1}]`, `[{"id":"a","n":{"id":"x"}},{"id":"b"}]`, `[{"a":1}}]`, `[{"id":"a","v":tru}]`, `[{"id":"a"},3,"s"]`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, ids, next, ok := SplitValidObjects(b, SkipWS(b, 0))
		require.LessOrEqual(t, next, len(b))
		whole := ok && SkipWS(b, next) == len(b)
		valid := json.Valid(b) && len(bytes.TrimSpace(b)) > 0 && bytes.TrimSpace(b)[0] == '['
		require.True(t, whole || !valid, "a valid array is cut whole: %q", b)
		if !whole {
			return
		}
		want, wantNext, wantOK := SplitArray(b, SkipWS(b, 0))
		require.True(t, wantOK, "%q", b)
		require.Equal(t, wantNext, next, "%q", b)
		require.Equal(t, want, items, "%q", b)
		require.Len(t, ids, len(items))
		for i, it := range items {
			require.True(t, Valid(it), "%q", it)
			id := ""
			if m, ok, valid := ValidObjectMeta(it); valid && ok && m.ID != nil {
				id = *m.ID
			}
			assert.Equal(t, id, ids[i], "%q", it)
		}
	})
}
