package core

import "github.com/offsync/offsync/internal/jsonv"

// discardedBy says what a resolution drops (ARCHITECTURE.md rules 1 and 10): field names,
// "delete" when a delete lost, "record" when a whole record lost.
func discardedBy(c Conflict, res Resolution) []string {
	switch res.Action {
	case AcceptServer, Discard:
		switch {
		case c.LocalDeleted && c.ServerDeleted:
			return nil
		case c.LocalDeleted:
			return []string{"delete"}
		case c.ServerDeleted:
			return []string{"record"}
		}
		return lostLocalFields(c)
	case AcceptClient:
		switch {
		case c.LocalDeleted && c.ServerDeleted:
			return nil
		case c.LocalDeleted:
			return []string{"record"}
		case c.ServerDeleted:
			return []string{"delete"}
		}
		diff, err := DiffFields(c.Server, c.Local)
		if err != nil {
			return nil
		}
		return nilIfEmpty(keep(diff, func(f string) bool { return !mergeSystemFields[f] }))
	case Merged:
		if c.LocalDeleted != c.ServerDeleted {
			return []string{"delete"}
		}
	}
	return nil
}

// lostLocalFields are the local changes the server's record does not have: the changed
// fields whose local value differs from the server's. Unknown changed fields stand for every
// field the local record holds; a field only the server has, or one the server owns
// (createdAt, as merges take it), was never a local value to lose.
func lostLocalFields(c Conflict) []string {
	diff, err := DiffFields(c.Server, c.Local)
	if err != nil {
		return nil
	}
	changed := map[string]bool{}
	if c.ChangedFields == nil {
		local, err := jsonv.RawObject(c.Local)
		if err != nil {
			return nil
		}
		for f := range local {
			changed[f] = true
		}
	}
	for _, f := range c.ChangedFields {
		changed[f] = true
	}
	return nilIfEmpty(keep(diff, func(f string) bool { return changed[f] && !mergeSystemFields[f] }))
}

// keep is the fields of fs that ok keeps, in order.
func keep(fs []string, ok func(string) bool) []string {
	var out []string
	for _, f := range fs {
		if ok(f) {
			out = append(out, f)
		}
	}
	return out
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
