package core

import (
	"context"
	"math/rand/v2"
	"reflect"
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

// withDefaults checks cfg and fills its zero values.
func withDefaults(cfg *Config) error {
	const op = "new engine"
	if cfg.Store == nil || cfg.Transport == nil {
		return Errorf(CodeInvalid, op, "Store and Transport are required")
	}
	if len(cfg.Kinds) == 0 {
		return Errorf(CodeInvalid, op, "at least one kind is required")
	}
	seen := map[string]bool{}
	for _, k := range cfg.Kinds {
		if !ValidKind(k) || seen[k] {
			return Errorf(CodeInvalid, op, "kind %q is invalid or repeated", k)
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
			return Errorf(CodeInvalid, op, "strategy for unknown kind %q", k)
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
			return Errorf(CodeInvalid, op, "unknown conflict strategy %q", s)
		}
	}
	var err error
	if cfg.KindMergeFuncs, err = perKind(cfg.KindMergeFuncs, seen, "merge function"); err != nil {
		return err
	}
	if cfg.KindResolvers, err = perKind(cfg.KindResolvers, seen, "resolver"); err != nil {
		return err
	}
	if err := sizeDefaults(cfg); err != nil {
		return err
	}
	hookDefaults(cfg)
	return nil
}

// perKind copies a per-kind map of callbacks, refusing unknown kinds and nil entries.
func perKind[F any](m map[string]F, kinds map[string]bool, what string) (map[string]F, error) {
	out := make(map[string]F, len(m))
	for k, f := range m {
		if !kinds[k] {
			return nil, Errorf(CodeInvalid, "new engine", "%s for unknown kind %q", what, k)
		}
		if any(f) == nil || reflect.ValueOf(f).IsNil() {
			return nil, Errorf(CodeInvalid, "new engine", "%s for %q is nil", what, k)
		}
		out[k] = f
	}
	return out, nil
}

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
	set(&cfg.MaxRetries, defaultMaxRetries)
	set(&cfg.MaxConflictRetries, defaultMaxConflictRetries)
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.BackoffMin == 0 {
		cfg.BackoffMin = defaultBackoffMin
	}
	if cfg.BackoffMax == 0 {
		cfg.BackoffMax = max(defaultBackoffMax, cfg.BackoffMin)
	}
	if cfg.FullResyncInterval == 0 {
		cfg.FullResyncInterval = defaultFullResyncInterval
	}
	switch {
	case cfg.PageSize < 1 || cfg.PageSize > maxPageSize:
		return Errorf(CodeInvalid, op, "PageSize %d is not in 1–%d", cfg.PageSize, maxPageSize)
	case cfg.PushBatchSize < 1 || cfg.PushBatchSize > maxPushBatchSize:
		return Errorf(CodeInvalid, op, "PushBatchSize %d is not in 1–%d", cfg.PushBatchSize, maxPushBatchSize)
	case cfg.PushConcurrency < 1:
		return Errorf(CodeInvalid, op, "PushConcurrency must be at least 1")
	case cfg.PullConcurrency < 1:
		return Errorf(CodeInvalid, op, "PullConcurrency must be at least 1")
	case cfg.MaxConflictRetries < 0:
		return Errorf(CodeInvalid, op, "MaxConflictRetries must not be negative")
	case cfg.BackoffMin < 0 || cfg.BackoffMax < cfg.BackoffMin:
		return Errorf(CodeInvalid, op, "backoff bounds %v–%v are invalid", cfg.BackoffMin, cfg.BackoffMax)
	}
	return nil
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
