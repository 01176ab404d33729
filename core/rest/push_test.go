package rest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

func single(cfg *rest.Config) { cfg.DisableBatch = true }

func TestSinglePushRequests(t *testing.T) {
	c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		deleted := ""
		if r.Method == "DELETE" {
			deleted = `,"deletedAt":"2026-01-01T00:00:09Z"`
		}
		reply(200, `{"id":"`+id+`","updatedAt":"2026-01-01T00:00:09Z"`+deleted+`}`)(w, r)
	})
	tr := newTransport(t, c.srv.URL, single)
	ops := []core.Op{
		upsert("n1", `{"id":"n1","t":"x"}`, ""),
		upsert("n2", ` {"id":"n2","_baseUpdatedAt":"app"} `, "2026-01-01T00:00:01.5Z"),
		{OpID: "op-n3", Kind: "note", EntityID: "n3", Type: core.OpDelete, BaseUpdatedAt: "2026-01-01T00:00:02+00:00", Force: true, Attempt: 2},
		{OpID: "op-n4", Kind: "note", EntityID: "n4", Type: core.OpUpsert, Payload: []byte(`{}`), BaseUpdatedAt: "b", Force: true, Attempt: 1},
	}
	res, err := tr.Push(ctx(t), ops)
	require.NoError(t, err)
	require.Len(t, res, 4)
	for i, r := range res {
		assert.Equal(t, core.PushOK, r.Status)
		assert.Equal(t, ops[i].OpID, r.OpID)
		assert.Equal(t, ops[i].EntityID, r.Record.ID)
		assert.Equal(t, "2026-01-01T00:00:09Z", r.Record.UpdatedAt)
	}
	byPath := map[string]seen{}
	for _, r := range c.requests() {
		byPath[r.Path] = r
	}
	n1 := byPath["/note/n1"]
	assert.Equal(t, "PUT", n1.Method)
	assert.JSONEq(t, `{"id":"n1","t":"x"}`, n1.Body, "no base for a new record")
	assert.Equal(t, "op-n1", n1.Header.Get("X-Idempotency-Key"))
	assert.Empty(t, n1.Header.Get("X-Force-Update"))
	assert.Equal(t, "application/json", n1.Header.Get("Content-Type"))

	var n2 map[string]string
	require.NoError(t, json.Unmarshal([]byte(byPath["/note/n2"].Body), &n2))
	assert.Equal(t, "2026-01-01T00:00:01.5Z", n2["_baseUpdatedAt"], "ours wins, echoed exactly")

	n3 := byPath["/note/n3"]
	assert.Equal(t, "DELETE", n3.Method)
	assert.Equal(t, "_baseUpdatedAt=2026-01-01T00%3A00%3A02%2B00%3A00", n3.Query)
	assert.Equal(t, "2026-01-01T00:00:02+00:00", n3.Header.Get("X-Base-Updated-At"), "the seed's example backend reads the header")
	assert.Empty(t, n1.Header.Get("X-Base-Updated-At"), "only deletes carry it")
	assert.Equal(t, "true", n3.Header.Get("X-Force-Delete"))
	assert.Equal(t, "op-n3:r2", n3.Header.Get("X-Idempotency-Key"))

	n4 := byPath["/note/n4"]
	assert.JSONEq(t, `{"_baseUpdatedAt":"b"}`, n4.Body)
	assert.Equal(t, "true", n4.Header.Get("X-Force-Update"))
	assert.Equal(t, "op-n4:r1", n4.Header.Get("X-Idempotency-Key"))
}

// opCase is one canned answer to a single pushed op and what the transport must make of it.
type opCase struct {
	name    string
	status  int
	body    string
	hdr     []string
	want    core.PushStatus
	rec     string // expected Record.ID, "" for none
	recUpd  string
	msg     string
	errCode core.Code // whole-call error
	after   time.Duration
}

