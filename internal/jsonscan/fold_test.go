package jsonscan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var foldFields = []string{"id", "updatedAt", "updated_at", "deletedAt", "results", "kinds", "opId", "ask", "s", "k", ""}

func FuzzFoldEqual(f *testing.F) {
	for _, k := range []string{"ID", "Id", "updatedat", "UPDATED_AT", "\u212Aind\u017F", "a\u017Fk", "ſ", "K", "\xff", "idx", "i"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		for _, field := range foldFields {
			require.Equal(t, strings.EqualFold(key, field), FoldEqual(key, field), "%q %q", key, field)
		}
		if isASCII(key) {
			require.Equal(t, strings.ToLower(key), ToLowerASCII(key))
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
