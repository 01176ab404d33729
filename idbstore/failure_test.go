//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

// seeded returns a store holding records, a pending op, an in-flight op, a parked op, a
// conflict and a cursor: every store a failed call could damage.
func seeded(t *testing.T) (*Store, []core.Op) {
	s := openFresh(t)
	ctx := testCtx(t)
	_, err := s.ApplyPage(ctx, "note", []core.Record{
		{Kind: "note", ID: "p1", Data: []byte(`{"id":"p1"}`), UpdatedAt: "v1"},
	}, core.Cursor{UpdatedAt: "v1", ID: "p1"})
	require.NoError(t, err)
	_, err = s.WriteLocal(ctx, []core.LocalWrite{
		upsert("note", "a", `{"id":"a","n":1}`, "op-a"),
		upsert("note", "b", `{"id":"b","n":1}`, "op-b"),
		upsert("note", "c", `{"id":"c","n":1}`, "op-c"),
	})
	require.NoError(t, err)
	_, err = s.MarkInFlight(ctx, []core.Op{{OpID: "op-b"}})
	require.NoError(t, err)
	require.NoError(t, s.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "op-c"}, Status: 400, Reason: "bad"}}))
	require.NoError(t, s.PutConflict(ctx, core.Conflict{ID: "op-a", Kind: "note", EntityID: "a", OpID: "op-a"}))
	ops, err := s.Outbox(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ops, 2)
	return s, ops
}

// TestFailedCallLeavesStoreAsBefore aborts every writing call after it issued its writes (the
// test hook) and checks that nothing of it is visible.
func TestFailedCallLeavesStoreAsBefore(t *testing.T) {
	boom := errors.New("forced abort")
	srv := core.Record{Kind: "note", ID: "a", Data: []byte(`{"id":"a","n":9}`), UpdatedAt: "v9"}
	calls := map[string]func(context.Context, *Store, []core.Op) error{
		"WriteLocal": func(ctx context.Context, s *Store, _ []core.Op) error {
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a","n":2}`, "op-x"), upsert("note", "z", `{"id":"z"}`, "op-z")})
			return err
		},
		"Enqueue": func(ctx context.Context, s *Store, _ []core.Op) error {
			_, err := s.Enqueue(ctx, []core.Op{{OpID: "op-e", Kind: "note", EntityID: "e", Type: core.OpDelete}})
			return err
		},
		"ApplyPage": func(ctx context.Context, s *Store, _ []core.Op) error {
			_, err := s.ApplyPage(ctx, "note", []core.Record{{Kind: "note", ID: "p2", Data: []byte(`{"id":"p2"}`), UpdatedAt: "v2"}}, core.Cursor{UpdatedAt: "v2", ID: "p2"})
			return err
		},
		"Ack": func(ctx context.Context, s *Store, ops []core.Op) error {
			return s.Ack(ctx, []core.Ack{{Op: ops[0], Server: &srv}})
		},
		"MarkInFlight": func(ctx context.Context, s *Store, _ []core.Op) error {
			_, err := s.MarkInFlight(ctx, []core.Op{{OpID: "op-a"}})
			return err
		},
		"Resolve": func(ctx context.Context, s *Store, ops []core.Op) error {
			o := ops[0]
			o.Attempt, o.Payload = 1, []byte(`{"id":"a","n":5}`)
			return s.Resolve(ctx, o, &core.Record{Kind: "note", ID: "a", Data: []byte(`{"id":"a","n":5}`)}, true)
		},
		"Park": func(ctx context.Context, s *Store, _ []core.Op) error {
			return s.Park(ctx, []core.ParkedOp{{Op: core.Op{OpID: "op-a"}, Status: 422}})
		},
		"Unpark": func(ctx context.Context, s *Store, _ []core.Op) error {
			return s.Unpark(ctx, []string{"op-c"}, true)
		},
		"ResetCursors": func(ctx context.Context, s *Store, _ []core.Op) error {
			return s.ResetCursors(ctx, []string{"note"}, true)
		},
		"PutConflict": func(ctx context.Context, s *Store, _ []core.Op) error {
			return s.PutConflict(ctx, core.Conflict{ID: "op-b", Kind: "note", EntityID: "b"})
		},
		"DeleteConflict": func(ctx context.Context, s *Store, _ []core.Op) error {
			return s.DeleteConflict(ctx, "op-a")
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			s, ops := seeded(t)
			ctx := testCtx(t)
			before := snap(t, s, "note")
			s.beforeCommit = func(string) error { return boom }
			err := call(ctx, s, ops)
			s.beforeCommit = nil
			require.ErrorIs(t, err, core.ErrStorage)
			require.ErrorIs(t, err, boom)
			assert.Equal(t, before, snap(t, s, "note"))
			// The same call succeeds afterwards: the failure left nothing behind.
			require.NoError(t, call(ctx, s, ops))
			assert.NotEqual(t, before, snap(t, s, "note"), "the call does change something when it commits")
		})
	}
}

