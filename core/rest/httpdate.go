package rest

import (
	"strings"
	"time"

	"github.com/offsync/offsync/internal/timetext"
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
	p := dateReader{timetext.Reader{S: s, OK: true}}
	var year, month, day int
	switch form {
	case 0: // Mon, 02 Jan 2006 15:04:05 GMT
		p.name(shortDays[:])
		p.Lit(",")
		p.spaces()
		day = p.Digits(2, 2)
		p.spaces()
		month = p.name(shortMonths[:]) + 1
		p.spaces()
		year = p.Digits(4, 4)
		p.spaces()
	case 1: // Monday, 02-Jan-06 15:04:05 GMT
		p.name(longDays[:])
		p.Lit(",")
		p.spaces()
		day = p.Digits(2, 2)
		p.Lit("-")
		month = p.name(shortMonths[:]) + 1
		p.Lit("-")
		year = p.year2()
		p.spaces()
	default: // Mon Jan _2 15:04:05 2006
		p.name(shortDays[:])
		p.spaces()
		month = p.name(shortMonths[:]) + 1
		p.spaces()
		if len(p.S) > 0 && p.S[0] == ' ' {
			p.S = p.S[1:]
		}
		day = p.Digits(1, 2)
		p.spaces()
	}
	hour := p.Digits(1, 2)
	p.Lit(":")
	minute := p.Digits(2, 2)
	p.Lit(":")
	sec := p.Digits(2, 2)
	nsec := p.Fraction()
	if form == 2 {
		p.spaces()
		year = p.Digits(4, 4)
	} else {
		p.spaces()
		p.Lit("GMT")
	}
	if !p.OK || p.S != "" || month < 1 || day < 1 || day > timetext.DaysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// dateReader adds HTTP dates' fields (spaces, day and month names, two-digit years) to
// timetext.Reader.
type dateReader struct{ timetext.Reader }

// spaces reads a layout's space: one or more spaces, or nothing at the end of the text.
func (p *dateReader) spaces() {
	if len(p.S) > 0 && p.S[0] != ' ' {
		p.OK = false
		return
	}
	for len(p.S) > 0 && p.S[0] == ' ' {
		p.S = p.S[1:]
	}
}

// name reads one of names, ASCII case-insensitively, and returns its index.
func (p *dateReader) name(names []string) int {
	for i, n := range names {
		if len(p.S) >= len(n) && equalFoldASCII(p.S[:len(n)], n) {
			p.S = p.S[len(n):]
			return i
		}
	}
	p.OK = false
	return -1
}

// year2 reads a two-character year as time.Parse does (a sign is allowed): 69–99 are 19xx.
func (p *dateReader) year2() int {
	if len(p.S) < 2 {
		p.OK = false
		return 0
	}
	f := p.S[:2]
	p.S = p.S[2:]
	neg := f[0] == '-'
	if f[0] == '+' || f[0] == '-' {
		f = f[1:]
	}
	y := 0
	for i := 0; i < len(f); i++ {
		if f[i] < '0' || f[i] > '9' {
			p.OK = false
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
