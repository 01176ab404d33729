//go:build js && wasm

package idbstore

import (
	"context"
	"slices"
	"strings"
	"syscall/js"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/sortx"
)

// Query indexes are part of the schema: adding or removing one at open is an upgrade
// (IndexedDB creates and deletes indexes only in a versionchange transaction) that builds it
// from the stored records (helpers.js syncIndexes). The IndexedDB version therefore encodes
// two numbers: the layout (schemaVersion) and the generation of the index set, bumped at each
// change. Versions below versionScale are the layouts before indexes (generation 0).
//
// The indexes are named by what they index, so the database itself says which exist: a tab
// opened with other options, or reconnecting after another tab's upgrade, reads them from the
// database and maintains and uses exactly those. The options of the last open() win.
const versionScale = 1_000_000

// layoutOf is the layout of IndexedDB version v.
func layoutOf(v int) int {
	if v < versionScale {
		return v
	}
	return v / versionScale
}

// nextVersion is the version that upgrades v to the current layout with a new index generation.
func nextVersion(v int) int {
	gen := 0
	if v >= versionScale {
		gen = v % versionScale
	}
	return schemaVersion*versionScale + gen + 1
}

// ixInfo is one query index of a kind: its IndexedDB name and fields.
type ixInfo struct {
	name   string
	fields core.IndexSpec
}

// ixDecls is want as syncIndexes takes it: JSON [[kind, fields]...].
func ixDecls(want map[string][]core.IndexSpec) string {
	var out [][]any
	for kind, specs := range want {
		for _, f := range specs {
			out = append(out, []any{kind, []string(f)})
		}
	}
	if out == nil {
		return "[]"
	}
	return jsonText(out)
}

// parseIndexNames reads the query indexes from their names ('q:' + JSON [kind, fields]), each
// kind's sorted by name (the planner prefers the first of equally good ones).
func parseIndexNames(text string) (map[string][]ixInfo, error) {
	var names []string
	if err := decodeJSON(text, &names); err != nil {
		return nil, err
	}
	sortx.Strings(names)
	out := map[string][]ixInfo{}
	for _, n := range names {
		kind, fields, ok := indexDecl(strings.TrimPrefix(n, "q:"))
		if !ok {
			continue // not ours
		}
		out[kind] = append(out[kind], ixInfo{name: n, fields: fields})
	}
	return out, nil
}

// sameIndexes reports whether the database's indexes are exactly want.
func sameIndexes(have map[string][]ixInfo, want map[string][]core.IndexSpec) bool {
	n := 0
	for kind, specs := range want {
		for _, f := range specs {
			n++
			if !slices.ContainsFunc(have[kind], func(i ixInfo) bool { return slices.Equal(i.fields, f) }) {
				return false
			}
		}
	}
	m := 0
	for _, is := range have {
		m += len(is)
	}
	return n == m
}

// maxOpenAttempts bounds the opens lost to other tabs upgrading the database meanwhile.
const maxOpenAttempts = 3

// openDB opens name at the current layout. With want (not nil) the query indexes become
// exactly want, with nil they stay as the database has them. It returns the helper's
// {db, closed} handle and the indexes the database has.
func openDB(ctx context.Context, h *helpers, name string, want map[string][]core.IndexSpec) (js.Value, map[string][]ixInfo, error) {
	var err error
	for range maxOpenAttempts {
		var conn js.Value
		conn, err = openVersion(ctx, h, name, js.Undefined(), js.Undefined())
		target := schemaVersion * versionScale
		wantJS := js.Undefined()
		if want != nil {
			wantJS = js.ValueOf(ixDecls(want))
		}
		switch {
		case err == errAbsent:
			if want == nil {
				wantJS = js.ValueOf("[]")
			}
		case err != nil:
			return js.Undefined(), nil, err
		default:
			v := conn.Get("db").Get("version").Int()
			if layoutOf(v) > schemaVersion {
				closeConn(conn)
				return js.Undefined(), nil, &domError{Name: "VersionError", Message: "the database has a newer layout than this code"}
			}
			have, err := connIndexes(h, conn)
			if err != nil {
				closeConn(conn)
				return js.Undefined(), nil, err
			}
			if layoutOf(v) == schemaVersion && (want == nil || sameIndexes(have, want)) {
				return conn, have, nil
			}
			closeConn(conn)
			target = nextVersion(v)
		}
		conn, err = openVersion(ctx, h, name, js.ValueOf(target), wantJS)
		if err == nil {
			have, err := connIndexes(h, conn)
			if err != nil {
				closeConn(conn)
				return js.Undefined(), nil, err
			}
			return conn, have, nil
		}
		// Another tab upgraded it first (VersionError) or it vanished meanwhile: look again.
		if !errNameIs(err, "VersionError") && err != errAbsent {
			return js.Undefined(), nil, err
		}
	}
	return js.Undefined(), nil, err
}

func connIndexes(h *helpers, conn js.Value) (map[string][]ixInfo, error) {
	v, err := call(func() js.Value { return h.ixNames.Invoke(conn.Get("db")) })
	if err != nil {
		return nil, err
	}
	return parseIndexNames(v.String())
}

func closeConn(conn js.Value) {
	_, _ = call(func() js.Value { return conn.Get("db").Call("close") })
	conn.Set("closed", true)
}
