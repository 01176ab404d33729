package main

import (
	"context"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
	"github.com/offsync/offsync/idbstore"
	"github.com/offsync/offsync/internal/jstext"
)

// client is one open database: an Engine over its Store and the fetch transport. JS reaches
// it through a single dispatcher function, call(method, ...args) → Promise, released on close.
type client struct {
	eng      *core.Engine
	store    core.Store
	ctx      context.Context
	cancel   context.CancelFunc
	closed   atomic.Bool
	call     js.Func
	callTo   js.Func
	direct   js.Func
	pumpDone chan struct{}
	// jobs hands a callTo's work to an idle worker; idle counts the workers waiting.
	jobs chan func()
	idle atomic.Int32
	// watched: the kinds with live queries in offsync.js (watched_js_wasm.go).
	watched *watchedKinds
	// encoder is textArg's.
	encoder jstext.Encoder
}

// maxIdleWorkers bounds the goroutines kept waiting for callTo's work: a reused goroutine keeps
// its grown stack (a new one per call grows it again), and a burst of concurrent calls does
// not leave as many goroutines behind (wasm memory never shrinks).
const maxIdleWorkers = 4

// method decodes a call's arguments into its work.
type method = func([]js.Value) (work, error)

// storeOpenTimeout bounds opening the local store.
const storeOpenTimeout = 30 * time.Second

// work is a method's job, built from its decoded arguments and run in a goroutine.
type work = func() (any, error)

// openFunc is api.open(optionsJSON, callbacks): callbacks holds the adapters of offsync.js
// (token, merge, resolve: JSON in, JSON out, async allowed; kindMerge and kindResolve: objects
// of such adapters per kind, from tableConflictConfigs), events(batchJSON), idbHelpers,
// idbstore's JavaScript half as offsync.js imported it (see idbstore.Options.Helpers), and
// fetchHelper, the fetch Doer's (fetch.js, exported by wasm_exec.js).
func openFunc(_ js.Value, args []js.Value) any {
	s, err := stringArg(args, 0, "open options")
	if err != nil {
		return rejected(err)
	}
	cbs := arg(args, 1)
	if cbs.Type() != js.TypeObject {
		cbs = js.Global().Get("Object").New()
	}
	fns := map[string]js.Value{}
	for _, name := range []string{"token", "merge", "resolve", "events"} {
		if f := cbs.Get(name); f.Type() == js.TypeFunction {
			fns[name] = f
		}
	}
	helpers := cbs.Get("idbHelpers")
	perKind := map[string]map[string]js.Value{"merge": kindFuncs(cbs.Get("kindMerge")), "resolve": kindFuncs(cbs.Get("kindResolve"))}
	fetcher := cbs.Get("fetchHelper")
	return promise(func() (any, error) { return openClient(s, fns, perKind, helpers, fetcher) })
}

// kindFuncs reads an object of per-kind adapter functions; other values are skipped.
func kindFuncs(obj js.Value) map[string]js.Value {
	out := map[string]js.Value{}
	if obj.Type() != js.TypeObject {
		return out
	}
	keys := js.Global().Get("Object").Call("keys", obj)
	for i := range keys.Length() {
		k := keys.Index(i).String()
		if f := obj.Get(k); f.Type() == js.TypeFunction {
			out[k] = f
		}
	}
	return out
}

