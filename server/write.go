package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/offsync/offsync/server/storage"
)

// systemFields are owned by the server: values a client sends for them are dropped.
var systemFields = []string{"_baseUpdatedAt", "updatedAt", "deletedAt", "updated_at", "deleted_at"}

// writeOp is one validated PUT or DELETE, from a single request or a batch.
type writeOp struct {
	key    string // X-Idempotency-Key / opId; "" for none
	kind   string
	id     string
	del    bool
	fields map[string]json.RawMessage // upserts: the record without system fields, id set
	// head and tail, when set instead of fields, are the record as plainDoc split it around
	// its updatedAt.
	head, tail []byte
	base       string
	hasBase    bool
	force      bool
}

// outcome is an op's answer as the single-op endpoint sends it; batches embed it.
type outcome struct {
	status int
	body   []byte
}

// maxKeyTakenRetries bounds reruns of a transaction that lost an idempotency-key race.
const maxKeyTakenRetries = 5

// txView is one write transaction's picture: the rows and saved answers its ops touch, read
// once up front, with this transaction's own writes applied, and the writes to flush.
type txView struct {
	rows    map[storage.Key]storage.Row
	saved   map[string]storage.Saved
	last    map[string]string // kind → last version, once read or written here
	written map[storage.Key]int
	out     []storage.Row
	entries []storage.Entry
	// answerLeft is how many bytes of records the answer may still carry (maxAnswerBytes).
	answerLeft int
	// partial: GetMany stopped at its byte budget; a key missing from rows is unknown.
	partial bool
}

func (v *txView) put(r storage.Row) {
	k := storage.Key{Kind: r.Kind, ID: r.ID}
	v.rows[k] = r
	v.last[r.Kind] = r.UpdatedAt
	if i, ok := v.written[k]; ok {
		v.out[i] = r
		return
	}
	v.written[k] = len(v.out)
	v.out = append(v.out, r)
}

// budget bounds the records one write request reads and answers with, in bytes.
type budget struct{ read, answer int }

// unbounded is the budget of a single-op request: one record.
var unbounded = budget{math.MaxInt, math.MaxInt}

