package core

import (
	"context"
	"sync"

	"github.com/offsync/offsync/internal/jsonv"
)

// A server may acknowledge an op (2xx) without sending its stored record: a 204, an empty
// body, a body that is not the record (CONTRACT.md "Client-side handling of responses";
// backends built for the seed answer DELETE with 204 and may send anything on PUT). The op is
// done, but the device does not know the record's new version, and its next edit based on
// the old one would meet its own write as a 409. So the engine learns the version at once
// with GET /{kind}/{id} (learnAcks). When that fetch fails the write is acknowledged all the
// same (nothing is pushed twice) and the entity is remembered durably in the "unconfirmed"
// list: before its next op is pushed the record is fetched again and the op rebased onto the
// version that holds the device's write (learnBeforePush); the refetch list brings the
// record itself when no op is pending.

// metaUnconfirmed is the Meta key of the entities acknowledged without a record whose
// version could not be fetched yet.
const metaUnconfirmed = "unconfirmed"

// unconfirmedEntry is the acknowledged write of one entity: a delete, or an upsert's payload.
type unconfirmedEntry struct {
	Kind    string  `json:"kind"`
	ID      string  `json:"id"`
	Delete  bool    `json:"delete,omitempty"`
	Payload RawJSON `json:"payload,omitempty"`
}

func (u unconfirmedEntry) key() string { return entityKey(u.Kind, u.ID) }

// op is the acknowledged write as an op based on base, for planLearn.
func (u unconfirmedEntry) op(base string) Op {
	o := Op{Kind: u.Kind, EntityID: u.ID, Type: OpUpsert, Payload: u.Payload, BaseUpdatedAt: base}
	if u.Delete {
		o.Type, o.Payload = OpDelete, nil
	}
	return o
}

// learnIgnored are fields a server sets or drops on its own (its system fields and the base
// the client sends): they do not tell whether a fetched record holds the device's write.
var learnIgnored = map[string]bool{
	"id": true, "updatedAt": true, "updated_at": true, "deletedAt": true, "deleted_at": true,
	"createdAt": true, "created_at": true, "_baseUpdatedAt": true,
}

// planLearn decides what an op acknowledged without a record leaves locally, given the
// server's record fetched right after (found false: the server answered 404, which is also
// how a seed-style server answers for a record it soft-deleted).
//
// confirmed says the fetched record is the op's write: an upsert's every field (but the
// server's own) is there with the same value (a null may be absent), or a delete finds a
// tombstone or nothing. Then server is the record to acknowledge with (nil for a delete the
// server no longer has: the local copy becomes a tombstone) and its version rebases the
// entity's later ops.
//
// Otherwise someone changed the record after the device's write (or the server rewrote it).
// server then carries the fetched state (a tombstone on 404) under the op's old base: later
// ops stay based on it and meet the server's current version as a conflict, which the
// strategy resolves, instead of silently overwriting a change the device has not seen. The
// caller lists the entity for refetch, which brings the true version once nothing is pending.
func planLearn(op Op, fetched Record, found bool) (server *Record, confirmed bool) {
	switch {
	case op.Type == OpDelete && !found:
		return nil, true
	case op.Type == OpDelete && fetched.Deleted:
		r := cloneRecord(fetched)
		return &r, true
	case op.Type == OpUpsert && found && !fetched.Deleted && holdsFields(fetched.Data, op.Payload):
		r := cloneRecord(fetched)
		return &r, true
	}
	r := Record{Kind: op.Kind, ID: op.EntityID, UpdatedAt: op.BaseUpdatedAt, Deleted: true}
	switch {
	case found:
		r.Data, r.Deleted = cloneRaw(fetched.Data), fetched.Deleted
	case op.Type == OpUpsert:
		r.Data = cloneRaw(op.Payload)
	default:
		r.Data = idObject(op.EntityID)
	}
	return &r, false
}

