//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"syscall/js"
	"time"
)

// abortWait bounds the wait for the abort event after an abort: it always comes promptly, but a
// browser bug must not hang a caller forever.
const abortWait = 10 * time.Second

// result is what a helper reports for a request batch.
type result struct {
	ok bool
	v  js.Value
}

// value is the report's result, or the failure it reports.
func (r result) value() (js.Value, error) {
	if !r.ok {
		return js.Undefined(), asDOMError(r.v)
	}
	return r.v, nil
}

// txn is one IndexedDB transaction. Its end (complete or abort) is watched from the moment it is
// created, so it is never missed; requests are awaited one batch at a time through res.
type txn struct {
	js    *helpers
	raw   js.Value
	cb    js.Func
	res   chan result
	end   chan error
	done  bool
	final error
	// committed: a helper committed the transaction itself (finish only awaits its end).
	committed bool
	// stores are the object stores fetched so far (one goroutine uses a txn).
	stores map[string]js.Value
	// delta is the change of the pending ops' number the transaction makes; counted their
	// number it counted (-1: none), or with countOnTx the helper's count (tx.offsyncCount),
	// read once it committed (Store.noteCount).
	delta     int
	counted   int
	countOnTx bool
}

// txMode is a transaction's mode and durability, and for a local write the hook its commit
// calls (WithCommitted; a zero hook is none).
type txMode struct {
	mode, durability string
	onCommit         commitHook
}

var (
	readOnly  = txMode{mode: "readonly", durability: "default"}
	readWrite = txMode{mode: "readwrite", durability: "default"}
	// durableWrite is for the app's own local writes: "complete" fires only once the data is
	// flushed to disk (a few ms more per transaction in Chromium, whose default is relaxed), so a
	// resolved write survives an OS crash too. Everything else can be fetched or pushed again.
	durableWrite = txMode{mode: "readwrite", durability: "strict"}
)

func begin(h *helpers, conn js.Value, m txMode, stores []string) (*txn, error) {
	t := &txn{js: h, res: make(chan result, 1), end: make(chan error, 1), counted: -1}
	// Runs inside JS event handlers: it only hands the event over, never blocks.
	t.cb = js.FuncOf(func(_ js.Value, args []js.Value) any {
		if args[0].Int() == 1 {
			var err error
			if !args[1].Bool() {
				err = asDOMError(args[2])
			}
			select {
			case t.end <- err:
			default:
			}
			return nil
		}
		select {
		case t.res <- result{ok: args[1].Bool(), v: args[2]}:
		default:
		}
		return nil
	})
	raw, err := call(func() js.Value {
		return h.begin.Invoke(conn, jsArgs(beginArgs{Stores: h.list(stores), Mode: h.str(m.mode), Durability: h.str(m.durability),
			Committed: m.onCommit.fn, Arg: m.onCommit.arg}), t.cb)
	})
	if err != nil {
		t.cb.Release()
		return nil, err
	}
	t.raw = raw
	return t, nil
}

// store returns the transaction's object store name, fetched once per transaction.
func (t *txn) store(name string) (js.Value, error) {
	if st, ok := t.stores[name]; ok {
		return st, nil
	}
	st, err := call(func() js.Value { return t.raw.Call("objectStore", t.js.str(name)) })
	if err != nil {
		return js.Undefined(), err
	}
	if t.stores == nil {
		t.stores = make(map[string]js.Value, 2)
	}
	t.stores[name] = st
	return st, nil
}

// index returns index of the transaction's object store name.
func (t *txn) index(name, index string) (js.Value, error) {
	st, err := t.store(name)
	if err != nil {
		return js.Undefined(), err
	}
	return call(func() js.Value { return st.Call("index", index) })
}

// await waits for the result of the request batch just issued (only IDB requests of this
// transaction feed it).
func (t *txn) await(ctx context.Context) (js.Value, error) {
	select {
	case r := <-t.res:
		return r.value()
	case err := <-t.end:
		t.done, t.final = true, err
		if err == nil {
			err = errors.New("transaction finished before its request")
		}
		return js.Undefined(), err
	case <-ctx.Done():
		return js.Undefined(), ctx.Err()
	}
}

// issue runs helper over target (this transaction, or one of its stores or indexes) with a,
// its argument struct (helperargs.go); the helper reports back, and issue awaits it.
func (t *txn) issue(ctx context.Context, helper, target js.Value, a argStruct) (js.Value, error) {
	if err := t.send(helper, target, a); err != nil {
		return js.Undefined(), err
	}
	return t.await(ctx)
}

// send runs helper as issue does, without awaiting its report: answer does.
func (t *txn) send(helper, target js.Value, a argStruct) error {
	_, err := invoke(helper, target, a, t.cb)
	return err
}

// answer awaits the report of the helper sent last. A report already come is taken before
// the transaction's end, which a helper that commits or aborts by itself makes follow it.
func (t *txn) answer(ctx context.Context) (js.Value, error) {
	select {
	case r := <-t.res:
		return r.value()
	default:
	}
	return t.await(ctx)
}

// issueJSON runs a helper whose result is a JSON string and decodes it into out.
func (t *txn) issueJSON(ctx context.Context, out any, helper, target js.Value, a argStruct) error {
	v, err := t.issue(ctx, helper, target, a)
	if err != nil {
		return err
	}
	return decodeJSON(v.String(), out)
}

// fire runs a helper whose requests are not awaited one by one: the transaction's completion
// says whether they succeeded.
func (t *txn) fire(helper, target js.Value, a argStruct) error {
	_, err := invoke(helper, target, a)
	return err
}

// finish commits (fail == nil) or aborts the transaction and waits for its end. It returns
// fail, or the transaction's own failure.
func (t *txn) finish(ctx context.Context, fail error) error {
	if fail != nil {
		t.abortAndWait()
		return fail
	}
	if !t.committed {
		if _, err := call(func() js.Value { return t.js.commit.Invoke(t.raw) }); err != nil && !t.done {
			t.abortAndWait()
			return err
		}
	}
	if t.done {
		return t.release()
	}
	select {
	case err := <-t.end:
		t.done, t.final = true, err
		return t.release()
	case <-ctx.Done():
	}
	// It may have committed meanwhile: then the call succeeded after all.
	if t.abortAndWait() && t.final == nil {
		return nil
	}
	return ctx.Err()
}

// abortAndWait aborts the transaction unless it already ended and waits (bounded) for its end.
// It reports whether the end was seen.
func (t *txn) abortAndWait() bool {
	if !t.done {
		t.js.abort.Invoke(t.raw)
		timer := time.NewTimer(abortWait)
		defer timer.Stop()
		select {
		case err := <-t.end:
			t.done, t.final = true, err
		case <-timer.C:
			// The callback stays registered: a late end event must still find it.
			return false
		}
	}
	t.release()
	return true
}

func (t *txn) release() error {
	t.cb.Release()
	return t.final
}

// errDecode marks a stored value that does not decode: a storage failure, not a connection one.
type errDecode struct{ err error }

func (e errDecode) Error() string { return "decoding stored value: " + e.err.Error() }
func (e errDecode) Unwrap() error { return e.err }
