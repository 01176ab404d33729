package core

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatUUIDMatchesGoogleUUID(t *testing.T) {
	cases := [][16]byte{
		{},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10},
	}
	for _, b := range cases {
		want := uuid.UUID(b)
		want[6] = want[6]&0x0f | 0x40
		want[8] = want[8]&0x3f | 0x80
		assert.Equal(t, want.String(), formatUUID(b))
	}
}

func TestNewUUIDIsRandomVersion4(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		s := newUUID()
		u, err := uuid.Parse(s)
		require.NoError(t, err, s)
		require.Equal(t, uuid.Version(4), u.Version(), s)
		require.Equal(t, uuid.RFC4122, u.Variant(), s)
		require.Equal(t, u.String(), s, "canonical lower-case form")
		require.False(t, seen[s], "repeated id %s", s)
		seen[s] = true
	}
}

func TestEngineDefaultNewIDIsUUIDv4(t *testing.T) {
	cfg := Config{}
	hookDefaults(&cfg)
	u, err := uuid.Parse(cfg.NewID())
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(4), u.Version())
}
