package core

import "math/rand/v2"

// newUUID returns a random (version 4, RFC 9562) UUID in its canonical lower-case form.
//
// The bits come from math/rand/v2's top-level generator: since Go 1.22 it is ChaCha8 seeded
// per thread from the OS (crypto.getRandomValues in the browser), which is what op ids need
// (unique, unguessable in practice). crypto/rand or google/uuid would add ~52 KB gzip to
// sync.wasm for the same bits.
func newUUID() string {
	var b [16]byte
	for i, x := 0, rand.Uint64(); i < 16; i++ { // byte by byte: encoding/binary imports reflect
		if i == 8 {
			x = rand.Uint64()
		}
		b[i] = byte(x)
		x >>= 8
	}
	return formatUUID(b)
}

// formatUUID stamps the version and variant bits on b and writes it as 8-4-4-4-12 hex digits.
func formatUUID(b [16]byte) string {
	const hex = "0123456789abcdef"
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hex[c>>4], hex[c&0x0f]
		j += 2
	}
	return string(s[:])
}