// rawPut puts value into object store name through a separate raw connection-less path: the
// store's own connection, but a transaction the store knows nothing of.
func rawPut(t *testing.T, s *Store, name string, value js.Value) {
	put := jsFunc("db, name, v", `return new Promise((res, rej) => {
		const tx = db.transaction(name, 'readwrite');
		tx.objectStore(name).put(v);
		tx.oncomplete = () => res(true);
		tx.onabort = () => rej(tx.error);
	});`)
	jsAwait(t, put.Invoke(s.conn.Get("db"), name, value))
}

// TestConstraintErrorMidTransaction makes IndexedDB itself abort a Park half way (a parked
// entry with the same op id already exists: the unique index refuses the second) and checks
// that the outbox delete issued before it was rolled back.
func TestConstraintErrorMidTransaction(t *testing.T) {
	s, ops := seeded(t)
	ctx := testCtx(t)
	rawPut(t, s, stParked, js.Global().Get("JSON").Call("parse", `{"opId":"op-a","op":{"opId":"op-a","kind":"note","eid":"zz"}}`))
	before := snap(t, s, "note")
	err := s.Park(ctx, []core.ParkedOp{{Op: ops[0], Status: 400}})
	require.ErrorIs(t, err, core.ErrStorage)
	assert.True(t, errNameIs(err, "ConstraintError"), "got %v", err)
	assert.Equal(t, before, snap(t, s, "note"))
}

func domErr(name string) error {
	return asDOMError(js.Global().Get("DOMException").New("test "+name, name))
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		err       error
		code      core.Code
		reconnect bool
	}{
		{domErr("QuotaExceededError"), core.CodeQuota, false},
		{domErr("InvalidStateError"), core.CodeStorage, true},
		{domErr("UnknownError"), core.CodeStorage, true},
		{domErr("ConstraintError"), core.CodeStorage, false},
		{domErr("TransactionInactiveError"), core.CodeStorage, false},
		{domErr("AbortError"), core.CodeStorage, false},
		{asDOMError(js.Null()), core.CodeStorage, false},
		{errConnection, core.CodeStorage, true},
		{context.Canceled, core.CodeCancelled, false},
		{context.DeadlineExceeded, core.CodeTimeout, false},
		{core.Errorf(core.CodeInvalid, "x", "bad"), core.CodeInvalid, false},
	}
	for _, c := range cases {
		t.Run(c.err.Error(), func(t *testing.T) {
			got := classify("op", c.err)
			var ce *core.Error
			require.ErrorAs(t, got, &ce)
			assert.Equal(t, c.code, ce.Code)
			assert.ErrorIs(t, got, c.err)
			assert.Equal(t, c.reconnect, reconnectable(c.err))
		})
	}
}

func TestQuotaExceededIsQuota(t *testing.T) {
	// A transaction failing with it reports quota, keeps what was stored and the store
	// recovers (the next write succeeds).
	s, _ := seeded(t)
	ctx := testCtx(t)
	before := snap(t, s, "note")
	s.beforeCommit = func(string) error { return domErr("QuotaExceededError") }
	_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "q", `{"id":"q"}`, "op-q")})
	s.beforeCommit = nil
	require.ErrorIs(t, err, core.ErrQuota)
	var ce *core.Error
	require.ErrorAs(t, err, &ce)
	assert.False(t, ce.Retryable)
	assert.Equal(t, before, snap(t, s, "note"))
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "q", `{"id":"q"}`, "op-q")})
	require.NoError(t, err)
}

