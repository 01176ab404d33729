package core

// checkedPage is a pull page as checkPage leaves it: what to apply, what to set aside, and
// where the cursor goes.
type checkedPage struct {
	good  []Record
	aside []SetAside
	// next is the position of the page's last item whose position is known (a valid id and a
	// version); otherwise the request's cursor.
	next  Cursor
	total int // items on the page, good and bad
	fresh int // items that are not repeats of the cursor's instant (see checkPage)
}

// checkPage checks a page the server answered to req (CONTRACT.md "Client-side handling of
// responses") before anything of it is applied. A page that breaks the contract as a whole —
// more items than req.Limit, an item known not to lie after the cursor, Bad indexes that do
// not fit — is a protocol error. Items that fail validation one by one are set aside (nowMs
// stamps them); the others are returned to apply, with Kind set.
//
// One exception keeps backends built for the seed working: asked by cursor (no page token), a
// server that ignores afterId answers updatedAt >= updatedSince, so items at the cursor's own
// instant with an id not after the cursor's come back. They were applied already: they are
// skipped, not refused (fresh does not count them).
func checkPage(kind string, req PullRequest, page PullPage, nowMs int64) (checkedPage, error) {
	op := "pull " + kind
	total := len(page.Items) + len(page.Bad)
	cp := checkedPage{next: req.After, total: total, good: make([]Record, 0, len(page.Items))}
	if req.Limit > 0 && total > req.Limit {
		return checkedPage{}, Errorf(CodeProtocol, op, "the page holds %d items, %d were asked for", total, req.Limit)
	}
	from := positionOf(req.After)
	bad, good := 0, 0
	for i := range total {
		var (
			id, version, reason string
			rec                 Record
			isGood              bool
		)
		if bad < len(page.Bad) && page.Bad[bad].Index == i {
			b := page.Bad[bad]
			bad++
			id, version, reason = b.ID, b.UpdatedAt, b.Reason
		} else {
			if good == len(page.Items) {
				return checkedPage{}, Errorf(CodeProtocol, op, "the transport misplaced the page's bad items")
			}
			rec = page.Items[good]
			good++
			if rec.Kind == "" {
				rec.Kind = kind
			}
			id, version = rec.ID, rec.UpdatedAt
			if reason = itemProblem(kind, rec); reason == "" {
				isGood = true
			}
		}
		if ValidID(id) && version != "" {
			if !from.after(version, id) {
				if c, ok := from.order(version); ok && c == 0 && req.PageToken == "" {
					continue // a repeat of the cursor's instant (see above)
				}
				return checkedPage{}, Errorf(CodeProtocol, op, "item %d (%q, version %q) is not after the cursor (%q, %q)",
					i, id, version, req.After.ID, req.After.UpdatedAt)
			}
			cp.next = Cursor{UpdatedAt: version, ID: id}
		}
		cp.fresh++
		if isGood {
			cp.good = append(cp.good, rec)
		} else {
			cp.aside = append(cp.aside, SetAside{Kind: kind, ID: id, UpdatedAt: version, Reason: reason, SeenAtMs: nowMs})
		}
	}
	if bad != len(page.Bad) {
		return checkedPage{}, Errorf(CodeProtocol, op, "the transport misplaced the page's bad items")
	}
	return cp, nil
}

// itemProblem says why a pulled record cannot be applied ("" when it can): what
// Store.ApplyPage would refuse, and a missing version.
func itemProblem(kind string, rec Record) string {
	if err := ValidatePageItem(kind, rec); err != nil {
		var e *Error
		if asError(err, &e) {
			return e.Msg
		}
		return err.Error()
	}
	if rec.UpdatedAt == "" {
		return "it has no updatedAt"
	}
	return ""
}
