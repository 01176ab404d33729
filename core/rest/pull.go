package rest

import (
	"context"
	"errors"
	"strconv"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonscan"
)

// zeroSince is the updatedSince of the zero cursor: everything.
const zeroSince = "1970-01-01T00:00:00Z"

// pullURL builds GET /{kind}: a page token replaces the cursor; the zero cursor asks from the
// epoch without afterId (CONTRACT.md: then updatedAt >= updatedSince).
func (t *Transport) pullURL(kind string, req core.PullRequest) string {
	// Parameters in name order, as url.Values.Encode wrote them.
	u := t.base + "/" + pathEscape(kind) + "?"
	if req.PageToken == "" && req.After.UpdatedAt != "" && req.After.ID != "" {
		u += "afterId=" + queryEscape(req.After.ID) + "&"
	}
	u += "includeDeleted=true"
	if req.Limit > 0 {
		u += "&limit=" + strconv.Itoa(req.Limit)
	}
	if req.PageToken != "" {
		return u + "&pageToken=" + queryEscape(req.PageToken)
	}
	since := req.After.UpdatedAt
	if since == "" {
		since = zeroSince
	}
	return u + "&updatedSince=" + queryEscape(since)
}

// Pull fetches one page of kind's changes (GET /{kind}).
func (t *Transport) Pull(ctx context.Context, kind string, req core.PullRequest) (core.PullPage, error) {
	answer, err := t.SendPull(ctx, kind, req, nil)
	if err != nil {
		return core.PullPage{}, err
	}
	return answer.Read()
}

// SendPull sends Pull's request and waits for the answer, whose body the Doer may hold outside
// the program's memory until Read (Request.Hold). A body the Doer did not hold is parsed here
// at once: the engine sends a page's request while it applies the page before (core.PullSender),
// so the parsing overlaps that page's transaction instead of following it.
func (t *Transport) SendPull(ctx context.Context, kind string, req core.PullRequest, left func()) (core.SentPull, error) {
	op := "pull " + kind
	resp, err := t.call(ctx, op, &Request{Method: "GET", URL: t.pullURL(kind, req), Hold: true, Left: left}, true)
	if err != nil {
		return nil, err
	}
	if resp.Status != 200 {
		resp.take()
		return nil, t.statusError(op, resp)
	}
	if resp.Held != nil {
		return heldPage{kind: kind, resp: resp}, nil
	}
	page, err := readPage(kind, resp)
	return readAnswer{page, err}, nil
}

// heldPage is a pull answer with status 200 whose body the Doer holds, not read yet.
type heldPage struct {
	kind string
	resp *Response
}

// Read takes the body in and parses it.
func (h heldPage) Read() (core.PullPage, error) {
	h.resp.take()
	return readPage(h.kind, h.resp)
}

// readAnswer is a pull answer parsed when it came.
type readAnswer struct {
	page core.PullPage
	err  error
}

func (r readAnswer) Read() (core.PullPage, error) { return r.page, r.err }

// readPage parses a page: an unreadable body is a protocol error, an unreadable item a BadItem.
func readPage(kind string, resp *Response) (core.PullPage, error) {
	op := "pull " + kind
	body, err := decodePage(resp.Body)
	if err != nil {
		return core.PullPage{}, protocolError(op, resp, "pull body", err)
	}
	if body.Items == nil {
		return core.PullPage{}, protocolError(op, resp, `pull body has no "items" array`, nil)
	}
	page := core.PullPage{Items: make([]core.Record, 0, len(body.Items)), ServerTime: serverTime(resp)}
	for i, raw := range body.Items {
		var rec core.Record
		var err error
		if body.metas != nil && body.metas[i].OK {
			rec, err = recordOf(kind, raw, body.metas[i].Meta, true, "")
		} else {
			rec, err = parseRecord(kind, raw, true, "")
		}
		if err != nil {
			// One unreadable item does not fail the page: the engine sets it aside.
			page.Bad = append(page.Bad, badItem(i, raw, err))
			continue
		}
		page.Items = append(page.Items, rec)
	}
	if body.NextPageToken != nil {
		page.NextPageToken = *body.NextPageToken
	}
	return page, nil
}

// badItem describes a page item parseRecord refused, with its id and version where they are
// strings.
func badItem(index int, raw core.RawJSON, err error) core.BadItem {
	b := core.BadItem{Index: index, Reason: err.Error()}
	head, ok := rawFields(raw, "id", "updatedAt", "updated_at")
	if !ok {
		return b
	}
	var s string
	if jsonString(head[0], &s) && core.ValidID(s) {
		b.ID = s
	}
	for _, v := range head[1:] {
		if s = ""; jsonString(v, &s) && s != "" {
			b.UpdatedAt = s
			break
		}
	}
	return b
}

func (t *Transport) recordURL(kind, id string) string {
	return t.base + "/" + pathEscape(kind) + "/" + pathEscape(id)
}

// Fetch gets one record, tombstones included (GET /{kind}/{id}); ok is false on 404.
func (t *Transport) Fetch(ctx context.Context, kind, id string) (core.Record, bool, error) {
	op := "fetch " + kind + "/" + id
	resp, err := t.call(ctx, op, &Request{Method: "GET", URL: t.recordURL(kind, id)}, true)
	if err != nil {
		return core.Record{}, false, err
	}
	switch {
	case resp.Status == 404:
		return core.Record{}, false, nil
	case !is2xx(resp.Status):
		return core.Record{}, false, t.statusError(op, resp)
	}
	if !jsonscan.Valid(resp.Body) {
		return core.Record{}, false, protocolError(op, resp, "record", errNotJSON)
	}
	rec, err := parseRecord(kind, resp.Body, true, "")
	if err != nil {
		return core.Record{}, false, protocolError(op, resp, "record", &core.BadRecord{Item: badItem(0, resp.Body, err)})
	}
	if rec.ID != id {
		return core.Record{}, false, protocolError(op, resp, "record", errors.New("the answer is record "+strconv.Quote(rec.ID)+", not "+strconv.Quote(id)))
	}
	return rec, true, nil
}

// Health checks GET /health answers 2xx; it sends no credentials.
func (t *Transport) Health(ctx context.Context) error {
	resp, err := t.call(ctx, "health", &Request{Method: "GET", URL: t.base + "/health"}, false)
	if err != nil {
		return err
	}
	if !is2xx(resp.Status) {
		return t.statusError("health", resp)
	}
	return nil
}