var opCases = []opCase{
	{name: "200", status: 200, body: `{"id":"n1","updatedAt":"v2"}`, want: core.PushOK, rec: "n1", recUpd: "v2"},
	{name: "201 snake", status: 201, body: `{"id":"n1","updated_at":"v2"}`, want: core.PushOK, rec: "n1", recUpd: "v2"},
	{name: "409 current", status: 409, body: `{"error":"conflict","current":{"id":"n1","updatedAt":"v3","t":"s"}}`, want: core.PushConflict, rec: "n1", recUpd: "v3"},
	{name: "409 serverData", status: 409, body: `{"error":"conflict","serverData":{"id":"n1","updated_at":"v4"}}`, want: core.PushConflict, rec: "n1", recUpd: "v4"},
	{name: "409 whole body", status: 409, body: `{"id":"n1","updatedAt":"v5","deletedAt":"v5"}`, want: core.PushConflict, rec: "n1", recUpd: "v5"},
	{name: "409 current without id", status: 409, body: `{"current":{"updatedAt":"v6"}}`, want: core.PushConflict, rec: "n1", recUpd: "v6"},
	{name: "409 current null", status: 409, body: `{"error":"conflict","current":null}`, want: core.PushConflict},
	{name: "404", status: 404, body: `{"error":"not_found","message":"no such note"}`, want: core.PushNotFound, msg: "no such note"},
	{name: "400", status: 400, body: `{"error":"bad_request","message":"id mismatch"}`, want: core.PushRejected, msg: "id mismatch"},
	{name: "413 plain text", status: 413, body: `too big`, hdr: []string{"Content-Type", "text/plain"}, want: core.PushRejected, msg: "HTTP 413 (text/plain): too big"},
	{name: "422", status: 422, body: `{"error":"invalid","message":"mood out of range"}`, want: core.PushRejected, msg: "mood out of range"},
	{name: "503 HTML", status: 503, body: `<html><body>down</body></html>`, hdr: []string{"Content-Type", "text/html", "Retry-After", "3"}, want: core.PushRetry, after: 3 * time.Second},
	{name: "429", status: 429, body: `{"error":"rate_limited"}`, hdr: []string{"Retry-After", "1"}, want: core.PushRetry, after: time.Second},
	{name: "401", status: 401, body: `{"error":"unauthorized"}`, errCode: core.CodeAuth},
	{name: "200 HTML", status: 200, body: `<html>login</html>`, hdr: []string{"Content-Type", "text/html"}, errCode: core.CodeProtocol},
	{name: "200 HTML labelled JSON", status: 200, body: `<!doctype html><p>portal`, errCode: core.CodeProtocol},
	{name: "200 empty text/html", status: 200, body: ``, hdr: []string{"Content-Type", "text/html; charset=utf-8"}, errCode: core.CodeProtocol},
	// Acknowledged without a usable record (seed-style backends): the engine learns the version.
	{name: "204", status: 204, body: ``, want: core.PushOK},
	{name: "200 empty", status: 200, body: ``, want: core.PushOK},
	{name: "200 truncated", status: 200, body: `{"id":"n1","updatedAt":"v`, want: core.PushOK},
	{name: "200 not a record", status: 200, body: `{"ok":true}`, want: core.PushOK},
	{name: "200 array", status: 200, body: `[1,2]`, want: core.PushOK},
	{name: "200 other id", status: 200, body: `{"id":"zz","updatedAt":"v2"}`, want: core.PushOK},
	{name: "200 without version", status: 200, body: `{"id":"n1"}`, want: core.PushOK},
	{name: "200 tombstone for an upsert", status: 200, body: `{"id":"n1","updatedAt":"v2","deletedAt":"v2"}`, want: core.PushOK},
	{name: "200 echo at the sent base", status: 200, body: `{"id":"n1","updated_at":"v1"}`, want: core.PushOK},
	{name: "200 plain text", status: 200, body: `done`, hdr: []string{"Content-Type", "text/plain"}, want: core.PushOK},
}

// checkOp asserts what one op's result (or the call's error) must be.
func checkOp(t *testing.T, tc opCase, res []core.PushResult, err error) {
	t.Helper()
	if tc.errCode != "" {
		assert.Nil(t, res)
		assert.Equal(t, tc.errCode, coreErr(t, err).Code, "%v", err)
		return
	}
	require.NoError(t, err)
	require.Len(t, res, 2)
	r := res[0]
	assert.Equal(t, tc.want, r.Status, r.Message)
	assert.Equal(t, "op-n1", r.OpID)
	assert.Equal(t, tc.status, r.HTTPStatus)
	if tc.rec != "" {
		require.NotNil(t, r.Record)
		assert.Equal(t, tc.rec, r.Record.ID)
		assert.Equal(t, tc.recUpd, r.Record.UpdatedAt)
		assert.Equal(t, "note", r.Record.Kind)
	} else {
		assert.Nil(t, r.Record)
	}
	if tc.msg != "" {
		assert.Contains(t, r.Message, tc.msg)
	}
	if tc.want == core.PushRetry {
		e := coreErr(t, r.Err)
		assert.Equal(t, core.CodeServer, e.Code)
		assert.Equal(t, tc.after, e.RetryAfter)
		assert.NotContains(t, r.Message, "<html>")
	}
	assert.Equal(t, core.PushOK, res[1].Status, "one bad op does not fail the others")
}

func TestSingleOpAnswers(t *testing.T) {
	for _, tc := range opCases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/ok") {
					reply(200, `{"id":"ok","updatedAt":"v1"}`)(w, r)
					return
				}
				reply(tc.status, tc.body, tc.hdr...)(w, r)
			})
			res, err := newTransport(t, c.srv.URL, single).Push(ctx(t), []core.Op{upsert("n1", `{"id":"n1"}`, "v1"), upsert("ok", `{"id":"ok"}`, "")})
			checkOp(t, tc, res, err)
		})
	}
}

