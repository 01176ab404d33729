package jsonscan

import (
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

// FuzzSplitValidObjects: SplitValidObjects cuts an array exactly as SplitArray does when each
// item is valid JSON at the depth given (ValidValue), and refuses it otherwise; at depth 0 it
// cuts a document that is just a valid JSON array whole. Each object item's metadata is what
// ScanMeta reads of it (OK exactly when ScanMeta answers), never OK for another item.
func FuzzSplitValidObjects(f *testing.F) {
	for _, s := range append(splitSeeds, `[{"id":"a","updatedAt":"v1","deletedAt":null},{"ID":"b"},{"id":"c\u0064"},{"id":null},{"id":7},{}]`,
		`[{"id":"a" "b":1}]`, `[{"id":"a","n":{"id":"x"}},{"id":"b","updated_at":"v","deleted_at":"d"}]`, `[{"a":1}}]`, `[{"id":"a","v":tru}]`,
		`[{"id":"a"},3,"s",null]`, `[{"a":[[[]]]}]`, `[{"a":}]`, `[01]`, `[[1,]]`, "[\"\x01\"]", `[{"a":"\u12"}]`, `[tru]`) {
		f.Add([]byte(s), 0)
	}
	f.Fuzz(func(t *testing.T, b []byte, depth int) {
		depth = min(max(depth, 0), maxDepth+1)
		i := SkipWS(b, 0)
		items, metas, next, ok := SplitValidObjects(b, i, depth)
		require.LessOrEqual(t, next, len(b))
		if depth == 0 {
			whole := ok && SkipWS(b, next) == len(b)
			valid := json.Valid(b) && i < len(b) && b[i] == '['
			require.Equal(t, valid, whole, "%q", b)
		}
		want, wantNext, wantOK := SplitArray(b, i)
		allValid := wantOK
		for _, it := range want {
			if end, v := ValidValue(it, 0, depth); !v || end != len(it) {
				allValid = false
			}
		}
		require.Equal(t, allValid, ok, "%q at depth %d", b, depth)
		if !ok {
			return
		}
		require.Equal(t, wantNext, next, "%q", b)
		require.Equal(t, want, items, "%q", b)
		require.Len(t, metas, len(items))
		for j, it := range items {
			m, mOK := ScanMeta(it)
			mOK = mOK && it[0] == '{'
			require.Equal(t, mOK, metas[j].OK, "%q", it)
			if mOK {
				assert.Equal(t, m, metas[j].Meta, "%q", it)
			}
		}
	})
}

func TestSplitValidObjects(t *testing.T) {
	b := []byte(`[{"id":"a","updatedAt":"v1","n":{"id":"x"}}, {"Id":"b"} ,7,{"id":"c","deletedAt":"d"}]`)
	items, metas, next, ok := SplitValidObjects(b, 0, 2)
	require.True(t, ok)
	assert.Equal(t, len(b), next)
	require.Len(t, items, 4)
	require.Len(t, metas, 4)
	assert.Equal(t, `{"id":"a","updatedAt":"v1","n":{"id":"x"}}`, string(items[0]))
	require.True(t, metas[0].OK)
	assert.Equal(t, "a", *metas[0].ID)
	assert.Equal(t, "v1", metas[0].UpdatedAt)
	assert.False(t, metas[1].OK, "a key in another case is left to encoding/json")
	assert.False(t, metas[2].OK, "not an object")
	require.True(t, metas[3].OK)
	assert.Equal(t, "d", *metas[3].DeletedAt)
	_, _, _, ok = SplitValidObjects([]byte(`[{"a":1},]`), 0, 0)
	assert.False(t, ok)
	// The nesting limit counts depth around each item, as ValidValue's does.
	_, _, _, ok = SplitValidObjects(b, 0, maxDepth-1)
	assert.False(t, ok, "the object inside the first item is one level too deep")
	_, _, _, ok = SplitValidObjects(b, 0, maxDepth-2)
	assert.True(t, ok)
}
