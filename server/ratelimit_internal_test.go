package server

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With -dev every bearer token is a tenant: the buckets of tenants that went quiet must not
// pile up, while a limited tenant keeps its bucket.
func TestRateBucketsOfIdleTenantsAreDropped(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := &Server{cfg: Config{Rate: 2, Now: func() time.Time { return now }}, buckets: map[string]*bucket{}}
	for i := range minSweep - 1 {
		s.allow("t" + strconv.Itoa(i))
	}
	now = now.Add(2 * time.Second) // those buckets have all refilled
	for range 2 {
		s.allow("busy")
	}
	_, ok := s.allow("busy")
	require.False(t, ok, "busy has used its burst")
	require.Len(t, s.buckets, minSweep, "nothing swept below the threshold")

	s.allow("new")
	assert.Len(t, s.buckets, 2, "the full buckets are gone; busy's and the new tenant's remain")
	_, ok = s.allow("busy")
	assert.False(t, ok, "busy is still limited")
	_, ok = s.allow("t1")
	assert.True(t, ok, "a dropped bucket starts full again, as it had refilled")
}
