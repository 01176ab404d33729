package timetext

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// DaysIn agrees with time.Date's normalisation for every month of years 0 to 9999 (the years
// a four-digit RFC 3339 time names).
func TestDaysInAgreesWithTimeDate(t *testing.T) {
	for year := 0; year <= 9999; year++ {
		for month := 1; month <= 12; month++ {
			want := time.Date(year, time.Month(month+1), 0, 0, 0, 0, 0, time.UTC).Day()
			require.Equal(t, want, DaysIn(month, year), "%04d-%02d", year, month)
		}
	}
}
