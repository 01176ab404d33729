//go:build js && wasm

package idbstore

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall/js"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// dbSeq makes database names unique within one test binary run; the page is fresh per run.
var dbSeq atomic.Int64

// freshName returns a database name no other test uses.
func freshName(t testing.TB) string {
	return fmt.Sprintf("%s-%d-%d", t.Name(), time.Now().UnixNano(), dbSeq.Add(1))
}

func testCtx(t testing.TB) context.Context { return boundCtx(t, 60*time.Second) }

// measureCtx bounds a measurement test, which writes and reads ~100,000 records: ~30 s here, over
// a minute on a loaded machine (63 s once, past testCtx's bound).
func measureCtx(t testing.TB) context.Context { return boundCtx(t, 4*time.Minute) }

func boundCtx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// openFresh opens a store on a fresh database, closed at the end of the test.
func openFresh(t testing.TB) *Store { return openAt(t, freshName(t)) }

// openAt opens a store on database name, closed at the end of the test.
func openAt(t testing.TB, name string) *Store {
	t.Helper()
	s, err := Open(testCtx(t), name)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// jsAwait waits for a JS promise (test code only: never inside a store transaction).
func jsAwait(t testing.TB, p js.Value) js.Value {
	t.Helper()
	res := make(chan js.Value, 1)
	errs := make(chan js.Value, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any { res <- args[0]; return nil })
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any { errs <- args[0]; return nil })
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	select {
	case v := <-res:
		return v
	case e := <-errs:
		t.Fatalf("promise rejected: %s", e.Call("toString").String())
	case <-time.After(60 * time.Second):
		t.Fatal("promise did not settle")
	}
	return js.Undefined()
}

// jsFunc compiles a JavaScript function from source (test helpers and the raw IDB baseline).
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}

func rec(kind, id, body string) core.Record {
	return core.Record{Kind: kind, ID: id, Data: core.RawJSON(body)}
}

func upsert(kind, id, body, opID string) core.LocalWrite {
	return core.LocalWrite{Kind: kind, ID: id, Data: core.RawJSON(body), OpID: opID, LocalTimestamp: 1}
}

// snapshot is everything a store holds, for "left exactly as before" comparisons.
type snapshot struct {
	Records   []core.Record
	Outbox    []core.Op
	Parked    []core.ParkedOp
	Conflicts []core.Conflict
	Cursor    core.Cursor
}

func snap(t testing.TB, s *Store, kind string) snapshot {
	t.Helper()
	ctx := testCtx(t)
	var sn snapshot
	var err error
	sn.Records, err = s.List(ctx, kind)
	require.NoError(t, err)
	sn.Outbox, err = s.Outbox(ctx, 0)
	require.NoError(t, err)
	sn.Parked, err = s.Parked(ctx)
	require.NoError(t, err)
	sn.Conflicts, err = s.Conflicts(ctx)
	require.NoError(t, err)
	sn.Cursor, err = s.Cursor(ctx, kind)
	require.NoError(t, err)
	return sn
}

func del(kind, id, opID string) core.LocalWrite {
	return core.LocalWrite{Kind: kind, ID: id, Delete: true, OpID: opID, LocalTimestamp: 1}
}

// newHelpers fills its fields from one list of names: every js.Value field must hold the
// helper of its own name (a name out of order would hand a field another helper).
func TestHelperFieldsHoldTheirHelpers(t *testing.T) {
	h, err := newHelpers(js.Undefined())
	require.NoError(t, err)
	src := js.Global().Get("Function").New(helperSource).Invoke()
	text := func(f js.Value) string { return js.Global().Get("String").Invoke(f).String() }
	v := reflect.ValueOf(h).Elem()
	n := 0
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Type != reflect.TypeFor[js.Value]() {
			continue
		}
		n++
		got := *(*js.Value)(unsafe.Pointer(v.Field(i).UnsafeAddr()))
		require.Equal(t, js.TypeFunction, got.Type(), "field %s", f.Name)
		// Another compilation of the same source: the helpers compare by their text.
		require.Equal(t, text(src.Get(f.Name)), text(got), "field %s holds the helper of its name", f.Name)
	}
	require.Equal(t, len(strings.Fields(helperNames)), n, "one name per field")
}
