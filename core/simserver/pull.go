package simserver

import (
	"context"
	"strings"

	"github.com/offsync/offsync/core"
)

// Pull returns one page of kind's changes after req's cursor or page token, in
// (updatedAt, id) order (CONTRACT.md "Pull").
func (s *Server) Pull(ctx context.Context, kind string, req core.PullRequest) (core.PullPage, error) {
	if err := s.begin(ctx, MethodPull, nil); err != nil {
		return core.PullPage{}, err
	}
	if req.Limit < 1 || req.Limit > 1000 {
		return core.PullPage{}, core.Errorf(core.CodeProtocol, "pull "+kind, "limit %d out of range (400)", req.Limit)
	}
	after := req.After
	if req.PageToken != "" {
		c, err := decodeToken(req.PageToken)
		if err != nil {
			return core.PullPage{}, err
		}
		after = c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items := s.after(kind, after, req.Limit+1)
	page := core.PullPage{ServerTime: s.opts.Now()}
	if len(items) > req.Limit {
		items = items[:req.Limit]
		last := items[len(items)-1]
		page.NextPageToken = encodeToken(core.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID})
	}
	page.Items = items
	return page, nil
}

// afterCursor: (version, id) > cursor; without a cursor id, version >= cursor's.
func afterCursor(version, id string, c core.Cursor) bool {
	switch {
	case c.IsZero():
		return true
	case c.ID == "":
		return version >= c.UpdatedAt
	}
	return less(c.UpdatedAt, c.ID, version, id)
}

func encodeToken(c core.Cursor) string { return c.UpdatedAt + "|" + c.ID }

func decodeToken(t string) (core.Cursor, error) {
	v, id, ok := strings.Cut(t, "|")
	if !ok {
		return core.Cursor{}, core.Errorf(core.CodeProtocol, "pull", "bad page token (400)")
	}
	return core.Cursor{UpdatedAt: v, ID: id}, nil
}