func openClient(s string, fns map[string]js.Value, perKind map[string]map[string]js.Value, idbHelpers, fetchHelper js.Value) (any, error) {
	o, err := parseOptions(s)
	if err != nil {
		return nil, err
	}
	cfg := o.engineConfig()
	doer, err := newFetchDoer(o.requestTimeout(), fetchHelper)
	if err != nil {
		return nil, err
	}
	tc := rest.Config{BaseURL: o.BaseURL, Doer: doer, UserAgent: o.UserAgent}
	if f, ok := fns["token"]; ok {
		tc.Token = tokenFunc(f)
	}
	if cfg.Transport, err = rest.New(tc); err != nil {
		return nil, err
	}
	if f, ok := fns["merge"]; ok {
		cfg.MergeFunc = mergeFunc(f)
	}
	if f, ok := fns["resolve"]; ok {
		cfg.Resolver = resolverFunc(f)
	}
	cfg.KindMergeFuncs = map[string]core.MergeFunc{}
	for k, f := range perKind["merge"] {
		cfg.KindMergeFuncs[k] = mergeFunc(f)
	}
	cfg.KindResolvers = map[string]core.Resolver{}
	for k, f := range perKind["resolve"] {
		cfg.KindResolvers[k] = resolverFunc(f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// A first IndexedDB open can hang (another tab blocking an upgrade, Safari): bound it.
	octx, ocancel := context.WithTimeout(ctx, storeOpenTimeout)
	cfg.Store, err = openStore(octx, o, idbHelpers)
	ocancel()
	if err != nil {
		cancel()
		return nil, err
	}
	eng, err := core.New(cfg)
	if err != nil {
		cancel()
		cfg.Store.Close()
		return nil, err
	}
	c := &client{eng: eng, store: cfg.Store, ctx: ctx, cancel: cancel, pumpDone: make(chan struct{}), jobs: make(chan func()), watched: &watchedKinds{},
		encoder: jstext.NewEncoder()}
	if f, ok := fns["events"]; ok {
		ch, _ := eng.Subscribe()
		go pump(ch, f, c.pumpDone, c.watched)
	} else {
		close(c.pumpDone)
	}
	c.call = js.FuncOf(c.dispatch)
	c.callTo = js.FuncOf(c.dispatchTo)
	obj := js.Global().Get("Object").New()
	obj.Set("call", c.call)
	obj.Set("callTo", c.callTo)
	c.direct = js.FuncOf(c.planDirect)
	obj.Set("direct", c.direct)
	return obj, nil
}

// dispatch decodes call(method, ...args) synchronously and runs the work in a goroutine.
func (c *client) dispatch(_ js.Value, args []js.Value) any {
	w, err := c.decode(args, js.Undefined())
	if err != nil {
		return rejected(err)
	}
	return promise(w)
}

// dispatchTo is callTo(resolve, reject, method, ...args): call for a Promise made by the
// caller (offsync.js), which saves the JS→Go call of a Promise executor made here, and runs
// the work on a reused goroutine when one is idle.
func (c *client) dispatchTo(_ js.Value, args []js.Value) any {
	resolve, reject := arg(args, 0), arg(args, 1)
	if resolve.Type() != js.TypeFunction || reject.Type() != js.TypeFunction {
		return jsError(core.Errorf(core.CodeInvalid, "callTo", "resolve and reject must be functions"))
	}
	var rest []js.Value
	if len(args) > 2 {
		rest = args[2:]
	}
	w, err := c.decode(rest, resolve)
	if err != nil {
		reject.Invoke(jsError(err))
		return nil
	}
	job := func() { settle(w, resolve, reject) }
	select {
	case c.jobs <- job:
	default:
		go c.worker(job)
	}
	return nil
}

// worker runs job, then waits for more while fewer than maxIdleWorkers wait.
func (c *client) worker(job func()) {
	for {
		job()
		if c.idle.Add(1) > maxIdleWorkers {
			c.idle.Add(-1)
			return
		}
		select {
		case job = <-c.jobs:
			c.idle.Add(-1)
		case <-c.ctx.Done():
			c.idle.Add(-1)
			return
		}
	}
}

// decode checks a call's method and decodes its arguments (args[0] is the method's name).
// With resolve (callTo), a put's or putMany's Promise is resolved by the store when its write
// commits (idbstore.WithCommitted, a no-op for other stores); settling it again later changes
// nothing.
func (c *client) decode(args []js.Value, resolve js.Value) (work, error) {
	name, err := stringArg(args, 0, "method")
	if err != nil {
		return nil, err
	}
	m := c.method(name)
	if m == nil {
		return nil, core.Errorf(core.CodeInvalid, name, "unknown method")
	}
	if resolve.Type() == js.TypeFunction {
		switch name {
		case "put":
			m = func(a []js.Value) (work, error) {
				// a[1] is the record's JSON text or its UTF-8: what the stored record's data will be,
				// byte for byte.
				return c.putIn(idbstore.WithCommitted(c.ctx, resolve, arg(a, 1)), c.hooked(), a)
			}
		case "putMany":
			m = func(a []js.Value) (work, error) { return c.putManyIn(resolve, a) }
		}
	}
	if c.closed.Load() {
		return nil, core.Errorf(core.CodeClosed, name, "the database is closed")
	}
	return decodeSafely(m, args[1:])
}

func decodeSafely(m method, args []js.Value) (w work, err error) {
	defer func() {
		if r := recover(); r != nil {
			w, err = nil, core.Wrap(core.CodeInvalid, "arguments", panicError(r))
		}
	}()
	return m(args)
}

// method returns the bridge's method called name, nil for none. A switch: the function that
// built a map of them at open was 11.2 KB of sync.wasm's code, this one is 8.1 KB, and the file
// came out 4.5 KB smaller (docs/DESIGN.md "sync.wasm's size").
func (c *client) method(name string) method {
	switch name {
	case "put":
		return c.put
	case "putMany":
		return c.putMany
	case "delete":
		return c.del
	case "get":
		return c.get
	case "list":
		return c.list
	case "query":
		return c.query
	case "count":
		return c.count
	case "getMany":
		return c.getMany
	case "enqueue":
		return c.enqueue
	case "sync":
		return c.sync
	case "fullResync":
		return c.fullResync
	case "pendingCount":
		return c.noArgs(func(ctx context.Context) (any, error) { return c.eng.PendingCount(ctx) })
	case "conflicts":
		return c.noArgs(func(ctx context.Context) (any, error) { return encode(c.eng.Conflicts(ctx)) })
	case "outbox":
		return c.noArgs(func(ctx context.Context) (any, error) { return encode(c.eng.Outbox(ctx)) })
	case "cursors":
		return c.noArgs(func(ctx context.Context) (any, error) { return encode(c.eng.Cursors(ctx)) })
	case "parked":
		return c.noArgs(func(ctx context.Context) (any, error) { return encode(c.eng.Parked(ctx)) })
	case "setAside":
		return c.noArgs(func(ctx context.Context) (any, error) { return encode(c.eng.SetAside(ctx)) })
	case "status":
		return c.noArgs(func(ctx context.Context) (any, error) { return encode(c.eng.Status(ctx)) })
	case "resolveConflict":
		return c.resolveConflict
	case "retryParked":
		return c.idsMethod(c.eng.RetryParked)
	case "dropParked":
		return c.idsMethod(c.eng.DropParked)
	case "close":
		return c.close
	case "othersChanged":
		return c.noArgs(c.othersChanged)
	case "watching":
		return c.watching
	}
	return nil
}

// encode turns a (value, error) pair into a JSON string result.
func encode[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return marshal(v)
}

// othersChanged: offsync.js heard another tab's change message. idbstore keeps the pending
// count between its own counts (docs/DESIGN.md "The pending count") and must count again.
func (c *client) othersChanged(context.Context) (any, error) {
	if s, ok := c.store.(*idbstore.Store); ok {
		s.OthersChanged()
	}
	return nil, nil
}

func (c *client) noArgs(f func(ctx context.Context) (any, error)) method {
	return func([]js.Value) (work, error) { return func() (any, error) { return f(c.ctx) }, nil }
}

func (c *client) put(args []js.Value) (work, error) { return c.putIn(c.ctx, false, args) }

// hooked reports whether the store calls a local write's WithCommitted hook (idbstore; other
// stores have no commit to wait for): a write made with one that succeeded has then resolved
// its Promise already, and its result need not cross to JavaScript again.
func (c *client) hooked() bool {
	_, ok := c.store.(*idbstore.Store)
	return ok
}

// putTextMin is the size (bytes of JSON) from which a put's row takes its data from the record's
// JS string (idbstore.WithTexts): putMany's threshold (offsync.js RECORD_TEXTS_MIN), below which
// the texts cost as much as they saved (docs/DESIGN.md, putMany's texts). offsync.js
// PUT_UTF8_MIN follows from it.
const putTextMin = 1024

// putIn is put with the work's context; resolved: ctx's hook resolves the Promise (hooked).
func (c *client) putIn(ctx context.Context, resolved bool, args []js.Value) (work, error) {
	kind, err := stringArg(args, 0, "put kind")
	if err != nil {
		return nil, err
	}
	data, err := textArg(c.encoder, args, 1, "put record")
	if err != nil {
		return nil, err
	}
	if texts := arg(args, 3); resolved && len(data) >= putTextMin && texts.Type() == js.TypeObject {
		// The stored row's data is taken from the record's JS string (idbstore.WithTexts) instead
		// of crossing back from Go: args[3], [{text, utf8}], which offsync.js sends with a record
		// it sends as UTF-8 (every one whose UTF-8 may be this long).
		ctx = idbstore.WithTexts(ctx, texts, 1)
	}
	var opts core.PutOptions
	// args[2] is the changedFields JSON: absent → derived, null → all fields, array → those.
	if v := arg(args, 2); v.Type() != js.TypeUndefined {
		opts.ChangedGiven = true
		if _, err := jsonArg(args, 2, "put changedFields", &opts.ChangedFields); err != nil {
			return nil, err
		}
	}
	return func() (any, error) {
		rec, err := c.eng.Put(ctx, kind, core.RawJSON(data), opts)
		if err != nil || resolved {
			return nil, err
		}
		return string(rec.Data), nil
	}, nil
}

func (c *client) putMany(args []js.Value) (work, error) { return c.putManyIn(js.Undefined(), args) }

// putManyIn is putMany; with resolve (a function), the store resolves the Promise when the
// write commits, with the records' text as given (a string, or its UTF-8 in a Uint8Array, for
// which offsync.js parses the items' texts) when that is the result the call would give: the
// stored records are the items byte for byte, so when the text holds nothing but them
// (JSON.stringify's, as offsync.js sends) it is recordsJSON of them.
func (c *client) putManyIn(resolve js.Value, args []js.Value) (work, error) {
	kind, err := stringArg(args, 0, "putMany kind")
	if err != nil {
		return nil, err
	}
	if v := arg(args, 1); v.Type() == js.TypeUndefined || v.Type() == js.TypeNull {
		return nil, orMissing(nil, "putMany records")
	}
	text, err := textArg(c.encoder, args, 1, "putMany records")
	if err != nil {
		return nil, err
	}
	// The records are cut from text and checked in one pass, and handed over: text is this
	// call's own copy, which nothing writes to (core.CutRecords, Engine.PutManyGiven).
	recs, err := core.CutRecords(text)
	if err != nil {
		return nil, err
	}
	items := recs.Items()
	ctx, resolved := c.ctx, false
	if resolve.Type() == js.TypeFunction && len(items) > 0 && isJSONList(len(text), items) {
		ctx, resolved = idbstore.WithCommitted(ctx, resolve, arg(args, 1)), c.hooked()
		// args[2], from offsync.js: the items' texts, the array text joins, with their UTF-8
		// (idbstore.WithTexts).
		if parts := arg(args, 2); parts.Type() == js.TypeObject && parts.Length() == len(items) {
			ctx = idbstore.WithTexts(ctx, parts, len(items))
		}
	}
	return func() (any, error) {
		stored, err := c.eng.PutManyGiven(ctx, kind, recs)
		if err != nil || resolved {
			return nil, err
		}
		return recordsJSON(stored), nil
	}, nil
}

func (c *client) del(args []js.Value) (work, error) {
	kind, id, err := kindID(args, "delete")
	if err != nil {
		return nil, err
	}
	return func() (any, error) { return nil, c.eng.Delete(c.ctx, kind, id) }, nil
}

func (c *client) get(args []js.Value) (work, error) {
	kind, id, err := kindID(args, "get")
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		rec, ok, err := c.eng.Get(c.ctx, kind, id)
		if err != nil || !ok {
			return js.Undefined(), err
		}
		return string(rec.Data), nil
	}, nil
}

func (c *client) list(args []js.Value) (work, error) {
	kind, err := stringArg(args, 0, "list kind")
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		recs, err := c.eng.List(c.ctx, kind)
		if err != nil {
			return nil, err
		}
		return recordsJSON(recs), nil
	}, nil
}

