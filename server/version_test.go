package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestNextVersion(t *testing.T) {
	base := time.Date(2026, 11, 26, 1, 2, 3, 456789000, time.UTC)
	cases := []struct {
		name string
		now  time.Time
		last string
		want string
	}{
		{"first version is now", base, "", "2026-11-26T01:02:03.456789Z"},
		{"sub-microseconds are dropped", base.Add(999), "", "2026-11-26T01:02:03.456789Z"},
		{"clock ahead of last", base, "2026-11-26T01:02:03.000000Z", "2026-11-26T01:02:03.456789Z"},
		{"same microsecond as last", base, "2026-11-26T01:02:03.456789Z", "2026-11-26T01:02:03.456790Z"},
		{"clock stepped back an hour", base.Add(-time.Hour), "2026-11-26T01:02:03.456789Z", "2026-11-26T01:02:03.456790Z"},
		{"non-UTC clock", base.In(time.FixedZone("X", 5*3600)), "", "2026-11-26T01:02:03.456789Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, nextVersion(c.now, c.last))
		})
	}
}

func TestParseSince(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-11-26T01:02:03.456789Z", "2026-11-26T01:02:03.456789Z", true},
		{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z", true},
		{"2026-11-26T02:02:03.4567899+01:00", "2026-11-26T01:02:03.456789Z", true},
		{"2026-11-26T01:02:03.4Z", "2026-11-26T01:02:03.400000Z", true},
		{"", "", false},
		{"yesterday", "", false},
		{"2026-11-26 01:02:03", "", false},
		{"2026-13-01T00:00:00Z", "", false},
	}
	for _, c := range cases {
		got, ok := parseSince(c.in)
		assert.Equal(t, c.ok, ok, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestPageTokenRoundTrip(t *testing.T) {
	for _, id := range []string{"a", "with\x00nul? no: slash/and space", "ünï"} {
		tok := encodePageToken("2026-11-26T01:02:03.456789Z", id)
		u, got, ok := decodePageToken(tok)
		if id == "with\x00nul? no: slash/and space" {
			assert.False(t, ok, "ids with NUL never reach a token")
			continue
		}
		assert.True(t, ok)
		assert.Equal(t, "2026-11-26T01:02:03.456789Z", u)
		assert.Equal(t, id, got)
	}
	for _, bad := range []string{"", "!!!", encodePageToken("not-a-time", "x"), encodePageToken("2026-11-26T01:02:03.456789Z", "")} {
		_, _, ok := decodePageToken(bad)
		assert.False(t, ok, "%q", bad)
	}
}
