//go:build js && wasm

package idbstore

import "syscall/js"

// A helper of helpers.js takes what it works on (a transaction, object store, index or
// connection) first, then ONE argument object, then cb when it reports: H.x(target, { a, b }, cb).
// Go builds that object from the helper's argument struct below, named for the helper (xArgs for
// H.x): its fields' js tags are the names the helper destructures, and TestHelperArgsAgree
// compares the two. Adding a helper: the function in helpers.js, its struct here, its row in
// the test's argTable. Per-record data stays in frames and JSON texts (one field each): a
// per-call object costs a few crossings, a per-record one would cost many. (A method per struct
// naming its helper cost 4 KB of gzipped wasm; the struct's name does it for free.)

// argStruct is a helper's argument struct: setOn sets one property of o per tagged field (a
// field tagged js:"" sets its own fields). The methods are written out, not reflected: reflect
// costs sync.wasm ~170 KB of code (issue 16); TestHelperArgsAgree checks they set the tags.
type argStruct interface{ setOn(o js.Value) }

// jsArgs is the JS object of a, a helper's argument struct.
// (ValueOf of an empty map makes it with syscall/js's cached Object constructor: one crossing.)
func jsArgs(a argStruct) js.Value {
	o := js.ValueOf(map[string]any{})
	a.setOn(o)
	return o
}

// invoke calls helper over target with a's object, and cb when given.
func invoke(helper, target js.Value, a argStruct, cb ...any) (js.Value, error) {
	return call(func() js.Value { return helper.Invoke(append([]any{target, jsArgs(a)}, cb...)...) })
}

// openArgs: H.open, a connection to database Name at Version (undefined: the current one);
// Upgrade runs in its versionchange.
type openArgs struct {
	Name    string   `js:"name"`
	Version js.Value `js:"version"`
	Upgrade js.Value `js:"upgrade"`
}

// beginArgs: H.begin, a transaction over Stores; Committed(Arg) runs at its completion when
// Committed is a function (WithCommitted).
type beginArgs struct {
	Stores     js.Value `js:"stores"`
	Mode       js.Value `js:"mode"`
	Durability js.Value `js:"durability"`
	Committed  js.Value `js:"committed"`
	Arg        js.Value `js:"arg"`
}

// gatherArgs: H.gather, src[Method](key) for every key of the JSON array Keys.
type gatherArgs struct {
	Method string `js:"method"`
	Keys   string `js:"keys"`
}

// loadArgs: H.load (load in entities.go). Query is loadQuery's JSON.
type loadArgs struct {
	Query      string `js:"query"`
	WithParked bool   `js:"withParked"`
}

// writeAheadArgs: H.writeAhead, Rec a framed record and Op its framed op (ahead.go), Texts
// the record texts a record flagged 't' names (undefined: none); with Parked, the op id is
// checked not parked; with Count, the pending ops are counted after the add.
type writeAheadArgs struct {
	Rec    string   `js:"rec"`
	Op     string   `js:"op"`
	Texts  js.Value `js:"texts"`
	Parked bool     `js:"parked"`
	Count  bool     `js:"count"`
}

// span is the range of a paged read: up to Count values from Lo (exclusive when LoOpen) to Hi
// (null: no bound).
type span struct {
	Lo     js.Value `js:"lo"`
	LoOpen bool     `js:"loOpen"`
	Hi     js.Value `js:"hi"`
	Count  int      `js:"count"`
}

// pageArgs: H.page, the values of Span, framed as records when Records.
type pageArgs struct {
	Span    span `js:""`
	Records bool `js:"records"`
}

// pendingPageArgs: H.pendingPage, the next rows with pending ops from Lo to Hi (pseqs, null:
// no bound; Hi exclusive with HiOpen), up to Count rows; At is kept across the pages of one
// span, State across a read's spans.
type pendingPageArgs struct {
	Lo     js.Value `js:"lo"`
	Hi     js.Value `js:"hi"`
	HiOpen bool     `js:"hiOpen"`
	Count  int      `js:"count"`
	At     js.Value `js:"at"`
	State  js.Value `js:"state"`
}

