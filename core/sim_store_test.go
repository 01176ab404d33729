package core_test

import (
	"context"

	"github.com/offsync/offsync/core"
)

// simActKey tags the context of what the simulated user does while its client syncs.
type simActKey struct{}

// simStore is a client's store as its engine sees it. With push concurrency the engine's other
// batches go on while the user acts (duringSync); the user's act and the simulation's
// bookkeeping of it (which op carries a write, which write a later one replaced) must not
// interleave with them, so the engine's changes of the outbox (marking, acknowledging,
// resolving, parking) wait while an act is under way. The act's own calls, tagged in their
// context, pass.
type simStore struct {
	core.Store
	w *simWorld
}

func (s simStore) enter(ctx context.Context) func() {
	if ctx.Value(simActKey{}) != nil {
		return func() {}
	}
	s.w.gate.RLock()
	return s.w.gate.RUnlock
}

func (s simStore) MarkInFlight(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	defer s.enter(ctx)()
	return s.Store.MarkInFlight(ctx, ops)
}

func (s simStore) Ack(ctx context.Context, acks []core.Ack) error {
	defer s.enter(ctx)()
	return s.Store.Ack(ctx, acks)
}

func (s simStore) Resolve(ctx context.Context, op core.Op, local *core.Record, rebuild bool) error {
	defer s.enter(ctx)()
	return s.Store.Resolve(ctx, op, local, rebuild)
}

func (s simStore) Park(ctx context.Context, parked []core.ParkedOp) error {
	defer s.enter(ctx)()
	return s.Store.Park(ctx, parked)
}

// simClaimingStore is simStore with the memstore's core.HeadClaimer (the claimHeads move).
type simClaimingStore struct {
	simStore
	hc core.HeadClaimer
}

func (s simClaimingStore) ClaimHeads(ctx context.Context, c core.HeadClaim) ([]core.Op, error) {
	defer s.enter(ctx)()
	return s.hc.ClaimHeads(ctx, c)
}

func (s simClaimingStore) AckAndClaimHeads(ctx context.Context, acks []core.Ack, c core.HeadClaim) ([]core.Op, bool, error) {
	defer s.enter(ctx)()
	return s.hc.AckAndClaimHeads(ctx, acks, c)
}