// holdsFields reports whether the JSON object data has every field of the JSON object
// written with an equal value, fields in learnIgnored aside; a null written may be absent.
func holdsFields(data, written RawJSON) bool {
	have, err := jsonv.RawObject(data)
	if err != nil {
		return false
	}
	want, err := jsonv.RawObject(written)
	if err != nil || have == nil || want == nil {
		return false
	}
	for k, w := range want {
		if learnIgnored[k] {
			continue
		}
		h, ok := have[k]
		if !ok {
			if string(w) == "null" {
				continue
			}
			return false
		}
		if !jsonEqual(h, w) {
			return false
		}
	}
	return true
}

// blindAck is the acknowledgement of op when its record could not be fetched: the write as
// the device made it, under the op's old base (a delete: none, the local copy becomes a
// tombstone).
func blindAck(op Op) Ack {
	if op.Type == OpDelete {
		return Ack{Op: op}
	}
	return Ack{Op: op, Server: &Record{Kind: op.Kind, ID: op.EntityID, Data: cloneRaw(op.Payload), UpdatedAt: op.BaseUpdatedAt}}
}

// learnAcks turns the ops a server acknowledged without their record into acknowledgements:
// each record is fetched, PushConcurrency at a time, and judged by planLearn. Entities not
// confirmed are listed for refetch; those whose fetch failed also go on the unconfirmed list.
// Only a cancelled context or the store failing is an error: the ops were acknowledged.
func (e *Engine) learnAcks(ctx context.Context, ops []Op) ([]Ack, error) {
	if len(ops) == 0 {
		return nil, nil
	}
	acks := make([]Ack, len(ops))
	failed := make([]bool, len(ops))
	unsure := make([]bool, len(ops))
	sem := make(chan struct{}, max(1, e.cfg.PushConcurrency))
	var wg sync.WaitGroup
	for i, op := range ops {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			rec, found, err := e.cfg.Transport.Fetch(ctx, op.Kind, op.EntityID)
			e.noteReachable(err)
			if err == nil && found && rec.ID != op.EntityID {
				err = Errorf(CodeProtocol, "fetch "+op.Kind+"/"+op.EntityID, "the server answered with record %q", rec.ID)
			}
			if err != nil {
				acks[i], failed[i], unsure[i] = blindAck(op), true, true
				return
			}
			rec.Kind = op.Kind
			server, confirmed := planLearn(op, rec, found)
			acks[i], unsure[i] = Ack{Op: op, Server: server}, !confirmed
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, Wrap(CodeCancelled, "push", ctx.Err())
	}
	var refetch []refetchEntry
	var pending []unconfirmedEntry
	for i, op := range ops {
		if unsure[i] {
			refetch = append(refetch, refetchEntry{Kind: op.Kind, ID: op.EntityID})
		}
		if failed[i] {
			u := unconfirmedEntry{Kind: op.Kind, ID: op.EntityID, Delete: op.Type == OpDelete}
			if !u.Delete {
				u.Payload = cloneRaw(op.Payload)
			}
			pending = append(pending, u)
		}
	}
	// Listed before the acknowledgement is written: after a crash in between, the op still in
	// the outbox is rebased onto the version holding its write before it is sent again.
	if err := e.changeUnconfirmed(ctx, pending, nil); err != nil {
		return nil, err
	}
	if len(refetch) > 0 {
		if err := e.changeRefetch(ctx, refetch, nil); err != nil {
			return nil, err
		}
	}
	return acks, nil
}

func (e *Engine) unconfirmedList(ctx context.Context) ([]unconfirmedEntry, error) {
	v, ok, err := e.cfg.Store.Meta(ctx, metaUnconfirmed)
	if err != nil || !ok {
		return nil, Wrap(CodeStorage, "push", err)
	}
	list, err := decodeList([]byte(v), decodeUnconfirmed)
	if err != nil {
		return nil, Errorf(CodeStorage, "push", "stored unconfirmed list is unreadable: %w", err)
	}
	return list, nil
}