// apply runs ops in one transaction, in order, and returns one outcome per op. Ops whose
// records lie past b.read are deferred, and answers carry at most b.answer bytes of records
// (decide).
func (s *Server) apply(ctx context.Context, tenant string, ops []writeOp, b budget) ([]outcome, error) {
	kinds := make([]string, 0, len(ops))
	keys := make([]storage.Key, 0, len(ops))
	var idem []string
	for _, o := range ops {
		kinds = append(kinds, o.kind)
		keys = append(keys, storage.Key{Kind: o.kind, ID: o.id})
		if o.key != "" {
			idem = append(idem, o.key)
		}
	}
	for attempt := 0; ; attempt++ {
		var out []outcome
		err := s.store.Write(ctx, func(tx storage.Tx) error {
			if err := tx.LockKinds(ctx, tenant, kinds); err != nil {
				return err
			}
			rows, complete, err := tx.GetMany(ctx, tenant, keys, b.read)
			if err != nil {
				return err
			}
			saved := map[string]storage.Saved{}
			if len(idem) > 0 {
				if saved, err = tx.SavedMany(ctx, tenant, idem); err != nil {
					return err
				}
			}
			v := &txView{rows: rows, saved: saved, last: map[string]string{},
				written: make(map[storage.Key]int, len(ops)), out: make([]storage.Row, 0, len(ops)),
				entries: make([]storage.Entry, 0, len(idem)), answerLeft: b.answer, partial: !complete}
			out = make([]outcome, 0, len(ops))
			for _, o := range ops {
				oc, err := s.applyOne(ctx, tx, tenant, o, v)
				if err != nil {
					return err
				}
				out = append(out, oc)
			}
			return tx.Flush(ctx, tenant, v.out, v.entries, s.now())
		})
		if errors.Is(err, storage.ErrKeyTaken) && attempt < maxKeyTakenRetries {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.savedKeys(ctx, tenant, len(idem))
		return out, nil
	}
}

func (s *Server) applyOne(ctx context.Context, tx storage.Tx, tenant string, o writeOp, v *txView) (outcome, error) {
	if saved, ok := v.saved[o.key]; ok && o.key != "" {
		return outcome{status: saved.Status, body: saved.Body}, nil
	}
	oc, err := s.decide(ctx, tx, tenant, o, v)
	if err != nil {
		return outcome{}, err
	}
	// A 409 wrote nothing: a replay re-evaluates it, which is as safe and keeps no copy of the
	// current record. A deferred op was not evaluated at all.
	if o.key != "" && oc.status != http.StatusConflict && oc.status != http.StatusServiceUnavailable {
		saved := storage.Saved{Status: oc.status, Body: oc.body}
		if len(saved.Body) > maxSavedBody || saved.Body == nil {
			saved.Body = []byte{} // replays as an acknowledgement without data (CONTRACT.md)
		}
		v.saved[o.key] = saved
		v.entries = append(v.entries, storage.Entry{Key: o.key, Saved: saved})
	}
	return oc, nil
}

// decide applies the version check and, when it passes, the write.
func (s *Server) decide(ctx context.Context, tx storage.Tx, tenant string, o writeOp, v *txView) (outcome, error) {
	cur, exists := v.rows[storage.Key{Kind: o.kind, ID: o.id}]
	if !exists && v.partial {
		// Past the batch's read budget: whether the record exists is unknown. Nothing is
		// written; the client sends the op again in a later batch.
		return outcome{http.StatusServiceUnavailable, deferredJSON}, nil
	}
	if o.del {
		switch {
		case !exists:
			return outcome{http.StatusNotFound, errorJSON(codeNotFound, "no such record", nil)}, nil
		case cur.Deleted:
			// Already a tombstone: the delete's intent holds, nothing changes.
			return outcome{http.StatusOK, v.answer(cur.Doc)}, nil
		}
	}
	if exists && !o.force && (!o.hasBase || o.base != cur.UpdatedAt) {
		if v.answerLeft <= 0 {
			return outcome{http.StatusServiceUnavailable, deferredJSON}, nil
		}
		v.answerLeft -= len(cur.Doc)
		msg := "record changed on the server since _baseUpdatedAt"
		if !o.hasBase {
			msg = "record already exists and no _baseUpdatedAt was given"
		}
		return outcome{http.StatusConflict, errorJSON(codeConflict, msg, cur.Doc)}, nil
	}
	prev, ok := v.last[o.kind]
	if !ok {
		var err error
		if prev, err = tx.LastVersion(ctx, tenant, o.kind); err != nil {
			return outcome{}, err
		}
	}
	version := nextVersion(s.now(), prev)
	doc, err := o.doc(cur.Doc, version)
	if err != nil {
		return outcome{}, err
	}
	v.put(storage.Row{Kind: o.kind, ID: o.id, UpdatedAt: version, Deleted: o.del, Doc: doc})
	status := http.StatusOK
	if !exists {
		status = http.StatusCreated
	}
	return outcome{status, v.answer(doc)}, nil
}

// answer is the data of a success: the record while the answer has room, else none (the
// client acknowledges the op and reads the version later, CONTRACT.md).
func (v *txView) answer(doc []byte) []byte {
	if v.answerLeft <= 0 {
		return nil
	}
	v.answerLeft -= len(doc)
	return doc
}

// deferredJSON answers an op past the batch's read budget, or a conflict past its answer cap:
// nothing was written, so the client sends the op again (a 503 is retried).
var deferredJSON = errorJSON(codeDeferred, "not applied: this batch reached its size cap; send the op again", nil)

// doc is the record the op stores at version; a delete starts from the stored record cur.
func (o writeOp) doc(cur []byte, version string) ([]byte, error) {
	if !o.del && o.head != nil {
		doc := make([]byte, 0, len(o.head)+len(version)+len(o.tail)+14)
		doc = append(doc, o.head...)
		doc = append(doc, `"updatedAt":`...)
		doc = append(doc, jsonString(version)...)
		return append(doc, o.tail...), nil
	}
	fields := o.fields
	if o.del {
		if err := json.Unmarshal(cur, &fields); err != nil {
			return nil, fmt.Errorf("stored %s/%s is not a JSON object: %w", o.kind, o.id, err)
		}
		fields["deletedAt"] = jsonString(version)
	} else {
		delete(fields, "deletedAt")
	}
	fields["updatedAt"] = jsonString(version)
	doc, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode %s/%s: %w", o.kind, o.id, err)
	}
	return doc, nil
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// recordFields validates a record body for kind/id and strips the server's fields. It returns
// the record, its _baseUpdatedAt (ok=false when absent or null), or a client error message.
func recordFields(body []byte, id string) (fields map[string]json.RawMessage, base string, hasBase bool, errMsg string) {
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, "", false, "body must be a JSON object"
	}
	if raw, ok := fields["id"]; ok {
		var bodyID string
		if err := json.Unmarshal(raw, &bodyID); err != nil || bodyID != id {
			return nil, "", false, "id in the body differs from the id in the path"
		}
	}
	if raw, ok := fields["_baseUpdatedAt"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &base); err != nil {
			return nil, "", false, "_baseUpdatedAt must be a string"
		}
		hasBase = base != ""
	}
	for _, f := range systemFields {
		delete(fields, f)
	}
	fields["id"] = jsonString(id)
	return fields, base, hasBase, ""
}