func (c *client) enqueue(args []js.Value) (work, error) {
	var op core.Op
	if ok, err := jsonArg(args, 0, "enqueue op", &op); err != nil || !ok {
		return nil, orMissing(err, "enqueue op")
	}
	// The store owns these fields; an app cannot set them.
	op.Seq, op.InFlight, op.Attempt = 0, false, 0
	return func() (any, error) { return encode(c.eng.Enqueue(c.ctx, op)) }, nil
}

// sync(optionsJSON?, signal?) → stats JSON. An aborted AbortSignal cancels the run's context.
func (c *client) sync(args []js.Value) (work, error) {
	var a syncArgs
	if _, err := jsonArg(args, 0, "sync options", &a); err != nil {
		return nil, err
	}
	opts := core.SyncOptions{Kinds: a.Kinds, PushKinds: a.PushKinds, PullKinds: a.PullKinds}
	signal := arg(args, 1)
	return c.withSignal(signal, func(ctx context.Context) (core.Stats, error) { return c.eng.Sync(ctx, opts) }), nil
}

func (c *client) fullResync(args []js.Value) (work, error) {
	clear := arg(args, 0).Truthy()
	return c.withSignal(arg(args, 1), func(ctx context.Context) (core.Stats, error) {
		return c.eng.FullResync(ctx, clear)
	}), nil
}

