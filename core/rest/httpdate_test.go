package rest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// parseHTTPDate against time.Parse with the three layouts it replaced.
func refHTTPDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, f := range []string{"Mon, 02 Jan 2006 15:04:05 GMT", "Monday, 02-Jan-06 15:04:05 GMT", "Mon Jan _2 15:04:05 2006"} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func checkHTTPDate(t *testing.T, s string) {
	want, wok := refHTTPDate(s)
	got, ok := parseHTTPDate(s)
	require.Equal(t, wok, ok, "%q", s)
	if ok {
		require.True(t, want.Equal(got), "%q: %v / %v", s, want, got)
	}
}

var httpDateSamples = []string{
	"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
	"sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Sun,  06   Nov 1994 08:49:37   GMT",
	"Sun, 06 Nov 1994 08:49:37.123 GMT", "Sun Nov 6 08:49:37,5 1994", "Sunday, 06-Nov-+4 08:49:37 GMT",
	"Sunday, 06-Nov--4 08:49:37 GMT", "Sun, 29 Feb 1900 08:49:37 GMT", "Sun, 29 Feb 2000 08:49:37 GMT",
	"Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 gmt",
	"Sun, 06 Nov 1994 08:49:37 GMT ", " Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37", "",
	"Mon, 06 Nov 1994 08:49:37 GMTx", "Sun Nov 16 08:49:37 1994", "Sun Nov 166 08:49:37 1994", "Xyz, 06 Nov 1994 08:49:37 GMT",
	"Sun, 06 Nov 19944 08:49:37 GMT", "Sun,06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-69 08:49:37 GMT",
}

func TestParseHTTPDateAgreesWithTimeParse(t *testing.T) {
	for _, s := range httpDateSamples {
		checkHTTPDate(t, s)
	}
}

func FuzzParseHTTPDate(f *testing.F) {
	for _, s := range httpDateSamples {
		f.Add(s)
	}
	f.Fuzz(checkHTTPDate)
}