// changeUnconfirmed adds entries (replacing an entity's older one) and removes the entities
// of drop, as one read-modify-write of the stored list. refetchMu serialises it: it guards the
// engine's lists of entities to fetch.
func (e *Engine) changeUnconfirmed(ctx context.Context, add []unconfirmedEntry, drop []string) error {
	if len(add) == 0 && len(drop) == 0 {
		return nil
	}
	e.refetchMu.Lock()
	defer e.refetchMu.Unlock()
	list, err := e.unconfirmedList(ctx)
	if err != nil {
		return err
	}
	gone := make(map[string]bool, len(drop)+len(add))
	for _, k := range drop {
		gone[k] = true
	}
	for _, u := range add {
		gone[u.key()] = true
	}
	next := make([]unconfirmedEntry, 0, len(list)+len(add))
	for _, u := range list {
		if !gone[u.key()] {
			next = append(next, u)
		}
	}
	if len(add) == 0 && len(next) == len(list) {
		return nil
	}
	next = append(next, add...)
	b := jsonv.AppendList(nil, next, appendUnconfirmed)
	return Wrap(CodeStorage, "push", e.cfg.Store.SetMeta(ctx, metaUnconfirmed, string(b)))
}

// learnBeforePush settles the unconfirmed entities before a push pass: the record of each
// entity with an op among heads is fetched, and when it holds the acknowledged write the op
// is rebased onto its version (Store.Resolve, same attempt), so it does not conflict with
// the device's own write; when it does not, the op keeps its base and meets the server's
// change as a conflict. An entity whose fetch fails is skipped in this run and stays listed.
// Entities with no pending op left are dropped (the refetch list brings their record). It
// returns the heads still to send. thin: ops and heads carry no payloads (StartReads.Thin), so
// an op to rebase is read whole from the outbox first.
func (e *Engine) learnBeforePush(ctx context.Context, st *runState, ops, heads []Op, thin bool) ([]Op, error) {
	list, err := e.unconfirmedList(ctx)
	if err != nil || len(list) == 0 {
		return heads, err
	}
	head := make(map[string]Op, len(heads))
	for _, h := range heads {
		head[entityKey(h.Kind, h.EntityID)] = h
	}
	waiting := make(map[string]bool, len(ops))
	for _, o := range ops {
		waiting[entityKey(o.Kind, o.EntityID)] = true
	}
	var drop []string
	skipped := map[string]bool{}
	var whole map[string]Op // the outbox by op id, read when a thin head is rebased
	for _, u := range list {
		h, ok := head[u.key()]
		switch {
		case !st.kindSet[u.Kind]:
			continue
		case !ok:
			if !waiting[u.key()] {
				drop = append(drop, u.key())
			}
			continue
		}
		rec, found, err := e.cfg.Transport.Fetch(ctx, u.Kind, u.ID)
		e.noteReachable(err)
		if err == nil && found && rec.ID != u.ID {
			err = Errorf(CodeProtocol, "fetch "+u.Kind+"/"+u.ID, "the server answered with record %q", rec.ID)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, Wrap(CodeCancelled, "push", ctx.Err())
			}
			skipped[u.key()] = true
			st.mu.Lock()
			st.skip[u.key()] = true
			st.mu.Unlock()
			continue
		}
		drop = append(drop, u.key())
		server, confirmed := planLearn(u.op(h.BaseUpdatedAt), rec, found)
		base := ""
		if server != nil {
			base = server.UpdatedAt
		}
		if !confirmed || base == h.BaseUpdatedAt {
			continue
		}
		if thin {
			if whole == nil {
				all, err := e.cfg.Store.Outbox(ctx, 0)
				if err != nil {
					return nil, Wrap(CodeStorage, "push", err)
				}
				whole = make(map[string]Op, len(all))
				for _, o := range all {
					whole[o.OpID] = o
				}
			}
			if h, ok = whole[h.OpID]; !ok {
				continue // settled since it was read
			}
		}
		next := CloneOp(h)
		next.BaseUpdatedAt = base
		if err := e.cfg.Store.Resolve(ctx, next, nil, false); err != nil {
			return nil, Wrap(CodeStorage, "push", err)
		}
	}
	if err := e.changeUnconfirmed(ctx, nil, drop); err != nil {
		return nil, err
	}
	if len(skipped) == 0 {
		return heads, nil
	}
	kept := make([]Op, 0, len(heads))
	for _, h := range heads {
		if !skipped[entityKey(h.Kind, h.EntityID)] {
			kept = append(kept, h)
		}
	}
	return kept, nil
}
