package jsonscan

// Eight bytes at a time (SWAR): a string's bytes are checked one by one only around the bytes
// that end it or need a look ('"', '\\', a control byte). In a pull most of a record's bytes
// are inside strings, and the byte loop was the largest share of the scanner's time
// (bench/where-the-time-goes.md, "Strings eight bytes at a time").
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// skipPlain returns the first index from j at which a byte of b is '"', '\\' or below 0x20, or
// where fewer than 8 bytes are left: the caller's byte loop goes on from there.
func skipPlain(b []byte, j int) int {
	for j+8 <= len(b) {
		w := b[j : j+8 : j+8]
		// One 64-bit load: the compiler combines these (wasm allows unaligned loads).
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		q := x ^ (ones * '"')
		s := x ^ (ones * '\\')
		// (v - ones) &^ v has a byte's high bit set, for some byte, exactly when v has a zero
		// byte; (x - ones*0x20) &^ x likewise when x has a byte below 0x20.
		if ((q-ones)&^q|(s-ones)&^s|(x-ones*0x20)&^x)&highs != 0 {
			return j
		}
		j += 8
	}
	return j
}
