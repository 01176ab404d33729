package core

import "context"

// pull walks every kind of the run from its stored cursor, page by page, until the server
// says there is no next page. Each page is applied with the cursor of its last item in one
// store call (ARCHITECTURE.md rule 2); entities with pending ops are held, not overwritten.
func (e *Engine) pull(ctx context.Context, st *runState) error {
	for _, kind := range st.kinds {
		if err := e.pullKind(ctx, st, kind); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) pullKind(ctx context.Context, st *runState, kind string) error {
	cur, err := e.cfg.Store.Cursor(ctx, kind)
	if err != nil {
		return Wrap(CodeStorage, "pull "+kind, err)
	}
	token, done := "", 0
	for {
		var page PullPage
		err := e.withRetry(ctx, func() error {
			var perr error
			page, perr = e.cfg.Transport.Pull(ctx, kind, PullRequest{After: cur, PageToken: token, Limit: e.cfg.PageSize})
			e.called(perr)
			return perr
		})
		if err != nil {
			if ctx.Err() != nil {
				return Wrap(CodeCancelled, "pull "+kind, ctx.Err())
			}
			return Wrap(CodeNetwork, "pull "+kind, err)
		}
		e.noteServerTime(page.ServerTime)
		if page.NextPageToken != "" && (page.NextPageToken == token || len(page.Items) == 0) {
			return Errorf(CodeProtocol, "pull "+kind, "the server's next page token does not move on")
		}
		if len(page.Items) > 0 {
			next, err := e.applyPage(ctx, st, kind, page.Items)
			if err != nil {
				return err
			}
			cur = next
		}
		done += len(page.Items)
		e.emit(Event{Type: EventProgress, Phase: "pull", Kind: kind, Done: done, Total: done})
		if page.NextPageToken == "" {
			return nil
		}
		token = page.NextPageToken
	}
}

// applyPage checks a page's items, applies them with the last item's cursor, and reports
// the change. It returns the new cursor.
func (e *Engine) applyPage(ctx context.Context, st *runState, kind string, items []Record) (Cursor, error) {
	op := "pull " + kind
	for i := range items {
		it := &items[i]
		if it.Kind == "" {
			it.Kind = kind
		}
		if it.Kind != kind || !ValidID(it.ID) || it.UpdatedAt == "" {
			return Cursor{}, Errorf(CodeProtocol, op, "item %d (%q) lacks a valid id or updatedAt, or is of kind %q", i, it.ID, it.Kind)
		}
	}
	last := items[len(items)-1]
	next := Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
	held, err := e.cfg.Store.ApplyPage(ctx, kind, items, next)
	if err != nil {
		if CodeOf(err) == CodeInvalid {
			return Cursor{}, &Error{Code: CodeProtocol, Op: op, Msg: "the server sent an invalid item", Err: err}
		}
		return Cursor{}, Wrap(CodeStorage, op, err)
	}
	skip := make(map[string]bool, len(held))
	for _, id := range held {
		skip[id] = true
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if !skip[it.ID] {
			ids = append(ids, it.ID)
		}
	}
	st.count(func(s *Stats) { s.Pulled += len(ids) })
	if len(ids) > 0 {
		e.emit(Event{Type: EventChange, Kind: kind, IDs: ids, Origin: OriginSync})
	}
	return next, nil
}