// withSignal runs a sync-like call under a context that an AbortSignal can cancel; a failed
// run's stats ride on the error.
func (c *client) withSignal(signal js.Value, run func(ctx context.Context) (core.Stats, error)) work {
	return func() (any, error) {
		ctx, cancel := context.WithCancel(c.ctx)
		defer cancel()
		if signal.Type() == js.TypeObject && signal.Get("addEventListener").Type() == js.TypeFunction {
			if signal.Get("aborted").Truthy() {
				return nil, core.Errorf(core.CodeCancelled, "sync", "aborted before it started")
			}
			onAbort := js.FuncOf(func(js.Value, []js.Value) any { cancel(); return nil })
			signal.Call("addEventListener", "abort", onAbort)
			defer func() { signal.Call("removeEventListener", "abort", onAbort); onAbort.Release() }()
		}
		st, err := run(ctx)
		if err != nil {
			return nil, &statsError{err: err, stats: st}
		}
		return marshal(st)
	}
}

func (c *client) resolveConflict(args []js.Value) (work, error) {
	id, err := stringArg(args, 0, "resolveConflict id")
	if err != nil {
		return nil, err
	}
	var r core.Resolution
	if ok, err := jsonArg(args, 1, "resolveConflict resolution", &r); err != nil || !ok {
		return nil, orMissing(err, "resolveConflict resolution")
	}
	return func() (any, error) { return nil, c.eng.ResolveConflict(c.ctx, id, r) }, nil
}

