package core

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// contractKind is CONTRACT.md's kind grammar as written there; ValidKind must agree with it.
var contractKind = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

func TestValidKindMatchesContractGrammar(t *testing.T) {
	cases := []struct {
		kind string
		want bool
	}{
		{"a", true},
		{"daily_feeling", true},
		{"z9_", true},
		{"a" + strings.Repeat("b", 63), true},
		{"a" + strings.Repeat("b", 64), false},
		{"", false},
		{"_a", false},
		{"9a", false},
		{"Abc", false},
		{"abC", false},
		{"a-b", false},
		{"a b", false},
		{"a.b", false},
		{"a\n", false},
		{"\na", false},
		{"é", false},
		{"aé", false},
		{"a\x00", false},
		{"{", false},
		{"a`", false},
		{"a/", false},
		{"a:", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, ValidKind(c.kind), "%q", c.kind)
		assert.Equal(t, contractKind.MatchString(c.kind), ValidKind(c.kind), "%q disagrees with the grammar", c.kind)
	}
}

// Every one- and two-byte string, and the bytes around each class boundary in longer names.
func TestValidKindExhaustiveShortStrings(t *testing.T) {
	for a := 0; a < 256; a++ {
		s := string([]byte{byte(a)})
		if contractKind.MatchString(s) != ValidKind(s) {
			t.Fatalf("%q disagrees with the grammar", s)
		}
		for b := 0; b < 256; b++ {
			s := string([]byte{byte(a), byte(b)})
			if contractKind.MatchString(s) != ValidKind(s) {
				t.Fatalf("%q disagrees with the grammar", s)
			}
			long := "k" + strings.Repeat("x", 30) + string([]byte{byte(b)})
			if contractKind.MatchString(long) != ValidKind(long) {
				t.Fatalf("%q disagrees with the grammar", long)
			}
		}
	}
}
