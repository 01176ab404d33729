package core

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func checkRFC3339(t *testing.T, s string) {
	want, werr := time.Parse(time.RFC3339Nano, s)
	got, err := parseRFC3339(s)
	require.Equal(t, werr == nil, err == nil, "%q: %v", s, werr)
	if err == nil {
		require.True(t, want.Equal(got), "%q: %v / %v", s, want, got)
	}
}

var rfc3339Samples = []string{
	"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.5Z", "2024-01-02T03:04:05.123456789123+02:00",
	"2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00-23:59", "9999-12-31T23:59:59.999999999+23:59",
	"2024-01-02T24:00:00Z", "2024-01-02T03:04:05,5Z", "2024-01-02t03:04:05z", "2024-01-02T03:04:05", "2024-01-02T03:04:05.Z",
	"2024-1-02T03:04:05Z", "2024-01-02T03:04:60Z", "2024-01-02T03:04:05+24:00", "2024-01-02 03:04:05Z", "+024-01-02T03:04:05Z",
	"1900-03-01T00:00:00Z", "2000-02-29T12:00:00-00:30", "", "x", "2024-01-02T3:04:05Z", "2024-01-02T03:04:05-00:60",
	"2024-01-02T03:04:05Zx", "2024-01-02T03:04:05.1234567891Z", "2024-01-02T03:04:05+2400", "2024-00-10T00:00:00Z",
	"2024-01-02T03:04:05-24:61", "2024-01-02T03:04:05 Z", "2024-01-02T003:04:05Z",
}

func TestParseRFC3339AgreesWithTimeParse(t *testing.T) {
	for _, s := range rfc3339Samples {
		checkRFC3339(t, s)
	}
}

func FuzzParseRFC3339(f *testing.F) {
	for _, s := range rfc3339Samples {
		f.Add(s)
	}
	f.Fuzz(checkRFC3339)
}
