package core

import (
	"context"
	"math/rand/v2"
	"time"
)

// Config defaults (JS-API.md and the seed's).
const (
	defaultPageSize      = 500
	defaultPushBatchSize = 100
	// A browser opens 6 connections per origin over HTTP/1.1: 6 kinds pulled at once make a
	// no-op sync of up to 6 kinds one round trip, not two.
	defaultPullConcurrency    = 6
	defaultMaxRetries         = 5
	defaultBackoffMin         = time.Second
	defaultBackoffMax         = 2 * time.Minute
	defaultMaxConflictRetries = 3
	defaultFullResyncInterval = 7 * 24 * time.Hour
	maxPageSize               = 1000
	maxPushBatchSize          = 500
)

// limits are Config's pointer fields resolved: the value given, else the default.
type limits struct {
	maxRetries         int
	backoffMin         time.Duration
	backoffMax         time.Duration
	maxConflictRetries int
	fullResyncInterval time.Duration // ≤ 0: never
}

// withDefaults checks cfg, fills its zero values and resolves its optional fields.
func withDefaults(cfg *Config) (limits, error) {
	const op = "new engine"
	if cfg.Store == nil || cfg.Transport == nil {
		return limits{}, Errorf(CodeInvalid, op, "Store and Transport are required")
	}
	if len(cfg.Kinds) == 0 {
		return limits{}, Errorf(CodeInvalid, op, "at least one kind is required")
	}
	seen := map[string]bool{}
	for _, k := range cfg.Kinds {
		if !ValidKind(k) || seen[k] {
			return limits{}, Errorf(CodeInvalid, op, "kind %q is invalid or repeated", k)
		}
		seen[k] = true
	}
	cfg.Kinds = cloneStrings(cfg.Kinds)
	if cfg.Strategy == "" {
		cfg.Strategy = AutoPreserve
	}
	strategies := map[string]Strategy{}
	for k, s := range cfg.KindStrategies {
		if !seen[k] {
			return limits{}, Errorf(CodeInvalid, op, "strategy for unknown kind %q", k)
		}
		strategies[k] = s
	}
	cfg.KindStrategies = strategies
	for _, k := range cfg.Kinds {
		s := cfg.Strategy
		if ks, ok := strategies[k]; ok {
			s = ks
		}
		if !s.Valid() {
			return limits{}, Errorf(CodeInvalid, op, "unknown conflict strategy %q", s)
		}
	}
	var err error
	if cfg.KindMergeFuncs, err = perKind(cfg.KindMergeFuncs, seen, "merge function", func(f MergeFunc) bool { return f == nil }); err != nil {
		return limits{}, err
	}
	if cfg.KindResolvers, err = perKind(cfg.KindResolvers, seen, "resolver", func(f Resolver) bool { return f == nil }); err != nil {
		return limits{}, err
	}
	if err := sizeDefaults(cfg); err != nil {
		return limits{}, err
	}
	lim, err := resolveLimits(cfg)
	if err != nil {
		return limits{}, err
	}
	hookDefaults(cfg)
	return lim, nil
}

// perKind copies a per-kind map of callbacks, refusing unknown kinds and nil entries.
// isNil says whether f is nil (a generic F cannot be compared with nil without reflect).
func perKind[F any](m map[string]F, kinds map[string]bool, what string, isNil func(F) bool) (map[string]F, error) {
	out := make(map[string]F, len(m))
	for k, f := range m {
		if !kinds[k] {
			return nil, Errorf(CodeInvalid, "new engine", "%s for unknown kind %q", what, k)
		}
		if isNil(f) {
			return nil, Errorf(CodeInvalid, "new engine", "%s for %q is nil", what, k)
		}
		out[k] = f
	}
	return out, nil
}

// sizeDefaults fills and checks the sizes: no size can be 0, so there 0 means "default".
func sizeDefaults(cfg *Config) error {
	const op = "new engine"
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	set(&cfg.PageSize, defaultPageSize)
	set(&cfg.PushBatchSize, defaultPushBatchSize)
	set(&cfg.PushConcurrency, 1)
	set(&cfg.PullConcurrency, defaultPullConcurrency)
	switch {
	case cfg.PageSize < 1 || cfg.PageSize > maxPageSize:
		return Errorf(CodeInvalid, op, "PageSize %d is not in 1–%d", cfg.PageSize, maxPageSize)
	case cfg.PushBatchSize < 1 || cfg.PushBatchSize > maxPushBatchSize:
		return Errorf(CodeInvalid, op, "PushBatchSize %d is not in 1–%d", cfg.PushBatchSize, maxPushBatchSize)
	case cfg.PushConcurrency < 1:
		return Errorf(CodeInvalid, op, "PushConcurrency must be at least 1")
	case cfg.PullConcurrency < 1:
		return Errorf(CodeInvalid, op, "PullConcurrency must be at least 1")
	}
	return nil
}

// resolveLimits takes each optional field's value, or its default when nil.
func resolveLimits(cfg *Config) (limits, error) {
	const op = "new engine"
	or := func(p *int, def int) int {
		if p == nil {
			return def
		}
		return *p
	}
	lim := limits{
		maxRetries:         max(or(cfg.MaxRetries, defaultMaxRetries), 0),
		maxConflictRetries: or(cfg.MaxConflictRetries, defaultMaxConflictRetries),
		backoffMin:         defaultBackoffMin,
		fullResyncInterval: defaultFullResyncInterval,
	}
	if cfg.BackoffMin != nil {
		lim.backoffMin = *cfg.BackoffMin
	}
	lim.backoffMax = max(defaultBackoffMax, lim.backoffMin)
	if cfg.BackoffMax != nil {
		lim.backoffMax = *cfg.BackoffMax
	}
	if cfg.FullResyncInterval != nil {
		lim.fullResyncInterval = *cfg.FullResyncInterval
	}
	switch {
	case lim.maxConflictRetries < 0:
		return limits{}, Errorf(CodeInvalid, op, "MaxConflictRetries must not be negative")
	case lim.backoffMin < 0 || lim.backoffMax < lim.backoffMin:
		return limits{}, Errorf(CodeInvalid, op, "backoff bounds %v–%v are invalid", lim.backoffMin, lim.backoffMax)
	}
	return lim, nil
}

func hookDefaults(cfg *Config) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Float64
	}
	if cfg.NewID == nil {
		cfg.NewID = newUUID
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
