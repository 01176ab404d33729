package core

import (
	"errors"
	"time"

	"github.com/offsync/offsync/internal/timetext"
)

var errNotRFC3339 = errors.New("not an RFC 3339 time")

// parseRFC3339 reads s as time.Parse(time.RFC3339Nano, s) does (the same strings, the same
// instant; FuzzParseRFC3339 checks both), without time.Parse: its layout engine costs ~9 KB of
// sync.wasm gzip, and versions and HTTP dates (core/rest) are the only times the client parses.
func parseRFC3339(s string) (time.Time, error) {
	// The fields in order, as time.Parse's general path reads the layout (its RFC 3339 fast
	// path accepts a subset): two digits where the layout says 01, 02, 04, 05; one or two for 15.
	p := timetext.Reader{S: s, OK: true}
	year := p.Digits(4, 4)
	p.Lit("-")
	month := p.Digits(2, 2)
	p.Lit("-")
	day := p.Digits(2, 2)
	p.Lit("T")
	hour := p.Digits(1, 2)
	p.Lit(":")
	minute := p.Digits(2, 2)
	p.Lit(":")
	sec := p.Digits(2, 2)
	nsec := p.Fraction()
	offset := 0
	if len(p.S) >= 1 && p.S[0] == 'Z' {
		p.S = p.S[1:]
	} else if len(p.S) >= 6 && p.S[3] == ':' && (p.S[0] == '+' || p.S[0] == '-') {
		sign := p.S[0]
		p.S = p.S[1:]
		hr := p.Digits(2, 2)
		p.S = p.S[1:]
		mm := p.Digits(2, 2)
		if hr > 24 || mm > 60 {
			return time.Time{}, errNotRFC3339
		}
		if offset = (hr*60 + mm) * 60; sign == '-' {
			offset = -offset
		}
	} else {
		return time.Time{}, errNotRFC3339
	}
	if !p.OK || p.S != "" || month < 1 || month > 12 || day < 1 || day > timetext.DaysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, errNotRFC3339
	}
	unix := daysSinceEpoch(year, month, day)*86400 + int64(hour*3600+minute*60+sec-offset)
	return time.Unix(unix, int64(nsec)), nil
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
