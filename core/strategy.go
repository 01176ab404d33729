package core

import (
	"context"
)

// Strategy is a conflict strategy (JS-API.md conflictStrategy).
type Strategy string

// The six strategies.
const (
	AutoPreserve  Strategy = "autoPreserve"  // server as base, local changes applied, nothing lost (default)
	ServerWins    Strategy = "serverWins"    // the server's record is kept; the local op is dropped (said in the event)
	ClientWins    Strategy = "clientWins"    // the local record is pushed over the server's
	LastWriteWins Strategy = "lastWriteWins" // the later of local edit time and server updatedAt, in server time
	Merge         Strategy = "merge"         // Config.MergeFunc decides the data
	Manual        Strategy = "manual"        // Config.Resolver decides; without one the conflict is deferred
)

// Valid reports whether s is one of the six strategies.
func (s Strategy) Valid() bool {
	switch s {
	case AutoPreserve, ServerWins, ClientWins, LastWriteWins, Merge, Manual:
		return true
	}
	return false
}

// Action is what a resolution does (JS-API.md resolver results).
type Action string

// Resolution actions.
const (
	AcceptServer Action = "acceptServer" // keep the server's record, drop the op
	AcceptClient Action = "acceptClient" // push the local record over the server's
	Merged       Action = "merged"       // push Data
	Defer        Action = "defer"        // keep the op and the conflict (durable), retry on a later sync
	Discard      Action = "discard"      // drop the op, apply the server's version locally
)

// Resolution is a strategy's or resolver's decision on a conflict.
type Resolution struct {
	Action Action  `json:"action"`
	Data   RawJSON `json:"data,omitempty"` // for Merged
}

// MergeFunc computes merged data for the Merge strategy from the conflict's local and server
// records. It may call out to JS; it must honour ctx.
type MergeFunc func(ctx context.Context, c Conflict) (RawJSON, error)

// Resolver decides a conflict for the Manual strategy. It may call out to JS; it must honour ctx.
type Resolver func(ctx context.Context, c Conflict) (Resolution, error)
