package core

import "github.com/offsync/offsync/internal/jsonscan"

// GivenRecords are putMany's records as the wasm bridge hands them over: cut from one JSON
// array text and checked as they were cut (CutRecords), for Engine.PutManyGiven.
type GivenRecords struct {
	items []RawJSON
	// ids[i], when not "", is items[i]'s "id": items[i] passed ValidateObject's check with it.
	ids []string
}

// CutRecords cuts b, the text of a JSON array of records, into its items and checks each in
// the same pass as ValidateObject checks a record (jsonscan.SplitValidObjects at depth 0 runs
// ValidObjectMeta's scan over each object item's own bytes): where the cut, the engine's scan
// for the id and the store's check were three passes over every record, this is one. The items
// share b, which the caller hands over: it never changes b after (the store keeps the items
// without a copy). Anything but a valid JSON array is refused (ErrInvalid); what each record
// must be beyond valid JSON (an object with a string id) PutManyGiven checks.
func CutRecords(b []byte) (GivenRecords, error) {
	raw, metas, next, ok := jsonscan.SplitValidObjects(b, jsonscan.SkipWS(b, 0), 0)
	if !ok || jsonscan.SkipWS(b, next) != len(b) {
		return GivenRecords{}, Errorf(CodeInvalid, "putMany records", "bad JSON: not a JSON array of JSON values")
	}
	items := make([]RawJSON, len(raw))
	ids := make([]string, len(raw))
	for i, r := range raw {
		items[i] = r
		if metas[i].OK && metas[i].ID != nil {
			ids[i] = *metas[i].ID
		}
	}
	return GivenRecords{items: items, ids: ids}, nil
}

// Items are the records' texts, in order.
func (g GivenRecords) Items() []RawJSON { return g.items }

// checkMark is the Data and id a LocalWrite's Data was checked with (CutRecords).
type checkMark struct {
	p  *byte
	n  int
	id string
}

// Checked reports whether w.Data, as it is, passed ValidateObject's check with w.ID: true only
// for a write PutManyGiven made of a record CutRecords checked, while its Data and ID are the
// bytes and id checked (the bytes, handed over, are never changed). The store need not check
// it again.
func (w LocalWrite) Checked() bool {
	c := w.checked
	return c.p != nil && len(w.Data) == c.n && &w.Data[0] == c.p && w.ID == c.id
}
