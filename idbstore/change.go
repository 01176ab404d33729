//go:build js && wasm

package idbstore

import (
	"context"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/storekit"
)

// Change runs c's flow in one transaction, with the loads each flow needs (records.go,
// outbox.go, parked.go, conflicts.go).
func (b backend) Change(ctx context.Context, c storekit.Change, fn func(storekit.Tx) error) (storekit.Changed, error) {
	switch c.Flow {
	case storekit.FlowWrite:
		return b.changeWrite(ctx, c.Writes, fn)
	case storekit.FlowEnqueue:
		return b.changeEnqueue(ctx, c.Ops, fn)
	case storekit.FlowAck:
		_, err := b.changeAck(ctx, c.Acks, fn, nil)
		return storekit.Changed{}, err
	case storekit.FlowResolve:
		return storekit.Changed{}, b.changeResolve(ctx, c.Op, fn)
	case storekit.FlowUnpark:
		return storekit.Changed{}, b.changeUnpark(ctx, c.Unpark, c.Requeue, fn)
	case storekit.FlowPark:
		return storekit.Changed{}, b.changePark(ctx, c.Parked, fn)
	case storekit.FlowConflict:
		return storekit.Changed{}, b.changeConflict(ctx, c, fn)
	}
	return storekit.Changed{}, core.Errorf(core.CodeInvalid, "change", "unknown flow %d", c.Flow)
}
