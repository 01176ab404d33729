package jsonscan

import "unicode/utf8"

// FoldEqual reports whether key equals the ASCII field name as strings.EqualFold (and so
// encoding/json's key matching) says, without Unicode's case tables (~8 KB of sync.wasm gzip):
// for an ASCII name the only non-ASCII runes that fold to it are the Kelvin sign (k) and the
// long s (s). FuzzFoldEqual checks it against strings.EqualFold.
func FoldEqual(key, field string) bool {
	i := 0
	for j := 0; j < len(field); j++ {
		if i >= len(key) {
			return false
		}
		c := lower(field[j])
		if k := key[i]; k < utf8.RuneSelf {
			if lower(k) != c {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(key[i:])
		if !(r == '\u212A' && c == 'k') && !(r == '\u017F' && c == 's') {
			return false
		}
		i += n
	}
	return i == len(key)
}

// ToLowerASCII lowers the ASCII letters of s (header names, markers: ASCII by definition).
func ToLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lower(b[j])
			}
			return string(b)
		}
	}
	return s
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
