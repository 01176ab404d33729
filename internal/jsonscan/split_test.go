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

// FuzzSplitArrayIDs: SplitArrayIDs cuts a valid JSON array as SplitArray does, each item's id
// being what ScanMeta reads of it ("" where it does not answer or finds none); on any input it
// ends without panicking, and what it cuts is an array's structure of pieces of b.
func FuzzSplitArrayIDs(f *testing.F) {
	for _, s := range append(splitSeeds, `[{"id":"a"},{"ID":"b"},{"id":"c\u0064"},{"id":null},{"id":7},{}]`,
		`[{"id":"a" "b":1}]`, `[{"id":"a","n":{"id":"x"}},{"id":"b"}]`, `[{"a":1}}]`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, ids, next, ok := SplitArrayIDs(b, SkipWS(b, 0))
		require.LessOrEqual(t, next, len(b))
		if !ok {
			require.Nil(t, items)
			return
		}
		require.Len(t, ids, len(items))
		for _, it := range items {
			require.NotEmpty(t, it)
		}
		if !Valid(b) {
			return
		}
		want, wantNext, wantOK := SplitArray(b, SkipWS(b, 0))
		require.True(t, wantOK, "%q", b)
		require.Equal(t, wantNext, next, "%q", b)
		require.Equal(t, want, items, "%q", b)
		for i, it := range items {
			id := ""
			if m, ok := ScanMeta(it); ok && m.ID != nil {
				id = *m.ID
			}
			assert.Equal(t, id, ids[i], "%q", it)
		}
	})
}
