// Package storekit holds the rules of a core.Store written once, for every backend (memstore,
// idbstore, a next one): the input checks each call makes before it changes anything, and the
// ack and requeue flows over the state a backend has already read inside its transaction (the
// flows do no reads of their own, so a backend that batches its reads keeps doing so). The
// decisions themselves stay the pure functions of core (PlanAck, PlanUnpark).
package storekit
