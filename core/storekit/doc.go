// Package storekit is what a store implementer needs, written once for every backend
// (memstore, idbstore, a next one): a Store over a Backend (its primitives, each one
// transaction) is a core.Store. It holds the input checks each call makes before it changes
// anything, the write, enqueue, ack, resolve, requeue, park and conflict flows over the state a backend has
// read inside its transaction (the flows do no reads of their own, so a backend that batches
// its reads keeps doing so), and the pure store decisions they run (plan.go: planWrite,
// coalescing, planAck, planUnpark, planPageItem). core keeps the app and engine API.
package storekit
