package core

// The per-op events of a push (JS-API.md "Seed parity additions"): built here, one slice per
// answer, and queued with one bus call (emitAll), so that a batch of 100 ops costs one lock
// per subscriber, and the wasm bridge hands them to JS in one crossing with the other events.

// pushedEvents is one "operationPushed" per acknowledged op, with the HTTP status of its
// answer; results[i] answers ops[i]. acks are usually a subsequence of ops in order (one walk);
// any left after it are looked up.
func pushedEvents(acks []Ack, ops []Op, results []PushResult) []Event {
	if len(acks) == 0 {
		return nil
	}
	evs := make([]Event, 0, len(acks))
	j := 0
	for i, o := range ops {
		if j < len(acks) && acks[j].Op.OpID == o.OpID {
			evs = append(evs, opEvent(EventOperationPushed, acks[j].Op, results[i].HTTPStatus, nil))
			j++
		}
	}
	if j < len(acks) {
		status := make(map[string]int, len(ops))
		for i, o := range ops {
			status[o.OpID] = results[i].HTTPStatus
		}
		for _, a := range acks[j:] {
			evs = append(evs, opEvent(EventOperationPushed, a.Op, status[a.Op.OpID], nil))
		}
	}
	return evs
}

// retryFailures is one "operationFailed" per op answered 429/5xx (sent again after a backoff
// while retries are left).
func retryFailures(ops []Op, results []PushResult) []Event {
	var evs []Event
	for i, r := range results {
		if r.Status != PushRetry {
			continue
		}
		err := r.Err
		if err == nil {
			err = &Error{Code: CodeServer, Retryable: true, Op: "push " + opName(ops[i]), Msg: r.Message, HTTPStatus: r.HTTPStatus}
		}
		evs = append(evs, opEvent(EventOperationFailed, ops[i], r.HTTPStatus, err))
	}
	return evs
}

// requestFailures is one "operationFailed" per op of a push request that failed as a whole
// (no answer, 401/403, an unusable answer).
func requestFailures(ops []Op, err error) []Event {
	evs := make([]Event, len(ops))
	status := HTTPStatusOf(err)
	for i, o := range ops {
		evs[i] = opEvent(EventOperationFailed, o, status, err)
	}
	return evs
}

// parkFailures is one "operationFailed" per op the server refused for good (or whose conflict
// kept coming back): the op is parked.
func parkFailures(parks []ParkedOp) []Event {
	evs := make([]Event, len(parks))
	for i, p := range parks {
		code := CodeInvalid
		if p.Status == 409 {
			code = CodeConflict
		}
		err := &Error{Code: code, Op: "push " + opName(p.Op), Msg: "parked: " + p.Reason, HTTPStatus: p.Status}
		evs[i] = opEvent(EventOperationFailed, p.Op, p.Status, err)
	}
	return evs
}

func opEvent(t EventType, o Op, status int, err error) Event {
	return Event{Type: t, Kind: o.Kind, ID: o.EntityID, OpID: o.OpID, StatusCode: status, Err: err}
}
