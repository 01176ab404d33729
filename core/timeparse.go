package core

import (
	"errors"
	"time"
)

var errNotRFC3339 = errors.New("not an RFC 3339 time")

// parseRFC3339 reads s as time.Parse(time.RFC3339Nano, s) does (the same strings, the same
// instant; FuzzParseRFC3339 checks both), without time.Parse: its layout engine costs ~9 KB of
// sync.wasm gzip, and versions and HTTP dates (core/rest) are the only times the client parses.
func parseRFC3339(s string) (time.Time, error) {
	// The fields in order, as time.Parse's general path reads the layout (its RFC 3339 fast
	// path accepts a subset): two digits where the layout says 01, 02, 04, 05; one or two for 15.
	p := timeReader{s: s, ok: true}
	year := p.digits(4, 4)
	p.lit('-')
	month := p.digits(2, 2)
	p.lit('-')
	day := p.digits(2, 2)
	p.lit('T')
	hour := p.digits(1, 2)
	p.lit(':')
	minute := p.digits(2, 2)
	p.lit(':')
	sec := p.digits(2, 2)
	nsec := 0
	if r := p.s; len(r) >= 2 && (r[0] == '.' || r[0] == ',') && isDigit(r[1]) {
		n := 2
		for n < len(r) && isDigit(r[n]) {
			n++
		}
		for i := 1; i < 10; i++ { // nine digits at most count
			nsec *= 10
			if i < n {
				nsec += int(r[i] - '0')
			}
		}
		p.s = r[n:]
	}
	offset := 0
	if len(p.s) >= 1 && p.s[0] == 'Z' {
		p.s = p.s[1:]
	} else if len(p.s) >= 6 && p.s[3] == ':' && (p.s[0] == '+' || p.s[0] == '-') {
		sign := p.s[0]
		p.s = p.s[1:]
		hr := p.digits(2, 2)
		p.s = p.s[1:]
		mm := p.digits(2, 2)
		if hr > 24 || mm > 60 {
			return time.Time{}, errNotRFC3339
		}
		if offset = (hr*60 + mm) * 60; sign == '-' {
			offset = -offset
		}
	} else {
		return time.Time{}, errNotRFC3339
	}
	if !p.ok || p.s != "" || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, errNotRFC3339
	}
	unix := daysSinceEpoch(year, month, day)*86400 + int64(hour*3600+minute*60+sec-offset)
	return time.Unix(unix, int64(nsec)), nil
}

// timeReader consumes a time's text field by field; ok turns false at the first mismatch.
type timeReader struct {
	s  string
	ok bool
}

// digits reads min to max decimal digits.
func (p *timeReader) digits(min, max int) int {
	x, n := 0, 0
	for n < max && n < len(p.s) && isDigit(p.s[n]) {
		x = x*10 + int(p.s[n]-'0')
		n++
	}
	if n < min {
		p.ok = false
	}
	p.s = p.s[n:]
	return x
}

// lit reads the byte c.
func (p *timeReader) lit(c byte) {
	if len(p.s) == 0 || p.s[0] != c {
		p.ok = false
		return
	}
	p.s = p.s[1:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// daysIn is the number of days of month in year (proleptic Gregorian): time.Date normalises
// day 0 of the next month to the last day of this one.
func daysIn(month, year int) int {
	return time.Date(year, time.Month(month+1), 0, 0, 0, 0, 0, time.UTC).Day()
}

// daysSinceEpoch counts the days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
func daysSinceEpoch(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
