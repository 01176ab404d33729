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
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		return 0, false
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
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

// afterCursor reports whether the item (version, id) may lie after cur in the pull order
// (updatedAt, then id in byte order): false only when it is known not to. The zero cursor
// asks for everything; a cursor without an id (updatedSince alone) for versions from its own.
func afterCursor(version, id string, cur Cursor) bool {
	if cur.UpdatedAt == "" {
		return true
	}
	c, ok := compareVersions(version, cur.UpdatedAt)
	switch {
	case !ok || c > 0:
		return true
	case c < 0:
		return false
	}
	return cur.ID == "" || id > cur.ID
}
