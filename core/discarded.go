package core

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
		if err != nil || len(diff) == 0 {
			return nil
		}
		return diff
	case Merged:
		if c.LocalDeleted != c.ServerDeleted {
			return []string{"delete"}
		}
	}
	return nil
}

// lostLocalFields are the local changes the server's record does not have: the changed
// fields (all fields when unknown) whose local value differs from the server's.
func lostLocalFields(c Conflict) []string {
	diff, err := DiffFields(c.Server, c.Local)
	if err != nil {
		return nil
	}
	if c.ChangedFields == nil {
		return nilIfEmpty(diff)
	}
	changed := map[string]bool{}
	for _, f := range c.ChangedFields {
		changed[f] = true
	}
	var out []string
	for _, f := range diff {
		if changed[f] {
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
