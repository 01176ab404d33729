// Package timetext reads the fields of a date's text as time.Parse does, for the hand-written
// RFC 3339 (core) and HTTP-date (core/rest) parsers: time.Parse's layout machinery costs
// sync.wasm more than both parsers together (docs/DESIGN.md, "sync.wasm's size").
package timetext

// Reader consumes S field by field; OK turns false at the first mismatch and stays false.
type Reader struct {
	S  string
	OK bool
}

// Lit reads the literal l.
func (p *Reader) Lit(l string) {
	if len(p.S) < len(l) || p.S[:len(l)] != l {
		p.OK = false
		return
	}
	p.S = p.S[len(l):]
}

// Digits reads min to max decimal digits.
func (p *Reader) Digits(min, max int) int {
	x, n := 0, 0
	for n < max && n < len(p.S) && isDigit(p.S[n]) {
		x = x*10 + int(p.S[n]-'0')
		n++
	}
	if n < min {
		p.OK = false
	}
	p.S = p.S[n:]
	return x
}

// Fraction reads fractional seconds ('.' or ',' and digits; nine count) when they follow, as
// time.Parse takes them after the seconds even where the layout has none, and returns them
// in nanoseconds.
func (p *Reader) Fraction() int {
	if len(p.S) < 2 || (p.S[0] != '.' && p.S[0] != ',') || !isDigit(p.S[1]) {
		return 0
	}
	n := 2
	for n < len(p.S) && isDigit(p.S[n]) {
		n++
	}
	nsec := 0
	for i := 1; i < 10; i++ {
		nsec *= 10
		if i < n {
			nsec += int(p.S[i] - '0')
		}
	}
	p.S = p.S[n:]
	return nsec
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// DaysIn is the number of days of month (1 to 12) in year (proleptic Gregorian). Arithmetic,
// not time.Date(year, month+1, 0).Day(): every version parsed (several per pulled or acked
// record) checks its day, and time.Date's normalisation was most of a parse's time in wasm.
func DaysIn(month, year int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2 // 31 for January, March, May, July, August, October, December
}