// flushArgs: H.flush, everything a transaction changed (flush in entities.go); "" where there
// is nothing of a kind, so the helper skips it.
type flushArgs struct {
	// Recs, Ops and Counts are the rows to put (frameRows): framed when Framed, else JSON.
	Recs   string `js:"recs"`
	Ops    string `js:"ops"`
	Counts string `js:"counts"`
	Framed bool   `js:"framed"`
	// Dels are the keys of rows to delete (JSON).
	Dels string `js:"dels"`
	// Unmarks and Marks are the op ids whose in-flight marks go or come (JSON).
	Unmarks string `js:"unmarks"`
	Marks   string `js:"marks"`
	// Count asks for the pending ops to be counted after the writes (tx.offsyncCount).
	Count bool `js:"count"`
	// Texts are the call's record texts a framed record may name (WithTexts; undefined: none).
	Texts js.Value `js:"texts"`
}

// putFramedArgs: H.putFramed, framed records (frame.go).
type putFramedArgs struct {
	Text string `js:"text"`
}

// putAllArgs: H.putAll, a JSON array of values.
type putAllArgs struct {
	Values string `js:"values"`
}

// putKeyedArgs: H.putKeyed, one value under an out-of-line key.
type putKeyedArgs struct {
	Key   any `js:"key"`
	Value any `js:"value"`
}

// delAllArgs: H.delAll, a JSON array of keys.
type delAllArgs struct {
	Keys string `js:"keys"`
}

// keysArgs: H.keys, the primary keys of Span.
type keysArgs struct {
	Span span `js:""`
}

// indexKeysArgs: H.indexKeys, the distinct index keys from Lo to Hi.
type indexKeysArgs struct {
	Lo js.Value `js:"lo"`
	Hi js.Value `js:"hi"`
}

// markArgs: H.mark, the pending ops with IDs (JSON; none marked yet) to mark in flight.
type markArgs struct {
	IDs string `js:"ids"`
}

// stringifyFieldArgs: H.stringifyField, store Name's Field as JSON text (upgrade v1 → v2).
type stringifyFieldArgs struct {
	Name  string `js:"name"`
	Field string `js:"field"`
}

// raiseWatermarksArgs: H.raiseWatermarks, Pairs the JSON [[kind, watermark]...] to raise to,
// Written the JSON [[kind, id, watermark, version]...] of the records written past the cursor.
type raiseWatermarksArgs struct {
	Pairs   string `js:"pairs"`
	Written string `js:"written"`
}

// forgetAheadArgs: H.forgetAhead, the JSON list of the Kinds whose ahead lists go.
type forgetAheadArgs struct {
	Kinds string `js:"kinds"`
}

// ackPlainArgs: H.ackPlain, the acks an Ack may settle without Go (ackPlain in outbox.go):
// Recs their records framed (frame.go, a line each), IDs their op ids and Seqs those ops' Seqs
// (JSON lists, in the same order).
type ackPlainArgs struct {
	Recs string `js:"recs"`
	IDs  string `js:"ids"`
	Seqs string `js:"seqs"`
}

// pageReadArgs: H.pageRead, what ApplyPage decides kind's page with: the items' IDs and their
// versions' Micros (JSON lists, versionMicros).
type pageReadArgs struct {
	Kind   string `js:"kind"`
	IDs    string `js:"ids"`
	Micros string `js:"micros"`
}

// pageCheckArgs: H.pageCheck, what a page started on a guess (StartPage) checks: the nonce
// Page of the page written before it, the items' IDs and those of them guessed Pending (JSON
// lists).
type pageCheckArgs struct {
	Kind    string `js:"kind"`
	Page    string `js:"page"`
	IDs     string `js:"ids"`
	Pending string `js:"pend"`
}

// syncIndexesArgs: H.syncIndexes, Want the query indexes' JSON [[kind, fields]...].
type syncIndexesArgs struct {
	Want js.Value `js:"want"`
}