func TestBatchOpAnswers(t *testing.T) {
	for _, tc := range opCases {
		t.Run(tc.name, func(t *testing.T) {
			var data, errField string
			switch {
			case tc.name == "200 empty text/html" || tc.name == "200 HTML labelled JSON":
				t.Skip("a batch result has no content type of its own")
			case tc.status >= 200 && tc.status < 300 && tc.body == "":
				// a batch result without "data"
			case tc.status >= 200 && tc.status < 300 && !json.Valid([]byte(tc.body)):
				b, _ := json.Marshal(tc.body)
				data = `,"data":` + string(b)
			case tc.status >= 200 && tc.status < 300:
				data = `,"data":` + tc.body
			default:
				b, _ := json.Marshal(tc.body)
				errField = `,"error":` + tc.body
				if !json.Valid([]byte(tc.body)) {
					errField = `,"error":` + string(b)
				}
			}
			body := fmt.Sprintf(`{"results":[{"opId":"op-n1","statusCode":%d%s%s},{"opId":"op-ok","statusCode":201,"data":{"id":"ok","updatedAt":"v1"}}]}`, tc.status, data, errField)
			c := newCanned(t, reply(200, body, tc.hdr...))
			if tc.name == "200 HTML" {
				c = newCanned(t, reply(200, tc.body, tc.hdr...))
			}
			res, err := newTransport(t, c.srv.URL, nil).Push(ctx(t), []core.Op{upsert("n1", `{"id":"n1"}`, "v1"), upsert("ok", `{"id":"ok"}`, "")})
			if tc.status == 401 {
				assert.Equal(t, core.CodeAuth, coreErr(t, err).Code)
				return
			}
			if tc.status == 413 {
				tc.msg = "too big" // a batch result's error is the server's string itself
			}
			if tc.want == core.PushRetry {
				if tc.status == 503 {
					tc.after = 3 * time.Second // the batch response's Retry-After
				} else {
					tc.after = time.Second
				}
			}
			checkOp(t, tc, res, err)
		})
	}
}

func TestBatchRequestBody(t *testing.T) {
	c := newCanned(t, reply(200, `{"results":[{"opId":"op-a:r1","statusCode":200,"data":{"id":"a","updatedAt":"v"}},{"opId":"op-b","statusCode":200,"data":{"id":"b","updatedAt":"v","deletedAt":"v"}}]}`))
	a := upsert("a", `{"id":"a","n":1}`, "v0")
	a.Attempt, a.Force = 1, true
	b := core.Op{OpID: "op-b", Kind: "note", EntityID: "b", Type: core.OpDelete, BaseUpdatedAt: "v0"}
	res, err := newTransport(t, c.srv.URL, nil).Push(ctx(t), []core.Op{a, b})
	require.NoError(t, err)
	assert.Equal(t, "op-a", res[0].OpID, "results carry the op's id, not the attempt key")
	assert.True(t, res[1].Record.Deleted)
	r := c.requests()[0]
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/batch", r.Path)
	assert.JSONEq(t, `{"ops":[
	  {"opId":"op-a:r1","kind":"note","id":"a","type":"upsert","payload":{"id":"a","n":1},"baseUpdatedAt":"v0","force":true},
	  {"opId":"op-b","kind":"note","id":"b","type":"delete","baseUpdatedAt":"v0"}]}`, r.Body)
}

func TestBatchContractBreaks(t *testing.T) {
	tests := map[string]string{
		"too few results": `{"results":[]}`,
		"wrong opId":      `{"results":[{"opId":"other","statusCode":200,"data":{"id":"a","updatedAt":"v"}}]}`,
		"not JSON":        `Internal proxy error`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCanned(t, reply(200, body))
			_, err := newTransport(t, c.srv.URL, nil).Push(ctx(t), []core.Op{upsert("a", `{"id":"a"}`, "")})
			assert.True(t, errors.Is(err, core.ErrProtocol), "%v", err)
		})
	}
	c := newCanned(t, reply(502, `<html>bad gateway</html>`, "Content-Type", "text/html", "Retry-After", "2"))
	_, err := newTransport(t, c.srv.URL, nil).Push(ctx(t), []core.Op{upsert("a", `{"id":"a"}`, "")})
	e := coreErr(t, err)
	assert.Equal(t, core.CodeServer, e.Code)
	assert.Equal(t, 2*time.Second, e.RetryAfter)
}

