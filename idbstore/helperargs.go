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

// loadArgs: H.load (load in entities.go). Query is loadQuery's JSON; Need the JSON key
// positions whose records to read, or null for all.
type loadArgs struct {
	Query      string   `js:"query"`
	WithParked bool     `js:"withParked"`
	Count      bool     `js:"count"`
	Need       js.Value `js:"need"`
}

// loadAckArgs: H.loadAck (loadForAck in entities.go); Seqs the acked ops' seqs per key (JSON).
type loadAckArgs struct {
	Query string   `js:"query"`
	Need  js.Value `js:"need"`
	Seqs  string   `js:"seqs"`
}

// writeAheadArgs: H.writeAhead, Text a framed record and op (ahead.go); with Parked, the op id
// is checked not parked.
type writeAheadArgs struct {
	Text   string `js:"text"`
	Parked bool   `js:"parked"`
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

// opsPageArgs: H.opsPage, page for outbox ops; State is kept across the pages of one read.
type opsPageArgs struct {
	Span  span     `js:""`
	State js.Value `js:"state"`
}

// flushArgs: H.flush, everything a transaction changed (flush in entities.go); "" where there
// is nothing of a kind, so the helper skips it.
type flushArgs struct {
	// Framed are the records framed (frame.go), Recs them as JSON when they cannot be.
	Framed string `js:"framed"`
	Recs   string `js:"recs"`
	// Dels are the Seqs of outbox ops to delete (JSON).
	Dels string `js:"dels"`
	// Puts are outbox op values to put, framed (opframe_put.go) when PutsFramed, else JSON.
	Puts       string `js:"puts"`
	PutsFramed bool   `js:"putsFramed"`
	// Unmarks and Marks are the Seqs whose in-flight marks go or come (JSON).
	Unmarks string `js:"unmarks"`
	Marks   string `js:"marks"`
	// Later and NotLater are the entity keys stLater gains or loses (JSON).
	Later    string `js:"flags"`
	NotLater string `js:"unflags"`
	// Pending is the outbox's size to store, -1 when unchanged.
	Pending int `js:"pending"`
}

// pager is a paged helper's arguments (pageArgs, opsPageArgs), set by at for each page; lo
// is where the first page starts.
type pager interface {
	at(lo js.Value, loOpen bool, count int) argStruct
	lo() js.Value
}

func (a pageArgs) lo() js.Value    { return a.Span.Lo }
func (a opsPageArgs) lo() js.Value { return a.Span.Lo }

func (a pageArgs) at(lo js.Value, loOpen bool, count int) argStruct {
	a.Span.Lo, a.Span.LoOpen, a.Span.Count = lo, loOpen, count
	return a
}

func (a opsPageArgs) at(lo js.Value, loOpen bool, count int) argStruct {
	a.Span.Lo, a.Span.LoOpen, a.Span.Count = lo, loOpen, count
	return a
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

// addAllArgs: H.addAll, a JSON array of values added in order.
type addAllArgs struct {
	Values string `js:"values"`
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

// markArgs: H.mark, the outbox ops at Seqs (JSON; none marked yet) to mark in flight.
type markArgs struct {
	Seqs string `js:"seqs"`
}

// dropOpsArgs: H.dropOps, the outbox ops at Seqs (JSON).
type dropOpsArgs struct {
	Seqs string `js:"seqs"`
}

// stringifyFieldArgs: H.stringifyField, store Name's Field as JSON text (upgrade v1 → v2).
type stringifyFieldArgs struct {
	Name  string `js:"name"`
	Field string `js:"field"`
}

// raiseWatermarksArgs: H.raiseWatermarks, Pairs the JSON [[kind, watermark]...] to raise to.
type raiseWatermarksArgs struct {
	Pairs string `js:"pairs"`
}

// versionsArgs: H.versions, the stored versions of the records at Keys (JSON).
type versionsArgs struct {
	Keys string `js:"keys"`
}

// pageStateArgs: H.pageState, what ApplyPage decides kind's page with.
type pageStateArgs struct {
	Kind string `js:"kind"`
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
	o.Set("count", a.Count)
	o.Set("need", a.Need)
}

func (a loadAckArgs) setOn(o js.Value) {
	o.Set("query", a.Query)
	o.Set("need", a.Need)
	o.Set("seqs", a.Seqs)
}

func (a writeAheadArgs) setOn(o js.Value) {
	o.Set("text", a.Text)
	o.Set("parked", a.Parked)
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

func (a opsPageArgs) setOn(o js.Value) {
	a.Span.setOn(o)
	o.Set("state", a.State)
}

func (a flushArgs) setOn(o js.Value) {
	o.Set("framed", a.Framed)
	o.Set("recs", a.Recs)
	o.Set("dels", a.Dels)
	o.Set("puts", a.Puts)
	o.Set("putsFramed", a.PutsFramed)
	o.Set("unmarks", a.Unmarks)
	o.Set("marks", a.Marks)
	o.Set("flags", a.Later)
	o.Set("unflags", a.NotLater)
	o.Set("pending", a.Pending)
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

func (a addAllArgs) setOn(o js.Value) {
	o.Set("values", a.Values)
}

func (a keysArgs) setOn(o js.Value) {
	a.Span.setOn(o)
}

func (a indexKeysArgs) setOn(o js.Value) {
	o.Set("lo", a.Lo)
	o.Set("hi", a.Hi)
}

func (a markArgs) setOn(o js.Value) {
	o.Set("seqs", a.Seqs)
}

func (a dropOpsArgs) setOn(o js.Value) {
	o.Set("seqs", a.Seqs)
}

func (a stringifyFieldArgs) setOn(o js.Value) {
	o.Set("name", a.Name)
	o.Set("field", a.Field)
}

func (a raiseWatermarksArgs) setOn(o js.Value) {
	o.Set("pairs", a.Pairs)
}

func (a versionsArgs) setOn(o js.Value) {
	o.Set("keys", a.Keys)
}

func (a pageStateArgs) setOn(o js.Value) {
	o.Set("kind", a.Kind)
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
