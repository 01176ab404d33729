package main

import (
	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/wire"
	"github.com/offsync/offsync/internal/jsonv"
)

// appendEvents encodes a batch of events as json.Marshal did (wire.AppendEvent); an event
// whose documents are not JSON is an error, as json.Marshal's, so that JSON.parse never meets
// it. "operationPushed" comes once per acknowledged op, on the push path: appendOpPushed
// writes it without wire.AppendEvent's checks of every field.
func appendEvents(b []byte, batch []core.Event) ([]byte, error) {
	b = append(b, '[')
	for i, ev := range batch {
		if i > 0 {
			b = append(b, ',')
		}
		if ev.Type == core.EventOperationPushed && ev.Err == nil {
			b = appendOpPushed(b, ev)
			continue
		}
		if err := checkEvent(ev); err != nil {
			return nil, err
		}
		b = wire.AppendEvent(b, ev)
	}
	return append(b, ']'), nil
}

// checkEvent refuses an event carrying a document that is not JSON.
func checkEvent(ev core.Event) error {
	for _, r := range ev.Records {
		if err := checkRaw(r); err != nil {
			return err
		}
	}
	if c := ev.Conflict; c != nil {
		if err := checkRaw(c.Local, c.Server); err != nil {
			return err
		}
	}
	if r := ev.Resolution; r != nil {
		if err := checkRaw(r.Data); err != nil {
			return err
		}
	}
	if p := ev.Parked; p != nil {
		return checkRaw(p.Op.Payload)
	}
	return nil
}

// appendOpPushed writes {"type","kind","id","opId","statusCode"} with Event's omitempty rules.
func appendOpPushed(b []byte, ev core.Event) []byte {
	w := jsonv.Open(b)
	w.Str("type", string(core.EventOperationPushed))
	w.StrOmit("kind", ev.Kind)
	w.StrOmit("id", ev.ID)
	w.StrOmit("opId", ev.OpID)
	w.IntOmit("statusCode", int64(ev.StatusCode))
	return w.Close()
}
