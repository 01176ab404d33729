package jsonscan

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// skipPlainByBytes is skipPlain's rule one byte at a time: the first index from j that is a
// stop byte, or the start of the last fewer-than-8 bytes that hold none.
func skipPlainByBytes(b []byte, j int) int {
	for ; j+8 <= len(b); j += 8 {
		for k := j; k < j+8; k++ {
			if c := b[k]; c == '"' || c == '\\' || c < 0x20 {
				return j
			}
		}
	}
	return j
}

// skipPlain may stop at the start of the 8-byte word holding a stop byte; the byte loops go on
// from there. It must never pass one.
func TestSkipPlainStopsAtTheWordOfEveryStopByte(t *testing.T) {
	// Bytes next to the stop bytes in value, where a borrow across bytes would show.
	alphabet := []byte{'"', '\\', 0x00, 0x01, 0x1f, 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 'a', '0'}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 20000; n++ {
		b := make([]byte, r.IntN(40))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[i] = byte(0x20 + r.IntN(0xe0))
				if b[i] == '"' || b[i] == '\\' {
					b[i] = 'x'
				}
			}
		}
		j := 0
		if len(b) > 0 {
			j = r.IntN(len(b))
		}
		require.Equal(t, skipPlainByBytes(b, j), skipPlain(b, j), "%q from %d", b, j)
	}
}
