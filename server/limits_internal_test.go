package server

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckRecordNumbers(t *testing.T) {
	for num, bad := range map[string]bool{
		"1": false, "-0.5": false, "1e308": false, "1.7976931348623157e308": false, "4.9e-324": false,
		"1e-400": false, // underflows to 0: representable
		"1e309":  true, "-1e309": true, "2E400": true,
		strings.Repeat("9", 300): false, strings.Repeat("9", 309): true,
	} {
		msg := checkRecord([]byte(`{"n":` + num + `}`))
		assert.Equal(t, bad, msg != "", "%.20s: %q", num, msg)
	}
}
