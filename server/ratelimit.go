package server

import (
	"math"
	"time"
)

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
