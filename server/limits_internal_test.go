package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// opsSpelling must find every name encoding/json decodes into a field "ops": countOps refuses
// those it did not count.
func TestOpsSpellingMatchesEncodingJSON(t *testing.T) {
	for _, key := range []string{
		`"ops"`, `"OPS"`, `"oPs"`, `"opſ"`, `"OPſ"`, `"op\u0073"`, `"\u006F\u0070\u0053"`, `"op\u017f"`,
		`"op"`, `"opss"`, `"ops "`, `""`, `"öps"`, `"op\u0073\u0073"`, `"op\n"`, `"o\/s"`, `"opK"`, `"ops\u0000"`,
	} {
		var v struct {
			Ops *int `json:"ops"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{`+key+`:1}`), &v), key)
		spelled, exact := opsSpelling([]byte(key))
		assert.Equal(t, v.Ops != nil, spelled, "%s: encoding/json matches it to ops", key)
		var name string
		require.NoError(t, json.Unmarshal([]byte(key), &name))
		assert.Equal(t, name == "ops", exact, key)
	}
}
