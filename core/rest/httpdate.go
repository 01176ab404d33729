package rest

import (
	"strings"
	"time"
)

// parseHTTPDate reads the three date forms HTTP/1.1 allows (RFC 9110 §5.6.7) as time.Parse
// reads them with the layouts "Mon, 02 Jan 2006 15:04:05 GMT", "Monday, 02-Jan-06 15:04:05
// GMT" and "Mon Jan _2 15:04:05 2006" (FuzzParseHTTPDate checks both agree), without
// time.Parse, whose layout engine costs ~9 KB of sync.wasm gzip (with parseRFC3339 in core).
func parseHTTPDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for form := range 3 {
		if t, ok := parseHTTPDateForm(s, form); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

var (
	shortDays   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

func parseHTTPDateForm(s string, form int) (time.Time, bool) {
	p := dateReader{s: s, ok: true}
	var year, month, day int
	switch form {
	case 0: // Mon, 02 Jan 2006 15:04:05 GMT
		p.name(shortDays[:])
		p.lit(",")
		p.spaces()
		day = p.digits(2, 2)
		p.spaces()
		month = p.name(shortMonths[:]) + 1
		p.spaces()
		year = p.digits(4, 4)
		p.spaces()
	case 1: // Monday, 02-Jan-06 15:04:05 GMT
		p.name(longDays[:])
		p.lit(",")
		p.spaces()
		day = p.digits(2, 2)
		p.lit("-")
		month = p.name(shortMonths[:]) + 1
		p.lit("-")
		year = p.year2()
		p.spaces()
	default: // Mon Jan _2 15:04:05 2006
		p.name(shortDays[:])
		p.spaces()
		month = p.name(shortMonths[:]) + 1
		p.spaces()
		if len(p.s) > 0 && p.s[0] == ' ' {
			p.s = p.s[1:]
		}
		day = p.digits(1, 2)
		p.spaces()
	}
	hour := p.digits(1, 2)
	p.lit(":")
	minute := p.digits(2, 2)
	p.lit(":")
	sec := p.digits(2, 2)
	nsec := p.fraction()
	if form == 2 {
		p.spaces()
		year = p.digits(4, 4)
	} else {
		p.spaces()
		p.lit("GMT")
	}
	if !p.ok || p.s != "" || month < 1 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// dateReader consumes a date's text as time.Parse does; ok turns false at the first mismatch.
type dateReader struct {
	s  string
	ok bool
}

func (p *dateReader) lit(l string) {
	if len(p.s) < len(l) || p.s[:len(l)] != l {
		p.ok = false
		return
	}
	p.s = p.s[len(l):]
}

// spaces reads a layout's space: one or more spaces, or nothing at the end of the text.
func (p *dateReader) spaces() {
	if len(p.s) > 0 && p.s[0] != ' ' {
		p.ok = false
		return
	}
	for len(p.s) > 0 && p.s[0] == ' ' {
		p.s = p.s[1:]
	}
}

func (p *dateReader) digits(min, max int) int {
	x, n := 0, 0
	for n < max && n < len(p.s) && p.s[n] >= '0' && p.s[n] <= '9' {
		x = x*10 + int(p.s[n]-'0')
		n++
	}
	if n < min {
		p.ok = false
	}
	p.s = p.s[n:]
	return x
}

// name reads one of names, ASCII case-insensitively, and returns its index.
func (p *dateReader) name(names []string) int {
	for i, n := range names {
		if len(p.s) >= len(n) && equalFoldASCII(p.s[:len(n)], n) {
			p.s = p.s[len(n):]
			return i
		}
	}
	p.ok = false
	return -1
}

// year2 reads a two-character year as time.Parse does (a sign is allowed): 69–99 are 19xx.
func (p *dateReader) year2() int {
	if len(p.s) < 2 {
		p.ok = false
		return 0
	}
	f := p.s[:2]
	p.s = p.s[2:]
	neg := f[0] == '-'
	if f[0] == '+' || f[0] == '-' {
		f = f[1:]
	}
	y := 0
	for i := 0; i < len(f); i++ {
		if f[i] < '0' || f[i] > '9' {
			p.ok = false
			return 0
		}
		y = y*10 + int(f[i]-'0')
	}
	if neg {
		y = -y
	}
	if y >= 69 {
		return y + 1900
	}
	return y + 2000
}

// fraction reads fractional seconds after the seconds ('.' or ',' and digits), which
// time.Parse takes even where the layout has none.
func (p *dateReader) fraction() int {
	if len(p.s) < 2 || (p.s[0] != '.' && p.s[0] != ',') || p.s[1] < '0' || p.s[1] > '9' {
		return 0
	}
	n := 2
	for n < len(p.s) && p.s[n] >= '0' && p.s[n] <= '9' {
		n++
	}
	nsec := 0
	for i := 1; i < 10; i++ {
		nsec *= 10
		if i < n {
			nsec += int(p.s[i] - '0')
		}
	}
	p.s = p.s[n:]
	return nsec
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// daysIn is the number of days of month in year (proleptic Gregorian): time.Date normalises
// day 0 of the next month to the last day of this one.
func daysIn(month, year int) int {
	return time.Date(year, time.Month(month+1), 0, 0, 0, 0, 0, time.UTC).Day()
}