// startReadsArgs: H.startReads, a sync run's start: the meta value at Key, the cursors of
// Kinds (JSON), the outbox's first Count ops.
type startReadsArgs struct {
	Key   string `js:"key"`
	Kinds string `js:"kinds"`
	Count int    `js:"count"`
}

// roArgs: H.ro, the reader Helper (taking its source, Args and cb) over a new readonly
// transaction's records store, or its index named Index ("": the store).
type roArgs struct {
	Index  string   `js:"index"`
	Helper js.Value `js:"helper"`
	Args   js.Value `js:"args"`
}

// ixBounds is a query index's range: Lo and Hi as their key parts' JSON text (query.go
// keyRange) or as a walk's batch reported them (keys), null for no bound.
type ixBounds struct {
	Lo     js.Value `js:"lo"`
	LoOpen bool     `js:"loOpen"`
	Hi     js.Value `js:"hi"`
	HiOpen bool     `js:"hiOpen"`
}

// ixPageArgs: H.ixPage, a batch of a walk over Bounds (Desc, N, Head: helpers.js ixPage);
// Conds the conditions left to check (residualJSON: JSON text or null).
type ixPageArgs struct {
	Bounds ixBounds `js:""`
	Desc   bool     `js:"desc"`
	N      int      `js:"n"`
	Head   bool     `js:"head"`
	Conds  js.Value `js:"conds"`
}

// ixCountArgs: H.ixCount, the entries of Bounds.
type ixCountArgs struct {
	Bounds ixBounds `js:""`
}

// ixQueryArgs: H.ixQuery, a query's one read as Direct plans it (query.js planIndexRead makes
// the same object in JS): ixPage's read, then Conds (an array or null), Order ([[path,
// desc]...]) and the window.
type ixQueryArgs struct {
	Bounds ixBounds `js:""`
	Desc   bool     `js:"desc"`
	N      int      `js:"n"`
	Head   bool     `js:"head"`
	Conds  js.Value `js:"conds"`
	Order  js.Value `js:"order"`
	Offset int      `js:"offset"`
	Limit  int      `js:"limit"`
}

// scanArgs: H.scan, kind's live records that match Conds (residualJSON), with Take > 0 the
// first Take in Order's order (JSON [[path, desc]...]).
type scanArgs struct {
	Kind  string   `js:"kind"`
	Conds js.Value `js:"conds"`
	Order string   `js:"order"`
	Take  int      `js:"take"`
}

func (a openArgs) setOn(o js.Value) {
	o.Set("name", a.Name)
	o.Set("version", a.Version)
	o.Set("upgrade", a.Upgrade)
}

func (a beginArgs) setOn(o js.Value) {
	o.Set("stores", a.Stores)
	o.Set("mode", a.Mode)
	o.Set("durability", a.Durability)
	o.Set("committed", a.Committed)
	o.Set("arg", a.Arg)
}

func (a gatherArgs) setOn(o js.Value) {
	o.Set("method", a.Method)
	o.Set("keys", a.Keys)
}

func (a loadArgs) setOn(o js.Value) {
	o.Set("query", a.Query)
	o.Set("withParked", a.WithParked)
}

func (a writeAheadArgs) setOn(o js.Value) {
	o.Set("rec", a.Rec)
	o.Set("op", a.Op)
	o.Set("texts", a.Texts)
	o.Set("parked", a.Parked)
	o.Set("count", a.Count)
}

func (a span) setOn(o js.Value) {
	o.Set("lo", a.Lo)
	o.Set("loOpen", a.LoOpen)
	o.Set("hi", a.Hi)
	o.Set("count", a.Count)
}

func (a pageArgs) setOn(o js.Value) {
	a.Span.setOn(o)
	o.Set("records", a.Records)
}

