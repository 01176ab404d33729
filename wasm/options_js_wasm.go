package main

import (
	"slices"
	"time"

	"github.com/offsync/offsync/core"
)

// parseOptions decodes and checks the options; every mistake is an invalid error.
func parseOptions(s string) (options, error) {
	const op = "open"
	var o options
	if err := decodeArg(s, &o); err != nil {
		return o, core.Errorf(core.CodeInvalid, op, "options: %w", err)
	}
	switch {
	case o.Name == "":
		return o, core.Errorf(core.CodeInvalid, op, "options.name is required")
	case o.BaseURL == "":
		return o, core.Errorf(core.CodeInvalid, op, "options.baseUrl is required")
	case len(o.Kinds) == 0:
		return o, core.Errorf(core.CodeInvalid, op, "options.kinds must list at least one kind")
	case o.Storage != "memory" && o.Storage != "indexeddb":
		return o, core.Errorf(core.CodeInvalid, op, "options.storage must be 'indexeddb' or 'memory', not %q", o.Storage)
	case o.Durability != "" && o.Durability != "strict" && o.Durability != "relaxed":
		return o, core.Errorf(core.CodeInvalid, op, "options.durability must be 'strict' or 'relaxed', not %q", o.Durability)
	case o.ConflictStrategy != "" && !o.ConflictStrategy.Valid():
		return o, core.Errorf(core.CodeInvalid, op, "unknown conflictStrategy %q", o.ConflictStrategy)
	}
	var err error
	if o.indexes, err = core.ParseIndexes(o.Indexes, o.Kinds); err != nil {
		return o, err
	}
	for k, t := range o.TableConflictConfigs {
		if !slices.Contains(o.Kinds, k) {
			return o, core.Errorf(core.CodeInvalid, op, "tableConflictConfigs.%s: not one of options.kinds", k)
		}
		if t.Strategy != "" && !t.Strategy.Valid() {
			return o, core.Errorf(core.CodeInvalid, op, "tableConflictConfigs.%s: unknown strategy %q", k, t.Strategy)
		}
	}
	if o.MaxConflictRetries != nil && *o.MaxConflictRetries < 1 {
		return o, core.Errorf(core.CodeInvalid, op, "options.maxConflictRetries must be at least 1, not %d", *o.MaxConflictRetries)
	}
	return o, nil
}

// engineConfig maps the options onto core.Config (store, transport and callbacks excluded).
// An absent option stays nil (core's default); a given one, 0 included, is passed as is: JS
// maxRetries 0 is no retries, backoff 0 no wait, fullResyncIntervalMs ≤ 0 never, as in core.
func (o options) engineConfig() core.Config {
	c := core.Config{
		Kinds:              o.Kinds,
		Strategy:           o.ConflictStrategy,
		PageSize:           o.PageSize,
		PushBatchSize:      o.PushBatchSize,
		PushConcurrency:    o.PushConcurrency,
		PullConcurrency:    o.PullConcurrency,
		MaxRetries:         o.MaxRetries,
		MaxConflictRetries: o.MaxConflictRetries,
		BackoffMin:         duration(o.BackoffMinMs),
		BackoffMax:         duration(o.BackoffMaxMs),
		FullResyncInterval: duration(o.FullResyncIntervalMs),
	}
	if len(o.TableConflictConfigs) > 0 {
		c.KindStrategies = map[string]core.Strategy{}
		for k, t := range o.TableConflictConfigs {
			if t.Strategy != "" {
				c.KindStrategies[k] = t.Strategy
			}
		}
	}
	return c
}

// duration converts optional milliseconds (nil stays nil, so that core takes its default);
// less than 0 is 0.
func duration(ms *float64) *time.Duration {
	if ms == nil {
		return nil
	}
	return new(time.Duration(max(*ms, 0) * float64(time.Millisecond)))
}

// defaultRequestTimeout bounds one HTTP request when the app does not say otherwise.
const defaultRequestTimeout = 60 * time.Second

// requestTimeout is one request's bound: [60 s]; 0 or less means none.
func (o options) requestTimeout() time.Duration {
	switch {
	case o.RequestTimeoutMs == nil:
		return defaultRequestTimeout
	case *o.RequestTimeoutMs <= 0:
		return 0
	}
	return *duration(o.RequestTimeoutMs)
}
