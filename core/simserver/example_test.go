package simserver_test

import (
	"context"
	"fmt"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
)

// A lost response: the server applies the op but the client never hears back; the retry
// with the same idempotency key gets the first answer and applies nothing twice.
func Example() {
	srv := simserver.New(simserver.Options{})
	lose := true
	srv.SetHooks(simserver.Hooks{Op: func(op core.Op) simserver.Fault {
		if lose {
			lose = false
			return simserver.LoseResponse
		}
		return simserver.Pass
	}})
	op := core.Op{OpID: "op1", Kind: "note", EntityID: "n1", Type: core.OpUpsert, Payload: core.RawJSON(`{"id":"n1"}`)}

	_, err := srv.Push(context.Background(), []core.Op{op})
	fmt.Println("first try:", core.CodeOf(err))
	res, _ := srv.Push(context.Background(), []core.Op{op})
	fmt.Println("retry:", res[0].Status, res[0].HTTPStatus, "applied:", srv.Applied(op.IdempotencyKey()))
	// Output:
	// first try: network
	// retry: ok 201 applied: 1
}
