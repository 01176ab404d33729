package server

import (
	"math"
	"time"
)

// minSweep is the bucket count below which full buckets are kept: sweeping costs a pass over
// the map, and a few thousand buckets are small.
const minSweep = 4096

// bucket is one tenant's token bucket.
type bucket struct {
	tokens float64
	at     time.Time
}

// allow takes a token from tenant's bucket; when empty it returns how long until one is back.
func (s *Server) allow(tenant string) (time.Duration, bool) {
	rate := s.cfg.Rate
	if rate <= 0 {
		return 0, true
	}
	burst := math.Max(1, math.Ceil(rate))
	now := s.now()
	s.rateMu.Lock()
	defer s.rateMu.Unlock()
	b, ok := s.buckets[tenant]
	if !ok {
		s.sweepFull(now, rate, burst)
		b = &bucket{tokens: burst, at: now}
		s.buckets[tenant] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second)), false
}

// sweepFull bounds the map (with -dev every token is a tenant of its own): a bucket that has
// refilled is the same as no bucket, so once the map reaches sweepAt the full ones go, and the
// next sweep waits until the map has doubled again.
func (s *Server) sweepFull(now time.Time, rate, burst float64) {
	if len(s.buckets) < max(s.sweepAt, minSweep) {
		return
	}
	for t, b := range s.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*rate >= burst {
			delete(s.buckets, t)
		}
	}
	s.sweepAt = 2 * len(s.buckets)
}