func (c *client) idsMethod(f func(context.Context, []string) error) method {
	return func(args []js.Value) (work, error) {
		var ids []string
		if ok, err := jsonArg(args, 0, "opIds", &ids); err != nil || !ok {
			return nil, orMissing(err, "opIds")
		}
		return func() (any, error) { return nil, f(c.ctx, ids) }, nil
	}
}

// close stops the engine (cancelling a running sync), closes the store, lets the event pump
// deliver what was queued and releases the dispatcher.
func (c *client) close([]js.Value) (work, error) {
	c.closed.Store(true)
	return func() (any, error) {
		err := c.eng.Close()
		c.cancel()
		if serr := c.store.Close(); err == nil {
			err = serr
		}
		<-c.pumpDone
		c.call.Release()
		c.callTo.Release()
		c.direct.Release()
		return nil, err
	}, nil
}

func kindID(args []js.Value, op string) (string, string, error) {
	kind, err := stringArg(args, 0, op+" kind")
	if err != nil {
		return "", "", err
	}
	id, err := stringArg(args, 1, op+" id")
	return kind, id, err
}

func orMissing(err error, name string) error {
	if err != nil {
		return err
	}
	return core.Errorf(core.CodeInvalid, name, "is required")
}

// statsError is a failed sync's error with the stats of what it did before failing.
type statsError struct {
	err   error
	stats core.Stats
}

func (e *statsError) Error() string { return e.err.Error() }
func (e *statsError) Unwrap() error { return e.err }
