package core

import "strings"

// A pulled version older than the record's local synced version never overwrites it
// (CONTRACT.md "Client-side handling of responses"). Every item of a page lies after the pull
// cursor (checkPage), so it can be older than the local copy only where the local version is
// itself past the cursor: written by this engine's acknowledgements and refetches since its
// pull last passed them. The engine remembers those versions (in memory, a bounded map) and
// drops the page items known older, without reading the store on the pull path (a read per
// item would double a pull's store time). Versions are compared as version.go says.

// maxAhead bounds the remembered versions; past it the engine forgets them all (it then only
// loses this protection until its next pushes).
const maxAhead = 10_000

// aheadKey is the map key of kind/id (a string key: a struct key costs sync.wasm ~1 KB of
// generated map code).
func aheadKey(kind, id string) string { return kind + "\x00" + id }

// noteAhead remembers that the local copy of kind/id now holds server version v.
func (e *Engine) noteAhead(kind, id, v string) {
	if v == "" {
		return
	}
	e.aheadMu.Lock()
	defer e.aheadMu.Unlock()
	if e.ahead == nil || len(e.ahead) >= maxAhead {
		e.ahead = map[string]string{}
	}
	e.ahead[aheadKey(kind, id)] = v
}

// noteAcks remembers the server versions acknowledgements wrote.
func (e *Engine) noteAcks(acks []Ack) {
	for _, a := range acks {
		if a.Server != nil {
			e.noteAhead(a.Op.Kind, a.Op.EntityID, a.Server.UpdatedAt)
		}
	}
}

// dropStale returns items without those known older than the version this engine wrote
// locally for their record.
func (e *Engine) dropStale(kind string, items []Record) []Record {
	e.aheadMu.Lock()
	defer e.aheadMu.Unlock()
	if len(e.ahead) == 0 {
		return items
	}
	kept := items[:0:0]
	for i, it := range items {
		if v, ok := e.ahead[aheadKey(kind, it.ID)]; ok && versionOlder(it.UpdatedAt, v) {
			if kept == nil {
				kept = append(make([]Record, 0, len(items)), items[:i]...)
			}
			continue
		}
		if kept != nil {
			kept = append(kept, it)
		}
	}
	if kept == nil {
		return items
	}
	return kept
}

// passedAhead forgets kind's remembered versions the cursor has reached: the pull brought the
// records' versions from there on.
func (e *Engine) passedAhead(kind string, cur Cursor) {
	e.aheadMu.Lock()
	defer e.aheadMu.Unlock()
	prefix := aheadKey(kind, "")
	for k, v := range e.ahead {
		if c, ok := compareVersions(cur.UpdatedAt, v); ok && c >= 0 && strings.HasPrefix(k, prefix) {
			delete(e.ahead, k)
		}
	}
}
