//go:build js && wasm

package idbstore

import (
	"errors"
	"strings"
	"sync"
	"syscall/js"

	"github.com/offsync/offsync/internal/jstext"
)

// helpers holds the compiled JavaScript helpers of one Store, and the JS strings and store-name
// arrays its transactions use, made once: every js.Value made per call is a finalizer for the
// Go runtime and a string crossing.
type helpers struct {
	open, begin, commit, abort                      js.Value
	gather, page, keys, indexKeys                   js.Value
	putAll, putKeyed, delAll                        js.Value
	stringifyField, moveMarks, countPending         js.Value
	toOneRow, rekeyIndexes                          js.Value
	putFramed, load, flush, mark, pendingPage       js.Value
	writeAhead, raiseWatermarks, pageRead           js.Value
	ixNames, syncIndexes, ixPage, ixCount, scan, ro js.Value
	startReads, ackPlain, forgetAhead, aheadUp      js.Value
	pageCheck                                       js.Value
	text                                            jstext.Encoder // framed ops into Go (Text)

	strs  map[string]js.Value // read-only after newHelpers
	mu    sync.Mutex
	lists map[string]js.Value // store-name arrays by their names joined with ","
}

// errNoHelpers: a store opened without its helpers in a build that carries no copy of them.
var errNoHelpers = errors.New("idbstore: no helpers given (sync.wasm gets them from offsync.js, ./idb-helpers.js)")

// newHelpers takes the helpers given (offsync.js's idbHelpers()) or, when none are, compiles
// helperSource, the copy of helpers.js in builds without the offsyncjs tag (helpersource.go).
func newHelpers(given js.Value) (*helpers, error) {
	h := given
	if h.Type() != js.TypeObject {
		if helperSource == "" {
			return nil, errNoHelpers
		}
		h = js.Global().Get("Function").New(helperSource).Invoke()
	}
	strs := map[string]js.Value{}
	for _, s := range []string{stRecords, stOutbox, stParked, stConflicts, stCursors, stMeta, stMarks, stLater,
		readOnly.mode, readWrite.mode, readOnly.durability, durableWrite.durability, "relaxed"} {
		strs[s] = js.ValueOf(s)
	}
	hs := &helpers{strs: strs, lists: map[string]js.Value{}, text: jstext.NewEncoder()}
	// One loop over the names, in the order of the fields: with a Get written out per field,
	// newHelpers was 8.3 KB of sync.wasm's code; with the loop, 3.1 KB.
	fields := [...]*js.Value{&hs.open, &hs.begin, &hs.commit, &hs.abort, &hs.gather, &hs.page, &hs.keys,
		&hs.indexKeys, &hs.putAll, &hs.putKeyed, &hs.delAll, &hs.stringifyField, &hs.moveMarks,
		&hs.countPending, &hs.toOneRow, &hs.rekeyIndexes, &hs.putFramed, &hs.load, &hs.flush, &hs.mark,
		&hs.pendingPage, &hs.writeAhead, &hs.raiseWatermarks, &hs.pageRead, &hs.ixNames, &hs.syncIndexes,
		&hs.ixPage, &hs.ixCount, &hs.scan, &hs.ro, &hs.startReads, &hs.ackPlain, &hs.forgetAhead, &hs.aheadUp, &hs.pageCheck}
	for i, name := range strings.Fields(helperNames) {
		*fields[i] = h.Get(name)
	}
	return hs, nil
}

// helperNames are the helpers' names (helpers.js's H), in the order of newHelpers' fields.
const helperNames = "open begin commit abort gather page keys indexKeys putAll putKeyed delAll stringifyField " +
	"moveMarks countPending toOneRow rekeyIndexes putFramed load flush mark pendingPage writeAhead " +
	"raiseWatermarks pageRead ixNames syncIndexes ixPage ixCount scan ro startReads ackPlain forgetAhead aheadUp pageCheck"

// str returns s as a JS string, the one made in newHelpers when s is one of its names.
func (h *helpers) str(s string) js.Value {
	if v, ok := h.strs[s]; ok {
		return v
	}
	return js.ValueOf(s)
}

// list returns the JS array of store names, made once per distinct list.
func (h *helpers) list(stores []string) js.Value {
	key := strings.Join(stores, ",")
	h.mu.Lock()
	defer h.mu.Unlock()
	if v, ok := h.lists[key]; ok {
		return v
	}
	names := make([]any, len(stores))
	for i, s := range stores {
		names[i] = h.str(s)
	}
	v := js.ValueOf(names)
	h.lists[key] = v
	return v
}
