//go:build !js

package main

import (
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// wasmGzipBudget bounds sync.wasm as `make wasm` builds it, gzipped with compress/gzip at
// BestCompression (≈ 1% above `gzip -9`). Set ~1% above the 1,335,126 B measured after the
// size cuts (regexp, google/uuid + crypto/rand, net/url out). Raised to ~0.7% above the
// 1,355,740 B measured after the sync-path work (no new import; gzip -9: shared JSON scanner
// +2.1 KB, kinds pulled at once and pages fetched ahead +3.7 KB, run start reads +4.4 KB,
// cursors read with them +3.1 KB, hand-written /batch body +2.1 KB). Raised by 10 KB for the
// local-write work (no new import; gzip -9: pending count returned by the write +0.8 KB, write
// helpers taking stores from the transaction +4.7 KB, caller-made Promises for writes +0.7 KB,
// ops written framed +2.3 KB, putMany's array split +1.6 KB). Raised to ~0.5% above the
// 1,384,819 B measured after the push-path work (no new import; +9.8 KB in all: outbox ops and
// the write's read-back crossing framed instead of as JSON, marking in flight in one helper,
// the /batch answer splitter, the refetch list's read-modify-write). Raised to ~0.5% above
// the 1,403,403 B measured after the third session's work (no new import; gzip -9 +14.3 KB in
// all: the v3 outbox's marks and later stores and MarkInFlight by Seq +6.7 KB, first pages
// fetched ahead +4.5 KB, the shared token call +1.3 KB, fetch's init and headers as JSON and
// its host objects looked up once +1.4 KB, the rest +0.4 KB). Raised to ~0.5% above the
// 1,411,373 B measured after the fourth session's work (no new import; gzip -9 +7.6 KB in all:
// the write ahead and the stored outbox size +4.0 KB, a put resolved by its commit +3.6 KB).
// Raised to ~0.5% above the 1,421,819 B measured with the seed's knobs and events (no new
// import; gzip -9 +2.4 KB: per-kind callbacks, sync's options, per-op and merge events; the
// base before them measured 1,419,977 B here, already past the old budget).
// Then raised by 27.6 KB for local queries (issue 14; no new import: the query parser, matcher,
// orderer and the query/count/getMany methods are ~115 KB of wasm code, 27.4 KB gzip), then by
// 15 KB for the planner and idbstore's query indexes (walks, counts, the index schema step) and
// 7 KB for the one-call reads and the conditions and orders handed to the helpers.
// Then +13.6 KB for distrusting the server (issue 13, measured alone at 1,422,779 B; no new
// import; gzip -9 +13.6 KB in all: the fetch body read as a capped stream +1.5 KB, setAside()
// through the bridge +1.5 KB, the transport's bad items +1.4 KB, remembered ack versions +1.7 KB,
// page checks, the set-aside list, version order and refetch checks +7.5 KB).
// Together (session 5: seed answers learned with a GET, the seed's knobs, queries, distrusting the
// server) they measured 1,512,472 B; with the store kit, the direct query path and the Config
// without sentinels 1,526,746 B. Then +9.5 KB for one storekit.Store over each store's Backend
// (issue 17; no new import; 1,526,293 B → 1,535,755 B: the 21 Store methods written once in
// storekit, checking and calling the backend, plus the promoted methods of memstore's and
// idbstore's Store; embedding by value and the backends' own types not embedding their Store
// saved 8.4 KB of wrappers from the first cut). Issue 16 took encoding/json, fmt, reflect, os and
// encoding/binary out of the graph (internal/jsonv, core's and the bridge's hand-written codecs):
// alone, 1,526,746 B → 1,328,008 B, then 1,308,809 B with jsonv's per-field helpers not inlined,
// then 1,300,785 B with versions and HTTP dates parsed without time.Parse, then 1,293,905 B with
// keys folded and header names lowered without Unicode's case tables. Merged with
// the Backend, the typed helper arguments (setOn methods: reflect stays out) and the watermarks:
// 1,315,859 B. Then lowered (issue 16, the download row) to ~0.5% above the 1,268,131 B measured
// with our packages compiled without inlining (internal/ keeps it) and one generic sort instead
// of three. The test measures Go's output built with make wasm's flags; make wasm then runs
// binaryen's wasm-opt on it (another -0.7% gzip), which takes too long for a unit test.
// Raised once since (session 8): the one-row outbox layout (idbstore's pending rows, Seq clock,
// kept pending count), pull answers read apart from their requests (one page body in wasm
// memory) and the one-pass page check took it to 1,282,187 B; 1,280,137 B with the stable
// sort they brought replaced by sort.Slice (TestWasmOneSort now refuses it); argument
// structs passed by pointer (no type-equality functions) came out 1.9 KB larger, not smaller.
// Then the refetch's ApplyRefetched (a data fix) and the bridge's othersChanged: 1,281,737 B.
// Raised to 1,285,200 B for putMany's per-batch work (branch putmany2, measured 1,284,704 B; no
// new import: ops framed from core.Op with the 'd' flag, putMany resolved at its commit, the
// Seq clock read once per write; not split further by piece). Session 9 (no new import):
// small pull pages parsed as they come and idbstore's ahead lists +4.7 KB (a pull after a push
// reads none of its echoes); then the push work (branch pushfast; measured alone on 3b9b9e5's
// base): the /batch answer checked and cut in one pass +0.6 KB, looksLikeHTML without copies
// -1.0 KB (bytes.Contains gone from core/rest), an Ack's thin rows +2.0 KB, the start's thin
// outbox and one clock read per batch +0.6 KB: 1,290,612 B together. (Pages written ahead of
// their reads, +2.8 KB for 1.5% of a pull, were not kept: docs/DESIGN.md "Pull".)
// Then putMany's round three (branch putmany3, no new import; gzip -9 of each step):
// change events without records for unwatched kinds and no result after a commit-resolved
// write +1.5 KB, one pass to validate a record and read its id (jsonscan.ValidObjectMeta)
// +2.9 KB, large putMany's rows named by offsync.js's texts (idbstore.WithTexts) +1.9 KB:
// 1,296,703 B. Merged with session 10's other branches (the fetch Doer's one-step read of a
// known-length answer, JSON strings scanned eight bytes at a time): 1,297,268 B.
// Session 11 raised it twice, no new import either time:
//   - the push's allocations (branch pushev; 1,297,441 B before it, 1,299,910 B after): an
//     acknowledged record's metadata read as the answer is checked (jsonscan.ValidObjectMetaAt,
//     +2.5 KB raw), the ops' text read as bytes, an Ack's written records typed (ackWritesText),
//     the event pump's buffers reused: together a third less Go allocation per pushed op. Left
//     out for their size: bytes.Count (it brings bytes.Index, 1.2 KB gzip) and events queued in
//     shared runs (0.5 KB gzip for 5% of the push's allocation);
//   - putMany of large records (branch putmany4; 1,297,461 B before it, 1,299,876 B after): the
//     records cut and checked in one pass with the store told so (core.CutRecords,
//     LocalWrite.Checked and Owned) +1.9 KB with the text's one-copy crossing, encodeInto into a
//     buffer of about the right size +0.5 KB — a putMany of 2,000 large records allocates 15 MB
//     in Go instead of 90 and scans each record once.
//
// Merged (the two share ValidObjectMetaAt), and pushev's PayloadsChecked reverted: 1,302,545 B.
// One string-to-bytes Encoder for both (internal/jstext: idbstore's framed ops encoded with
// encodeInto too): 1,302,680 B.
// Session 12, the push's round four (branch pushjs, no new import): a plain ack settled in one
// helper call (idbstore ackPlain, H.ackPlain, storekit.PlainAck) and the ahead lists in chunks
// (schema v7, its upgrade step, H.forgetAhead), less the Ack's thin rows and the load's Seq hints
// they made dead: 1,304,051 B (+1.4 KB), for 3–16% of the small push phase. With the pull's
// round two merged beside it, 1,304,124 B. Then no copy of idbstore's helpers.js inside
// (-tags offsyncjs: offsync.js always gives the helpers): 1,288,055 B.
// Session 13's push claim (+3.5 KB) was paid back within it: 1,288,022 B.
// Session 14 raised it for a pulled page written while the one before commits (core.PageStarter,
// idbstore StartPage and H.pageCheck, the engine's started and finished pages; no new import):
// 1,287,990 B → 1,300,092 B (+12.1 KB), for an incremental pull ~5% faster and an initial pull
// ~2% (paired, docs/DESIGN.md "A pulled page is written while the one before commits"). Paying
// it back elsewhere was looked for and not found: the biggest remaining pieces are the runtime,
// time's godebug and bisect (through time) and our packages' own logic.
// Session 15 lowered it: sync.wasm is built with Go 1.27.3 (go.mod's toolchain line, which the
// Makefile exports and this test reads): 1,300,092 B → 1,251,439 B with no change to our code,
// read by Go 1.26's compress/gzip. Go 1.27's, which runs the test under make, packs the same file
// into 1,256,988 B: the budget is set for that one. Then built without two of the runtime's
// default experiments (the Makefile's WASM_GOEXPERIMENT: size-specialised malloc, the Green Tea
// collector): 1,236,384 B.
// Session 17 raised it for the push's first pass claiming its heads (core.HeadClaimer, storekit's
// heads claim in memstore and idbstore, idbstore's start read of totals, a push worker's panic
// caught; no new import): 1,236,033 B → 1,241,637 B (+5.6 KB; code +17 KB, the most in
// claimingPass, headClaims and storekit's ackAnd), after folding its claim with and without an
// ack into one method and dropping its defers; for a 10,000-op push's first request ~390 ms
// sooner (docs/DESIGN.md "The push's first pass claims its heads as it goes").
// Session 20 raised it for records crossing as UTF-8 (wasm textArg taking a Uint8Array through
// jstext's Text, which idbstore's copy of it now shares; put through textArg too): 1,241,963 B →
// 1,242,040 B (+77 B), for large putMany batches 12–17% faster and large puts up to 8% (paired).
// Session 22 raised it for the next pull page's request leaving before the page's writes, not
// after them (core's sendAhead, rest.Request.Left, the fetch Doer saying when fetch() was
// called; no new import): 1,242,040 B → 1,242,429 B (+389 B), for an initial pull over 40 ms
// of added latency 21–22% faster (paired; docs/DESIGN.md "Pull").
// Session 23 (not raised): a next page's first try that ends without leaving no longer holds
// the page before through the retries (core sendPage): 1,242,429 B → 1,242,462 B.
// Session 24 lowered it: a conflict's resolution rebuilds the entity's later ops in its own
// store transaction (storekit's rebuildLater, in place of core's rebaseLater and its marks),
// and three push fixes: 1,242,462 B → 1,242,247 B. Then raised for three fixes found by review
// (no new import): a Sync joins a running sync only when it covers the Sync's kinds and was not
// cancelled by its own caller (core run.joins), ids and op ids without NUL and op ids of at most
// 256 bytes (ValidID, ValidateOp): 1,242,247 B → 1,243,121 B (+874 B; joins ~+670 of it,
// measured by leaving each part out). Then for two merge fixes found by review: list items and
// merge sources compare numbers by value (jsonv.Equal), Discarded names only lost local fields:
// 1,243,121 B → 1,243,752 B. Then for the transport fixes of the same review (a JSON record
// holding "<html" is no portal page, Retry-After bounded, ids "." and ".." and op ids outside
// printable ASCII refused): 1,243,752 B → 1,244,341 B.
// Before raising it, find what the new import or code costs (wasm/deps_test.go lists what must
// stay out).
const wasmGzipBudget = 1_244_400

// TestWasmGzipSize builds sync.wasm as `make wasm` does and fails when it outgrows the budget.
func TestWasmGzipSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sync.wasm")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := filepath.Join(t.TempDir(), "sync.wasm")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", "offsyncjs", "-gcflags=github.com/offsync/offsync/...=-l",
		"-gcflags=github.com/offsync/offsync/internal/...=", "-ldflags=-s -w", "-o", out, ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm", "GOTOOLCHAIN="+lineValue(t, "../go.mod", "toolchain "),
		"GOEXPERIMENT="+lineValue(t, "../Makefile", "WASM_GOEXPERIMENT := "))
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", msg)

	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	n := gzipSize(t, raw)
	t.Logf("sync.wasm: %d B raw, %d B gzip (budget %d)", len(raw), n, wasmGzipBudget)
	require.LessOrEqual(t, n, wasmGzipBudget, "sync.wasm grew past its gzip budget")
}

// lineValue reads what follows prefix on a line of the file at path: go.mod's toolchain line and
// the Makefile's WASM_GOEXPERIMENT, the Go and the experiments `make wasm` builds with (the
// Makefile exports the toolchain), so that the budget holds for that build whichever Go runs the
// test.
func lineValue(t *testing.T, path, prefix string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("%s has no line starting %q", path, prefix)
	return ""
}

func gzipSize(t *testing.T, b []byte) int {
	t.Helper()
	var c countWriter
	w, err := gzip.NewWriterLevel(&c, gzip.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return int(c)
}

// countWriter counts the bytes written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
