package core

import "time"

// Version tokens are opaque to the client (CONTRACT.md "Records"): it never reformats them
// and never orders them as strings ("…:00Z" sorts after "…:00.5Z"). Where it must order two
// of them (a pulled item against the pull cursor or against the local copy), it compares them
// only when both parse as RFC 3339 times, and otherwise does not decide (docs/DESIGN.md
// "Distrusting the server").

// compareVersions orders two version tokens by the instants they name: -1, 0 or +1, and
// ok=false when either is not an RFC 3339 time.
func compareVersions(a, b string) (c int, ok bool) {
	tb, err := parseRFC3339(b)
	if err != nil {
		return 0, false
	}
	return compareVersionTo(a, tb)
}

// compareVersionTo is compareVersions against an instant already parsed (a page's cursor is
// parsed once, not once per item).
func compareVersionTo(a string, tb time.Time) (c int, ok bool) {
	ta, err := parseRFC3339(a)
	if err != nil {
		return 0, false
	}
	return ta.Compare(tb), true
}

// versionOlder reports whether version v is known to be older than version than: both parse
// and v names an earlier instant. Anything undecidable is not older.
func versionOlder(v, than string) bool {
	c, ok := compareVersions(v, than)
	return ok && c < 0
}

// position is a pull cursor ready for comparisons: its version parsed once.
type position struct {
	cur    Cursor
	at     time.Time
	parsed bool
}

func positionOf(cur Cursor) position {
	at, err := parseRFC3339(cur.UpdatedAt)
	return position{cur: cur, at: at, parsed: err == nil}
}

// order compares the item (version, id) with the cursor's instant: -1, 0, +1, and ok=false
// when either version does not parse.
func (p position) order(version string) (c int, ok bool) {
	if !p.parsed {
		return 0, false
	}
	return compareVersionTo(version, p.at)
}

// after reports whether the item (version, id) may lie after the cursor in the pull order
// (updatedAt, then id in byte order): false only when it is known not to. The zero cursor
// asks for everything; a cursor without an id (updatedSince alone) for versions from its own.
func (p position) after(version, id string) bool {
	if p.cur.UpdatedAt == "" {
		return true
	}
	c, ok := p.order(version)
	switch {
	case !ok || c > 0:
		return true
	case c < 0:
		return false
	}
	return p.cur.ID == "" || id > p.cur.ID
}

// VersionInstant returns the instant version v names; ok is false when v is not an RFC 3339
// time, which is never ordered (the store kit's watermarks order versions this way too).
func VersionInstant(v string) (t time.Time, ok bool) {
	t, err := parseRFC3339(v)
	return t, err == nil
}