// TestLostConnectionRetriedOnce: a transaction lost with the connection (UnknownError) is run
// again once on a new connection; lost twice, the call fails with a storage error.
func TestLostConnectionRetriedOnce(t *testing.T) {
	ctx := testCtx(t)
	for _, failures := range []int{1, 2} {
		t.Run(fmt.Sprint(failures, " failures"), func(t *testing.T) {
			s := openFresh(t)
			c := instrument(s)
			first := s.conn
			n := 0
			s.beforeCommit = func(string) error {
				if n++; n <= failures {
					return domErr("UnknownError")
				}
				return nil
			}
			_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `{"id":"a"}`, "op-a")})
			s.beforeCommit = nil
			assert.Equal(t, 2, c.tx(), "one attempt and one retry")
			assert.False(t, s.conn.Equal(first), "the retry ran on a new connection")
			count, cerr := s.PendingCount(ctx)
			require.NoError(t, cerr)
			if failures == 1 {
				require.NoError(t, err)
				assert.Equal(t, 1, count)
				return
			}
			require.ErrorIs(t, err, core.ErrStorage)
			assert.True(t, errNameIs(err, "UnknownError"))
			assert.Equal(t, 0, count)
		})
	}
}

func TestErrorsAreCategorised(t *testing.T) {
	s := openFresh(t)
	ctx := testCtx(t)
	_, _, err := s.Get(ctx, "Bad Kind", "x")
	assert.ErrorIs(t, err, core.ErrInvalid)
	_, err = s.WriteLocal(ctx, []core.LocalWrite{upsert("note", "a", `[1]`, "op")})
	assert.ErrorIs(t, err, core.ErrInvalid)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.List(cancelled, "note")
	assert.ErrorIs(t, err, core.ErrCancelled)
	expired, cancel2 := context.WithTimeout(ctx, time.Nanosecond)
	defer cancel2()
	<-expired.Done()
	_, err = s.List(expired, "note")
	assert.ErrorIs(t, err, core.ErrTimeout)

	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	_, err = s.List(ctx, "note")
	assert.ErrorIs(t, err, core.ErrClosed)
	_, err = s.List(ctx, "Bad Kind")
	assert.ErrorIs(t, err, core.ErrClosed, "closed is answered before validation")
}

// TestReconnect covers a connection closed under the store: by a versionchange from another
// tab, behind its back, or for good by a newer schema.
func TestReconnect(t *testing.T) {
	ctx := testCtx(t)
	write := func(s *Store, id string) error {
		_, err := s.WriteLocal(ctx, []core.LocalWrite{upsert("note", id, `{"id":"`+id+`"}`, "op-"+id)})
		return err
	}

	t.Run("versionchange", func(t *testing.T) {
		s := openFresh(t)
		require.NoError(t, write(s, "a"))
		old := s.conn
		old.Get("db").Get("onversionchange").Invoke() // what another tab opening a newer version triggers
		require.True(t, old.Get("closed").Bool())
		require.NoError(t, write(s, "b"))
		assert.False(t, s.conn.Equal(old), "a new connection was opened")
		n, err := s.PendingCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	})

	t.Run("closed behind its back", func(t *testing.T) {
		s := openFresh(t)
		require.NoError(t, write(s, "a"))
		s.conn.Get("db").Call("close") // the handle does not know: transaction() throws InvalidStateError
		require.NoError(t, write(s, "b"))
		n, err := s.PendingCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	})

	t.Run("newer schema elsewhere", func(t *testing.T) {
		name := freshName(t)
		s, err := Open(ctx, name)
		require.NoError(t, err)
		defer s.Close()
		require.NoError(t, write(s, "a"))
		bump := jsFunc("name, v", `return new Promise((res, rej) => {
			const r = indexedDB.open(name, v);
			r.onsuccess = () => { r.result.close(); res(true); };
			r.onerror = () => rej(r.error);
		});`)
		jsAwait(t, bump.Invoke(name, (schemaVersion+1)*versionScale))
		err = write(s, "b")
		require.ErrorIs(t, err, core.ErrStorage)
		assert.True(t, errNameIs(err, "VersionError"), "got %v", err)
	})
}
