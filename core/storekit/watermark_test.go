package storekit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

func TestWatermark(t *testing.T) {
	for _, tt := range []struct {
		version string
		want    int64
	}{
		{"1970-01-01T00:00:01Z", 1_000_000},
		{"1970-01-01T00:00:01.0000001Z", 1_000_001}, // rounded up
		{"1970-01-01T02:00:01+02:00", 1_000_000},
		{"9999-12-31T23:59:59Z", 1<<53 - 1}, // past what a JavaScript number holds exactly
		{"1969-12-31T23:59:59Z", 0},
		{"v1", 0},
		{"", 0},
	} {
		assert.Equal(t, tt.want, storekit.Watermark(tt.version), tt.version)
	}
}

func TestMayBeOlder(t *testing.T) {
	wm := storekit.Watermark("2026-01-01T00:00:00.0000005Z") // rounds up to …00.000001
	assert.True(t, storekit.MayBeOlder("2026-01-01T00:00:00Z", wm))
	assert.True(t, storekit.MayBeOlder("2026-01-01T00:00:00.0000009Z", wm), "within the rounding: read, to be sure")
	assert.False(t, storekit.MayBeOlder("2026-01-01T00:00:00.000001Z", wm))
	assert.False(t, storekit.MayBeOlder("v1", wm), "undecidable versions are never older")
	assert.False(t, storekit.MayBeOlder("2026-01-01T00:00:00Z", 0), "no watermark, nothing to read")
}

func TestAckWatermarks(t *testing.T) {
	rec := func(v string) *core.Record { return &core.Record{UpdatedAt: v} }
	op := func(kind string) core.Op { return core.Op{Kind: kind} }
	got, written := storekit.AckWatermarks([]core.Ack{
		{Op: op("a"), Server: rec("2026-01-01T00:00:02Z")},
		{Op: op("a"), Server: rec("2026-01-01T00:00:05Z")},
		{Op: op("a"), Server: rec("2026-01-01T00:00:03Z")},
		{Op: op("b"), Server: rec("v7")},
		{Op: op("c")},
	})
	assert.Equal(t, map[string]int64{"a": storekit.Watermark("2026-01-01T00:00:05Z")}, got)
	assert.Equal(t, []storekit.AckWrite{
		{Kind: "a", Watermark: storekit.Watermark("2026-01-01T00:00:02Z"), Version: "2026-01-01T00:00:02Z"},
		{Kind: "a", Watermark: storekit.Watermark("2026-01-01T00:00:05Z"), Version: "2026-01-01T00:00:05Z"},
		{Kind: "a", Watermark: storekit.Watermark("2026-01-01T00:00:03Z"), Version: "2026-01-01T00:00:03Z"},
	}, written, "undecidable versions and acks without a record are not listed")
	none, _ := storekit.AckWatermarks(nil)
	assert.Nil(t, none)
}

func TestPageWatermark(t *testing.T) {
	wm := storekit.Watermark("2026-01-01T00:00:05Z")
	cur := func(v string) core.Cursor { return core.Cursor{UpdatedAt: v, ID: "x"} }
	rec := func(v string) core.Record { return core.Record{UpdatedAt: v} }
	for _, tt := range []struct {
		name    string
		next    core.Cursor
		written []core.Record
		want    int64
		ahead   bool
	}{
		{"cursor before it: kept", cur("2026-01-01T00:00:04Z"), []core.Record{rec("2026-01-01T00:00:04Z")}, wm, false},
		{"cursor at it: cleared", cur("2026-01-01T00:00:05Z"), nil, 0, false},
		{"cursor past it: cleared", cur("2026-01-01T00:00:06Z"), nil, 0, false},
		{"undecidable cursor: kept", cur("v9"), nil, wm, false},
		{"a refetch past the cursor: raised", cur("2026-01-01T00:00:01Z"), []core.Record{rec("2026-01-01T00:00:09Z")},
			storekit.Watermark("2026-01-01T00:00:09Z"), true},
		{"cleared, then raised by an item past the cursor", cur("2026-01-01T00:00:06Z"), []core.Record{rec("2026-01-01T00:00:07Z")},
			storekit.Watermark("2026-01-01T00:00:07Z"), true},
	} {
		got, ahead := storekit.PageWatermark(wm, tt.next, tt.written)
		assert.Equal(t, tt.want, got, tt.name)
		assert.Equal(t, tt.ahead, ahead, tt.name)
	}
	got, ahead := storekit.PageWatermark(0, cur("v9"), []core.Record{rec("2026-01-01T00:00:02Z")})
	assert.Equal(t, storekit.Watermark("2026-01-01T00:00:02Z"), got, "undecidable cursor: every decidable item raises it")
	assert.True(t, ahead)
}

func TestResetWatermark(t *testing.T) {
	old := core.Cursor{UpdatedAt: "2026-01-01T00:00:05Z", ID: "x"}
	assert.Equal(t, storekit.Watermark(old.UpdatedAt), storekit.ResetWatermark(0, old))
	assert.Equal(t, storekit.Watermark("2026-01-01T00:00:09Z"), storekit.ResetWatermark(storekit.Watermark("2026-01-01T00:00:09Z"), old))
	assert.Equal(t, int64(0), storekit.ResetWatermark(0, core.Cursor{}))
}
