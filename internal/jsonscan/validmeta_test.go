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