func TestBatchFallbackIsRemembered(t *testing.T) {
	for _, status := range []int{404, 405} {
		c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/batch" {
				reply(status, `{"error":"not_found"}`)(w, r)
				return
			}
			id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
			reply(200, `{"id":"`+id+`","updatedAt":"v1"}`)(w, r)
		})
		tr := newTransport(t, c.srv.URL, nil)
		require.True(t, tr.BatchSupported())
		for range 2 {
			res, err := tr.Push(ctx(t), []core.Op{upsert("a", `{"id":"a"}`, ""), upsert("b", `{"id":"b"}`, "")})
			require.NoError(t, err)
			assert.Equal(t, core.PushOK, res[1].Status)
		}
		assert.False(t, tr.BatchSupported())
		batches := 0
		for _, r := range c.requests() {
			if r.Path == "/batch" {
				batches++
			}
		}
		assert.Equal(t, 1, batches, "asked once, then single ops")
		assert.Len(t, c.requests(), 5)
	}
}

func TestBatchChunksOf500(t *testing.T) {
	var c *canned
	c = newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Ops []struct{ OpID, ID string } `json:"ops"`
		}
		require.NoError(t, json.Unmarshal([]byte(c.requests()[len(c.requests())-1].Body), &in))
		var sb strings.Builder
		sb.WriteString(`{"results":[`)
		for i, o := range in.Ops {
			if i > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, `{"opId":%q,"statusCode":201,"data":{"id":%q,"updatedAt":"v"}}`, o.OpID, o.ID)
		}
		sb.WriteString("]}")
		reply(200, sb.String())(w, r)
	})
	ops := make([]core.Op, 1200)
	for i := range ops {
		id := fmt.Sprint("r", i)
		ops[i] = upsert(id, `{"id":"`+id+`"}`, "")
	}
	res, err := newTransport(t, c.srv.URL, nil).Push(ctx(t), ops)
	require.NoError(t, err)
	require.Len(t, res, 1200)
	assert.Equal(t, "op-r1199", res[1199].OpID)
	assert.Len(t, c.requests(), 3)
}

// failingDoer reports a network failure for every request and counts them.
type failingDoer struct{ n atomic.Int32 }

func (d *failingDoer) Do(context.Context, *rest.Request) (*rest.Response, error) {
	d.n.Add(1)
	return nil, errors.New("connection refused")
}

func TestSinglePushOfflineFailsFast(t *testing.T) {
	d := &failingDoer{}
	tr, err := rest.New(rest.Config{BaseURL: "http://127.0.0.1:1", Doer: d, DisableBatch: true, PushConcurrency: 1})
	require.NoError(t, err)
	ops := make([]core.Op, 50)
	for i := range ops {
		ops[i] = upsert(fmt.Sprint(i), `{}`, "")
	}
	_, err = tr.Push(ctx(t), ops)
	assert.True(t, errors.Is(err, core.ErrNetwork), "%v", err)
	assert.Equal(t, int32(1), d.n.Load(), "one failed request ends the push")
}

func TestSinglePushConcurrencyIsBounded(t *testing.T) {
	var inFlight, peak atomic.Int32
	c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		reply(200, `{"id":"`+id+`","updatedAt":"v1"}`)(w, r)
	})
	tr := newTransport(t, c.srv.URL, func(cfg *rest.Config) { cfg.DisableBatch, cfg.PushConcurrency = true, 3 })
	ops := make([]core.Op, 20)
	for i := range ops {
		ops[i] = upsert(fmt.Sprint(i), `{}`, "")
	}
	res, err := tr.Push(ctx(t), ops)
	require.NoError(t, err)
	for i, r := range res {
		assert.Equal(t, core.PushOK, r.Status)
		assert.Equal(t, ops[i].OpID, r.OpID, "results in op order")
	}
	assert.Equal(t, int32(3), peak.Load())
}

func TestMalformedPayloadIsRejectedUnsent(t *testing.T) {
	for _, mod := range []func(*rest.Config){single, nil} {
		c := newCanned(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/batch" {
				reply(200, `{"results":[{"opId":"op-a","statusCode":200,"data":{"id":"a","updatedAt":"v"}}]}`)(w, r)
				return
			}
			reply(200, `{"id":"a","updatedAt":"v"}`)(w, r)
		})
		ops := []core.Op{upsert("x", `[1]`, "v"), upsert("y", `{"id":"y",`, ""), upsert("a", `{"id":"a"}`, "")}
		res, err := newTransport(t, c.srv.URL, mod).Push(ctx(t), ops)
		require.NoError(t, err)
		assert.Equal(t, core.PushRejected, res[0].Status)
		assert.Equal(t, core.PushRejected, res[1].Status)
		assert.Equal(t, core.PushOK, res[2].Status)
		require.Len(t, c.requests(), 1, "only the good op is sent")
		assert.NotContains(t, c.requests()[0].Body, `"y"`)
	}
}
