package storekit

import (
	"time"

	"github.com/offsync/offsync/core"
)

// Watermarks: a pulled item older than the stored record's version is not written
// (planPageItem). Every page item lies after the pull cursor, so it can be older than the
// stored copy only where that copy's version is past the cursor too: written by an
// acknowledgement or a refetch (in this tab, another tab or an earlier session) that the pull
// has not reached yet. A store that would rather not read every page item's record keeps, per
// kind, the greatest version such writes stored (its watermark) and reads only the items whose
// version may be older than that; once the cursor passes the watermark nothing is read again.
//
// Ahead lists: a watermark alone makes a pull after a push read the stored copy of every item
// it brings back, echoes of the push included (each is under the watermark of the records acked
// after it). A store may also keep, per kind, the ids and watermarks of the records written past
// the cursor since the watermark was last 0 (idbstore keeps them while there are at most 4,096,
// in the transactions that write the records): an item under the watermark is then read only
// when its id is listed with a later watermark than its own version. The list must hold every
// such write; a write it cannot list (PageWatermark's ahead, a cursor reset) ends it.
//
// A watermark is a version's instant in microseconds, rounded up, so that it fits a JavaScript
// number exactly and an item compared against it is never wrongly found not older; 0 is no
// watermark (nothing ahead, or a version that is not an RFC 3339 time, which planPageItem never
// finds older anyway).

// maxWatermark is the greatest watermark: 2^53-1, the greatest integer a JavaScript number holds
// exactly (versions past year 2255 all get it).
const maxWatermark = 1<<53 - 1

// Watermark returns the watermark of version.
func Watermark(version string) int64 {
	t, ok := core.VersionInstant(version)
	if !ok || t.UnixMicro() < 0 {
		return 0
	}
	us := t.UnixMicro()
	if t.Nanosecond()%1000 > 0 {
		us++
	}
	return min(us, maxWatermark)
}

// notNewer reports whether version v is known not to be newer than version than: both are
// RFC 3339 times and v names the same or an earlier instant (core/version.go: undecidable is
// neither).
func notNewer(v, than string) bool {
	a, okA := core.VersionInstant(v)
	b, okB := core.VersionInstant(than)
	return okA && okB && !a.After(b)
}

// MayBeOlder reports whether an item of version may be older than a stored version of kind
// at or below watermark wm: the items a store must read the stored record of.
func MayBeOlder(version string, wm int64) bool {
	t, ok := core.VersionInstant(version)
	return wm > 0 && ok && t.Before(time.UnixMicro(wm))
}

// AckWrite is a server record an ack writes past the pull cursor: an ahead list's entry.
type AckWrite struct {
	Kind, ID  string
	Watermark int64
	Version   string
}

// AckWatermarks returns the greatest watermark of the server records acks write, per kind
// (what Ack raises the kinds' watermarks to), and those records (undecidable versions, which
// no item is older than, left out).
func AckWatermarks(acks []core.Ack) (map[string]int64, []AckWrite) {
	var out map[string]int64
	written := make([]AckWrite, 0, len(acks)) // most acks write a record
	for _, a := range acks {
		if a.Server == nil {
			continue
		}
		if m := Watermark(a.Server.UpdatedAt); m > 0 {
			if out == nil {
				out = map[string]int64{}
			}
			out[a.Op.Kind] = max(out[a.Op.Kind], m)
			written = append(written, AckWrite{Kind: a.Op.Kind, ID: a.Op.EntityID, Watermark: m, Version: a.Server.UpdatedAt})
		}
	}
	return out, written
}

// PageWatermark returns kind's watermark once a page moved its cursor to next and wrote
// written: 0 when the cursor reached wm (every version it covered is then at or before the
// cursor), raised by written items past next (a refetch writes its record without moving the
// cursor). ahead says whether there were such items: writes past the cursor that an ahead
// list does not hold.
func PageWatermark(wm int64, next core.Cursor, written []core.Record) (_ int64, ahead bool) {
	cur, parsed := core.VersionInstant(next.UpdatedAt)
	if parsed && wm < maxWatermark && !cur.Before(time.UnixMicro(wm)) {
		wm = 0
	}
	for _, r := range written {
		if t, ok := core.VersionInstant(r.UpdatedAt); ok && (!parsed || t.After(cur)) {
			wm, ahead = max(wm, Watermark(r.UpdatedAt)), true
		}
	}
	return wm, ahead
}

// ResetWatermark returns kind's watermark when its cursor goes back to zero: every stored
// version is then past the cursor, up to the old cursor's or the watermark.
func ResetWatermark(wm int64, old core.Cursor) int64 {
	return max(wm, Watermark(old.UpdatedAt))
}
