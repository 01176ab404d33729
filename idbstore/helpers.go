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
	text                                            jstext.Encoder // bytes

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
	return &helpers{
		open: h.Get("open"), begin: h.Get("begin"), commit: h.Get("commit"), abort: h.Get("abort"),
		gather: h.Get("gather"), page: h.Get("page"), keys: h.Get("keys"), indexKeys: h.Get("indexKeys"),
		putAll: h.Get("putAll"), putKeyed: h.Get("putKeyed"), delAll: h.Get("delAll"),
		stringifyField: h.Get("stringifyField"), putFramed: h.Get("putFramed"),
		load: h.Get("load"), flush: h.Get("flush"),
		strs: strs, lists: map[string]js.Value{},
		mark: h.Get("mark"), pendingPage: h.Get("pendingPage"), moveMarks: h.Get("moveMarks"),
		countPending: h.Get("countPending"), toOneRow: h.Get("toOneRow"), writeAhead: h.Get("writeAhead"),
		ixNames: h.Get("ixNames"), syncIndexes: h.Get("syncIndexes"), ixPage: h.Get("ixPage"), ixCount: h.Get("ixCount"),
		scan: h.Get("scan"), ro: h.Get("ro"), raiseWatermarks: h.Get("raiseWatermarks"),
		pageRead: h.Get("pageRead"), startReads: h.Get("startReads"), ackPlain: h.Get("ackPlain"),
		forgetAhead: h.Get("forgetAhead"), aheadUp: h.Get("aheadUp"), rekeyIndexes: h.Get("rekeyIndexes"),
		text: jstext.NewEncoder(),
	}, nil
}

// bytes is the JS string v as UTF-8 in one Go allocation and copy (jstext): Value.String
// copies the bytes twice (into a []byte, then a string of it), and a reader of framed ops needs
// them as bytes, a third copy. For the ops of a push, those copies were a tenth of its Go
// allocation.
func (h *helpers) bytes(v js.Value) []byte { return h.text.Bytes(v) }

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
