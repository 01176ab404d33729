package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionOrder(t *testing.T) {
	tests := []struct {
		a, b  string
		c     int
		known bool
	}{
		{"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z", -1, true}, // as strings they sort the other way
		{"2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00Z", 0, true},
		{"2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00Z", 0, true},
		{"2026-01-02T00:00:00Z", "2026-01-01T23:59:59.999999Z", 1, true},
		{"v2", "v1", 0, false},
		{"2026-01-01T00:00:00Z", "", 0, false},
	}
	for _, tc := range tests {
		c, ok := compareVersions(tc.a, tc.b)
		assert.Equal(t, tc.known, ok, "%s vs %s", tc.a, tc.b)
		assert.Equal(t, tc.c, c, "%s vs %s", tc.a, tc.b)
	}
	assert.True(t, versionOlder("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z"))
	assert.False(t, versionOlder("v1", "v2"), "undecidable is not older")
}

func TestAfterCursor(t *testing.T) {
	cur := Cursor{UpdatedAt: "2026-01-01T00:00:00.5Z", ID: "m"}
	tests := []struct {
		version, id string
		after       bool
	}{
		{"2026-01-01T00:00:01Z", "a", true},
		{"2026-01-01T00:00:00.5Z", "n", true},
		{"2026-01-01T00:00:00.500Z", "m", false}, // the cursor's own item
		{"2026-01-01T00:00:00.5Z", "l", false},
		{"2026-01-01T00:00:00Z", "z", false},
		{"opaque", "a", true}, // undecidable: not refused
	}
	for _, tc := range tests {
		assert.Equal(t, tc.after, positionOf(cur).after(tc.version, tc.id), "%s %s", tc.version, tc.id)
	}
	assert.True(t, positionOf(Cursor{}).after("2026-01-01T00:00:00Z", "a"), "the zero cursor asks for everything")
	assert.True(t, positionOf(Cursor{UpdatedAt: cur.UpdatedAt}).after("2026-01-01T00:00:00.5Z", "a"), "updatedSince alone includes its own instant")
	assert.True(t, positionOf(Cursor{UpdatedAt: "opaque", ID: "m"}).after("2026-01-01T00:00:00Z", "a"), "an opaque cursor decides nothing")
}
