package server

import (
	"time"
)

// versionLayout is the fixed-width form of every updatedAt/deletedAt the server emits: UTC,
// microseconds, so byte order equals time order and versions compare exactly as strings.
const versionLayout = "2006-01-02T15:04:05.000000Z"

func formatVersion(t time.Time) string { return t.UTC().Format(versionLayout) }

// parseVersion accepts only the server's own fixed-width form (page tokens, stored versions).
func parseVersion(s string) (time.Time, bool) {
	t, err := time.Parse(versionLayout, s)
	if err != nil || formatVersion(t) != s {
		return time.Time{}, false
	}
	return t, true
}

// parseSince accepts any RFC 3339 time a client may send as updatedSince and returns it in the
// server's form. Precision beyond microseconds is dropped downwards, which can only re-deliver
// an item, never skip one.
func parseSince(s string) (string, bool) {
	if _, ok := parseVersion(s); ok {
		return s, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", false
	}
	return formatVersion(t.Truncate(time.Microsecond)), true
}

// nextVersion is max(now, last + 1µs): strictly increasing per (tenant, kind) even when the
// wall clock steps back. last is "" for a kind without rows.
func nextVersion(now time.Time, last string) string {
	v := now.UTC().Truncate(time.Microsecond)
	if l, ok := parseVersion(last); ok && !v.After(l) {
		v = l.Add(time.Microsecond)
	}
	return formatVersion(v)
}
