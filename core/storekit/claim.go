package storekit

import (
	"context"

	"github.com/offsync/offsync/core"
)

// Claim is what a Backend's Claim reads: the outbox's one primitive, which serves the push's
// marking of a batch (with Pick), its reads of the outbox and the pending count (without).
type Claim struct {
	// Limit is the most ops returned: < 0 all, 0 none (the count alone).
	Limit int
	// Pick, when not nil, makes the call a claim: of the pending ops, in Seq order, those Pick
	// takes (at most Limit) are marked in flight, durably, and returned as stored after
	// marking, in Seq order. Without it the first Limit pending ops are returned, unchanged.
	// Pick is pure (storekit's): a backend may call it on an op more than once.
	Pick func(core.Op) bool
	// From is where the ops Pick takes likely start (a Seq, 0 when unknown): a backend may
	// read the outbox from there first, and must then read the ops before From too when it
	// found fewer than Limit there.
	From int64
	// Heads, when not nil, makes a claim (with Pick) of heads (core.HeadClaimer, headsClaim):
	// Pick takes only each entity's first pending op whose Seq is at least what Heads returns.
	// A backend may read from that Seq on instead of from From, leaving out the entities whose
	// first op lies before it; it offers every op it reads, in Seq order, as any claim does.
	// Pick is then not pure: it is called at most once per op, only while the claim has room,
	// and every op it takes is claimed.
	Heads func() int64
}

// outbox reads up to limit pending ops (limit <= 0: all) and the pending count.
func (s *Store) outbox(ctx context.Context, op string, limit int) ([]core.Op, int, error) {
	if err := s.open(op); err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = -1
	}
	return s.b.Claim(ctx, Claim{Limit: limit})
}

// Outbox returns up to limit pending ops in Seq order.
func (s *Store) Outbox(ctx context.Context, limit int) ([]core.Op, error) {
	ops, _, err := s.outbox(ctx, "outbox", limit)
	return ops, err
}

// PendingCount counts pending ops.
func (s *Store) PendingCount(ctx context.Context) (int, error) {
	if err := s.open("pending count"); err != nil {
		return 0, err
	}
	_, n, err := s.b.Claim(ctx, Claim{})
	return n, err
}

// MarkInFlight marks the pending ops matched by OpID in flight: one claim of the ids, from
// the least Seq they were read at (a batch read from the outbox lies in a short Seq range),
// and returns them as marked in the order of ops.
func (s *Store) MarkInFlight(ctx context.Context, ops []core.Op) ([]core.Op, error) {
	if err := s.open("mark in flight"); err != nil {
		return nil, err
	}
	got, _, err := s.b.Claim(ctx, claimOf(ops))
	if err != nil {
		return nil, err
	}
	return inOrderOf(ops, got), nil
}

var _ core.HeadClaimer = (*Store)(nil)

// ClaimHeads claims a push's next heads (core.HeadClaimer) with one Claim of Heads.
func (s *Store) ClaimHeads(ctx context.Context, c core.HeadClaim) ([]core.Op, error) {
	if err := s.open("mark in flight"); err != nil {
		return nil, err
	}
	got, _, err := s.b.Claim(ctx, headsClaim(c))
	return got, err
}

// AckAndClaimHeads is Ack, and a claim of heads in the same transaction when the backend can
// (AckClaimer); otherwise it acknowledges only (claimed false).
func (s *Store) AckAndClaimHeads(ctx context.Context, acks []core.Ack, c core.HeadClaim) ([]core.Op, bool, error) {
	return s.ackAnd(ctx, acks, headsClaim(c))
}

// headsClaim is the Claim of c (From nil: 0). Its Pick offers c.Take each entity's first op
// offered, from the claim's Seq on, so that every backend's Claim serves a claim of heads as
// it is: the ops come in Seq order, an entity's first op before its others.
func headsClaim(c core.HeadClaim) Claim {
	// c.From is asked once, by the backend or by the first pick (one goroutine: the claim's).
	var start int64
	asked := c.From == nil
	from := func() int64 {
		if !asked {
			start, asked = c.From(), true
		}
		return start
	}
	type entity struct{ kind, id string }
	offered := map[entity]bool{}
	pick := func(o core.Op) bool {
		k := entity{o.Kind, o.EntityID}
		if offered[k] {
			return false
		}
		offered[k] = true
		return o.Seq >= from() && c.Take(o)
	}
	return Claim{Limit: c.Limit, Pick: pick, Heads: from}
}

// claimOf is the claim of the pending ops matched by the OpIDs of ops.
func claimOf(ops []core.Op) Claim {
	want := make(map[string]bool, len(ops))
	var from int64
	for i, o := range ops {
		want[o.OpID] = true
		if i == 0 || o.Seq < from {
			from = max(o.Seq, 0)
		}
	}
	return Claim{Limit: len(want), From: from, Pick: func(o core.Op) bool { return want[o.OpID] }}
}

// inOrderOf returns got (ops found by id, each at most once) in the order of ops. A claim
// answers in Seq order, and a batch of heads is in Seq order too, so got is usually in order
// already and is returned as it is (a map per batch was a fiftieth of a push's Go
// allocation); only otherwise is each op looked for in got, a batch (at most 500 ops) long.
func inOrderOf(ops, got []core.Op) []core.Op {
	j := 0
	for _, o := range ops {
		if j < len(got) && got[j].OpID == o.OpID {
			j++
		}
	}
	if j == len(got) {
		return got
	}
	out := make([]core.Op, 0, len(got))
	for _, o := range ops {
		for _, m := range got {
			if m.OpID == o.OpID {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