func (a pendingPageArgs) setOn(o js.Value) {
	o.Set("lo", a.Lo)
	o.Set("hi", a.Hi)
	o.Set("hiOpen", a.HiOpen)
	o.Set("count", a.Count)
	o.Set("at", a.At)
	o.Set("state", a.State)
}

func (a flushArgs) setOn(o js.Value) {
	o.Set("recs", a.Recs)
	o.Set("ops", a.Ops)
	o.Set("counts", a.Counts)
	o.Set("framed", a.Framed)
	o.Set("dels", a.Dels)
	o.Set("unmarks", a.Unmarks)
	o.Set("marks", a.Marks)
	o.Set("count", a.Count)
	o.Set("texts", a.Texts)
}

func (a putFramedArgs) setOn(o js.Value) {
	o.Set("text", a.Text)
}

func (a putAllArgs) setOn(o js.Value) {
	o.Set("values", a.Values)
}

func (a putKeyedArgs) setOn(o js.Value) {
	o.Set("key", a.Key)
	o.Set("value", a.Value)
}

func (a delAllArgs) setOn(o js.Value) {
	o.Set("keys", a.Keys)
}

func (a keysArgs) setOn(o js.Value) {
	a.Span.setOn(o)
}

func (a indexKeysArgs) setOn(o js.Value) {
	o.Set("lo", a.Lo)
	o.Set("hi", a.Hi)
}

func (a markArgs) setOn(o js.Value) {
	o.Set("ids", a.IDs)
}

func (a stringifyFieldArgs) setOn(o js.Value) {
	o.Set("name", a.Name)
	o.Set("field", a.Field)
}

func (a forgetAheadArgs) setOn(o js.Value) { o.Set("kinds", a.Kinds) }

func (a ackPlainArgs) setOn(o js.Value) {
	o.Set("recs", a.Recs)
	o.Set("ids", a.IDs)
	o.Set("seqs", a.Seqs)
}

func (a raiseWatermarksArgs) setOn(o js.Value) {
	o.Set("pairs", a.Pairs)
	o.Set("written", a.Written)
}

func (a pageReadArgs) setOn(o js.Value) {
	o.Set("kind", a.Kind)
	o.Set("ids", a.IDs)
	o.Set("micros", a.Micros)
}

func (a pageCheckArgs) setOn(o js.Value) {
	o.Set("kind", a.Kind)
	o.Set("page", a.Page)
	o.Set("ids", a.IDs)
	o.Set("pend", a.Pending)
}

func (a syncIndexesArgs) setOn(o js.Value) {
	o.Set("want", a.Want)
}

func (a startReadsArgs) setOn(o js.Value) {
	o.Set("key", a.Key)
	o.Set("kinds", a.Kinds)
	o.Set("count", a.Count)
}

func (a roArgs) setOn(o js.Value) {
	o.Set("index", a.Index)
	o.Set("helper", a.Helper)
	o.Set("args", a.Args)
}

func (a ixBounds) setOn(o js.Value) {
	o.Set("lo", a.Lo)
	o.Set("loOpen", a.LoOpen)
	o.Set("hi", a.Hi)
	o.Set("hiOpen", a.HiOpen)
}

func (a ixPageArgs) setOn(o js.Value) {
	a.Bounds.setOn(o)
	o.Set("desc", a.Desc)
	o.Set("n", a.N)
	o.Set("head", a.Head)
	o.Set("conds", a.Conds)
}

func (a ixCountArgs) setOn(o js.Value) {
	a.Bounds.setOn(o)
}

func (a ixQueryArgs) setOn(o js.Value) {
	a.Bounds.setOn(o)
	o.Set("desc", a.Desc)
	o.Set("n", a.N)
	o.Set("head", a.Head)
	o.Set("conds", a.Conds)
	o.Set("order", a.Order)
	o.Set("offset", a.Offset)
	o.Set("limit", a.Limit)
}

func (a scanArgs) setOn(o js.Value) {
	o.Set("kind", a.Kind)
	o.Set("conds", a.Conds)
	o.Set("order", a.Order)
	o.Set("take", a.Take)
}
