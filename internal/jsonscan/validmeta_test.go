package jsonscan

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidObjectMeta(t *testing.T) {
	for _, s := range []string{
		`{}`, ` { } `, `{"id":"a","updatedAt":"v1","deletedAt":null}`, `{"id":"a","id":null}`, `{"id":null,"id":"b"}`,
		`{"Id":"a"}`, `{"i\u0064":"a"}`, `{"id":"\u0061"}`, `{"id":7}`, `{"n":{"id":"x"},"id":"y"}`, `{"id":"a",}`,
		`{"id":"a"} x`, `[{"id":"a"}]`, `"id"`, `{"id":"a"`, `{"id" "a"}`, `{"a":tru}`, `{"id":"` + "\xff" + `"}`,
	} {
		m, ok, valid := ValidObjectMeta([]byte(s))
		require.Equal(t, Valid([]byte(s)) && bytes.TrimLeft([]byte(s), " ")[0] == '{', valid, s)
		want, wantOK := ScanMeta([]byte(s))
		if valid {
			require.Equal(t, wantOK, ok, s)
			if ok {
				assert.Equal(t, want, m, s)
			}
		}
	}
}

// FuzzValidObjectMeta: ValidObjectMeta says what Valid, the object check and ScanMeta say.
func FuzzValidObjectMeta(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","updatedAt":"v1","deletedAt":null}`, `{"id":"b","updated_at":"v2","deleted_at":"d","nested":{"id":"x","a":[1,"]",{}]}}`,
		`{"Id":"a","updatedat":"v"}`, `{"id":"a","id":null,"updatedAt":null}`, `{"s":"\\\"","id":"e\u00e9"}`, `[1]`, ` {} `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, ok, valid := ValidObjectMeta(b)
		j := SkipWS(b, 0)
		require.Equal(t, Valid(b) && j < len(b) && b[j] == '{', valid, "%q", b)
		if !valid {
			return
		}
		want, wantOK := ScanMeta(b)
		require.Equal(t, wantOK, ok, "%q", b)
		if ok {
			assert.Equal(t, want, m, "%q", b)
		}
	})
}

// FuzzValidObjectMetaAt: inside a document, ValidObjectMetaAt ends where ValidValue ends and
// says what the object check and ScanMeta say of the cut value.
func FuzzValidObjectMetaAt(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","updatedAt":"v1","deletedAt":null}`, `{"id":"b","n":{"id":"x","a":[1,"]",{}]}}`, `{}`, `{ }`,
		`{"Id":"a"}`, `{"id":7}`, `{"id":"a",}`, `{"id":"a"`, `null`, `[{"id":"a"}]`, `{"a":[[[]]]}`,
	} {
		f.Add([]byte(s), 3)
	}
	f.Fuzz(func(t *testing.T, v []byte, depth int) {
		depth = min(max(depth, 0), maxDepth+1)
		doc := append(append([]byte(`{"results":[{"data": `), v...), ` ,"x":1}]}`...)
		i := len(`{"results":[{"data": `)
		end, m, ok, valid := ValidObjectMetaAt(doc, i, depth)
		wantEnd, wantValid := ValidValue(doc, i, depth)
		require.Equal(t, wantValid && doc[i] == '{', valid, "%q", v)
		if !valid {
			return
		}
		require.Equal(t, wantEnd, end, "%q", v)
		want, wantOK := ScanMeta(doc[i:end])
		require.Equal(t, wantOK, ok, "%q", v)
		if ok {
			assert.Equal(t, want, m, "%q", v)
		}
	})
}

func TestValidObjectMetaAtDepth(t *testing.T) {
	doc := []byte(`[{"id":"a","n":[1]}]`)
	end, m, ok, valid := ValidObjectMetaAt(doc, 1, 1)
	require.True(t, valid)
	require.True(t, ok)
	assert.Equal(t, len(doc)-1, end)
	require.NotNil(t, m.ID)
	assert.Equal(t, "a", *m.ID)
	// The nesting limit counts the containers around the object, as ValidValue's does.
	_, _, _, valid = ValidObjectMetaAt(doc, 1, maxDepth-1)
	assert.False(t, valid, "the array inside is one level too deep")
	_, _, _, valid = ValidObjectMetaAt(doc, 1, maxDepth-2)
	assert.True(t, valid)
}
