package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
	"github.com/offsync/offsync/server/storage"
	"github.com/offsync/offsync/server/storage/sqlite"
)

// Tests of what one hostile request may cost (CONTRACT.md "Limits every server of this contract
// keeps"); each failed on the server before those limits.

// allocated runs fn and returns the bytes the whole process allocated meanwhile.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestBatchIsCountedBeforeItIsDecoded(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	// 8 MiB of {"ops":[0,0,…]}: 4 M items cost encoding/json 1.7 GB before the 400.
	body := make([]byte, 0, 8<<20)
	body = append(body, `{"ops":[0`...)
	for len(body) < 8<<20-8 {
		body = append(body, ",0"...)
	}
	body = append(body, "]}"...)
	var r response
	alloc := allocated(func() { r = call(t, http.MethodPost, base+"/batch", "tok-a", nil, body) })
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "at most 500 ops")
	assert.Less(t, alloc, uint64(64<<20), "the server read the body and counted; it decoded nothing")

	ops := make([]any, 501)
	for i := range ops {
		ops[i] = map[string]any{"opId": fmt.Sprint(i), "kind": "notes", "id": "a", "type": "delete"}
	}
	assert.Equal(t, http.StatusBadRequest, call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": ops}).status)
	for _, bad := range []string{`{"ops":[1,}`, `{"ops":{}}`, `[]`, `{"ops" 1}`, `{"other":[1]}`} {
		assert.Equal(t, http.StatusBadRequest, call(t, http.MethodPost, base+"/batch", "tok-a", nil, []byte(bad)).status, bad)
	}
}

// encoding/json decodes the last member whose name matches "ops" in any case or after
// unescaping: such a member after the counted "ops" carried 600 ops, or 500 K zeros (~600 MB
// decoded from a 512 KiB body), past the count.
func TestBatchOpsUnderAnotherSpellingAreRefused(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	ops := make([]any, 600)
	for i := range ops {
		id := fmt.Sprint("a", i)
		ops[i] = map[string]any{"opId": "o-" + id, "kind": "notes", "id": id, "type": "upsert", "payload": map[string]any{"id": id}}
	}
	many, err := json.Marshal(ops)
	require.NoError(t, err)
	for _, key := range []string{`"Ops"`, `"OPS"`, `"op\u0073"`, `"opſ"`, `"\u004fps"`, `"ops"`} {
		r := call(t, http.MethodPost, base+"/batch", "tok-a", nil, []byte(`{"ops":[],`+key+`:`+string(many)+`}`))
		assert.Equal(t, http.StatusBadRequest, r.status, "%s after \"ops\": %.200s", key, r.body)
	}
	assert.Equal(t, http.StatusNotFound, call(t, http.MethodGet, base+"/notes/a0", "tok-a", nil, nil).status, "no op was applied")

	one := `[{"opId":"o","kind":"notes","id":"b","type":"upsert","payload":{"id":"b"}}]`
	for body, status := range map[string]int{
		`{"OPS":` + one + `}`:                       http.StatusBadRequest, // only "ops" is the member
		`{"op\u0073":` + one + `}`:                  http.StatusOK,         // the same name, escaped
		`{"ops":` + one + `,"x":[1,2]}`:             http.StatusOK,         // other members are ignored
		`{"ops":` + one + `,"x":tru}`:               http.StatusBadRequest, // but must be JSON
		`{"ops":` + one + `} x`:                     http.StatusBadRequest,
		`{"opsx":[],"ops":` + one + `,"Opsy":null}`: http.StatusOK,
	} {
		r := call(t, http.MethodPost, base+"/batch", "tok-a", nil, []byte(body))
		assert.Equal(t, status, r.status, "%s: %s", body, r.body)
	}
}

func TestBatchOfZerosUnderAnotherSpellingIsRefusedCheaply(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	// The body TestBatchIsCountedBeforeItIsDecoded sends (a sixteenth of it), behind an empty "ops".
	body := make([]byte, 0, 512<<10)
	body = append(body, `{"ops":[],"OPS":[0`...)
	for len(body) < 512<<10-8 {
		body = append(body, ",0"...)
	}
	body = append(body, "]}"...)
	var r response
	alloc := allocated(func() { r = call(t, http.MethodPost, base+"/batch", "tok-a", nil, body) })
	assert.Equal(t, http.StatusBadRequest, r.status, "%.200s", r.body)
	assert.Less(t, alloc, uint64(16<<20), "256 K ops must not be decoded (answer %d bytes)", len(r.body))
}

// rawRequest sends head (request line and headers, without the final blank line) and body on a
// new connection and returns the status and whether the server then closed the connection.
func rawRequest(t *testing.T, base, head, body string) (status int, closed bool) {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	c, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, head+"Host: "+u.Host+"\r\n\r\n"+body)
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	rd := bufio.NewReader(c)
	res, err := http.ReadResponse(rd, nil)
	require.NoError(t, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	_, err = rd.ReadByte()
	return res.StatusCode, err == io.EOF
}

func TestRequestsRefusedBeforeTheirBodyCloseTheConnection(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	cases := []struct {
		name, head string
		status     int
	}{
		{"401 without a token", "PUT /notes/a HTTP/1.1\r\nContent-Length: 100\r\n", http.StatusUnauthorized},
		{"413 by Content-Length", "POST /batch HTTP/1.1\r\nAuthorization: Bearer tok-a\r\nContent-Length: 100000000\r\n", http.StatusRequestEntityTooLarge},
		{"400 malformed query", "PUT /notes/a?x=%zz HTTP/1.1\r\nAuthorization: Bearer tok-a\r\nContent-Length: 100\r\n", http.StatusBadRequest},
		{"400 reserved kind", "PUT /health/a HTTP/1.1\r\nAuthorization: Bearer tok-a\r\nContent-Length: 100\r\n", http.StatusBadRequest},
		{"404 no such endpoint", "PUT /notes/a/b HTTP/1.1\r\nAuthorization: Bearer tok-a\r\nContent-Length: 100\r\n", http.StatusNotFound},
		{"405", "POST /notes HTTP/1.1\r\nAuthorization: Bearer tok-a\r\nContent-Length: 100\r\n", http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The body never comes: the answer arrives and the connection closes at once.
			status, closed := rawRequest(t, base, c.head, "")
			assert.Equal(t, c.status, status)
			assert.True(t, closed, "the connection closes instead of waiting for the body")
		})
	}
}

func TestBatchAnswersAreCapped(t *testing.T) {
	clk := newClock()
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Now: clk.Now})
	blob := strings.Repeat("x", 900<<10)
	const n = 12 // 12 × 900 KiB: past the 8 MiB cap of an answer
	var deletes, conflicts []any
	for i := range n {
		id := fmt.Sprint("big", i)
		require.Equal(t, http.StatusCreated, call(t, http.MethodPut, base+"/notes/"+id, "tok-a", nil, map[string]any{"id": id, "blob": blob}).status)
		deletes = append(deletes, map[string]any{"opId": "del-" + id, "kind": "notes", "id": id, "type": "delete", "force": true})
		conflicts = append(conflicts, map[string]any{"opId": "c-" + id, "kind": "notes", "id": id, "type": "upsert", "payload": map[string]any{"id": id}})
	}

	r := call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": conflicts})
	require.Equal(t, http.StatusOK, r.status)
	assert.Less(t, len(r.body), 8<<20+1<<20, "answer ≤ cap + one record")
	res := results(t, r)
	assert.EqualValues(t, http.StatusConflict, res[0]["statusCode"])
	assert.Contains(t, res[0]["error"], "current")
	last := res[n-1]
	assert.EqualValues(t, http.StatusServiceUnavailable, last["statusCode"], "a conflict past the cap is deferred: retryable, nothing written")
	assert.Equal(t, "deferred", last["error"].(map[string]any)["error"])

	r = call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": deletes})
	require.Equal(t, http.StatusOK, r.status)
	assert.Less(t, len(r.body), 8<<20+1<<20, "answer ≤ cap + one record")
	res = results(t, r)
	for i, x := range res {
		assert.EqualValues(t, http.StatusOK, x["statusCode"], "op %d applied", i)
	}
	assert.Contains(t, res[0], "data")
	assert.NotContains(t, res[n-1], "data", "a success past the cap is acknowledged without its record")
	for i := range n {
		got := call(t, http.MethodGet, base+fmt.Sprint("/notes/big", i), "tok-a", nil, nil)
		assert.NotNil(t, got.obj(t)["deletedAt"], "every delete applied")
	}

	replay := results(t, call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": deletes}))
	for i, x := range replay {
		assert.EqualValues(t, http.StatusOK, x["statusCode"], "op %d replays its status", i)
		assert.NotContains(t, x, "data", "answers over 4 KiB are kept without their record")
	}
}

func results(t *testing.T, r response) []map[string]any {
	t.Helper()
	var out struct {
		Results []map[string]any `json:"results"`
	}
	require.NoError(t, json.Unmarshal(r.body, &out), "%.300s", r.body)
	return out.Results
}

func TestConflictsAreNotKeptForReplay(t *testing.T) {
	clk := newClock()
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Now: clk.Now})
	v1 := call(t, http.MethodPut, base+"/notes/a", "tok-a", nil, map[string]any{"id": "a"}).obj(t)["updatedAt"].(string)
	t1, err := time.Parse(time.RFC3339Nano, v1)
	require.NoError(t, err)
	v2 := t1.Add(time.Microsecond).Format("2006-01-02T15:04:05.000000Z") // the next version, as the clock stands still
	key := map[string]string{"X-Idempotency-Key": "op-x"}
	body := map[string]any{"id": "a", "n": 1, "_baseUpdatedAt": v2}
	require.Equal(t, http.StatusConflict, call(t, http.MethodPut, base+"/notes/a", "tok-a", key, body).status)
	up := call(t, http.MethodPut, base+"/notes/a", "tok-a", nil, map[string]any{"id": "a", "_baseUpdatedAt": v1})
	require.Equal(t, v2, up.obj(t)["updatedAt"])
	again := call(t, http.MethodPut, base+"/notes/a", "tok-a", key, body)
	assert.Equal(t, http.StatusOK, again.status, "the 409 was not kept: the same request is evaluated again: %s", again.body)
}

func TestIdempotencyKeysAreBoundedPerTenant(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), IdempotencyMaxKeys: 8, PruneEvery: 20 * time.Millisecond})
	put := func(tok, id string) response {
		return call(t, http.MethodPut, base+"/notes/"+id, tok, map[string]string{"X-Idempotency-Key": "k-" + id}, map[string]any{"id": id})
	}
	for i := range 40 {
		require.Equal(t, http.StatusCreated, put("tok-a", fmt.Sprint("a", i)).status)
	}
	for i := range 3 {
		require.Equal(t, http.StatusCreated, put("tok-b", fmt.Sprint("b", i)).status)
	}
	require.Eventually(t, func() bool {
		return put("tok-a", "a0").status == http.StatusConflict // its key was dropped: a new attempt
	}, 10*time.Second, 20*time.Millisecond, "the oldest keys of a crowded tenant are dropped")
	assert.Equal(t, http.StatusCreated, put("tok-a", "a39").status, "the newest keys are kept")
	assert.Equal(t, http.StatusCreated, put("tok-b", "b0").status, "other tenants keep theirs")
}

func TestExpiredKeysArePrunedWithoutWrites(t *testing.T) {
	clk := newClock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	require.NoError(t, err)
	_, base := newServer(t, server.Config{Storage: st, Now: clk.Now, PruneEvery: 10 * time.Millisecond})
	require.Equal(t, http.StatusCreated, call(t, http.MethodPut, base+"/notes/a", "tok-a", map[string]string{"X-Idempotency-Key": "op-1"}, map[string]any{"id": "a"}).status)
	require.Equal(t, 1, savedKeys(t, st, "op-1"))
	clk.Add(25 * time.Hour)
	require.Eventually(t, func() bool { return savedKeys(t, st, "op-1") == 0 }, 10*time.Second, 10*time.Millisecond,
		"no write comes: the timer prunes")
}

func savedKeys(t *testing.T, st *sqlite.Store, key string) int {
	var n int
	require.NoError(t, st.Write(context.Background(), func(tx storage.Tx) error {
		m, err := tx.SavedMany(context.Background(), "tenant-a", []string{key})
		n = len(m)
		return err
	}))
	return n
}

func TestPullPagesAreCappedInBytes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			_, base := newServer(t, server.Config{DB: b.db(t), MaxPageBytes: 300 << 10})
			blob := strings.Repeat("y", 100<<10)
			var ids []string
			for i := range 10 {
				id := fmt.Sprintf("r%02d", i)
				ids = append(ids, id)
				rec := map[string]any{"id": id, "blob": blob}
				if i == 4 {
					rec["blob"] = strings.Repeat("z", 400<<10) // alone past the cap: a page of its own
				}
				require.Equal(t, http.StatusCreated, call(t, http.MethodPut, base+"/notes/"+id, "tok-a", nil, rec).status)
			}
			var seen []string
			q := url.Values{"updatedSince": {"1970-01-01T00:00:00Z"}, "limit": {"1000"}}
			for pages := 0; ; pages++ {
				require.Less(t, pages, 20)
				r := call(t, http.MethodGet, base+"/notes?"+q.Encode(), "tok-a", nil, nil)
				require.Equal(t, http.StatusOK, r.status)
				assert.LessOrEqual(t, len(r.body), 400<<10+1024, "a page is at most the cap, or one record")
				var page struct {
					Items []struct {
						ID string `json:"id"`
					} `json:"items"`
					Next *string `json:"nextPageToken"`
				}
				require.NoError(t, json.Unmarshal(r.body, &page))
				require.NotEmpty(t, page.Items, "at least one item per page")
				for _, it := range page.Items {
					seen = append(seen, it.ID)
				}
				if page.Next == nil {
					break
				}
				q = url.Values{"pageToken": {*page.Next}, "limit": {"1000"}}
			}
			assert.Equal(t, ids, seen, "every record once, in order")
		})
	}
}

func TestRecordsTheClientCouldNotReadAreRefused(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	nest := func(depth int) string {
		return `{"id":"a","v":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
	}
	cases := []struct {
		name, body string
		status     int
	}{
		{"64 levels", nest(64), http.StatusCreated},
		{"65 levels", nest(65), http.StatusBadRequest},
		{"invalid UTF-8 in a string", "{\"id\":\"a\",\"s\":\"\xff\xfe\"}", http.StatusBadRequest},
		{"invalid UTF-8 in a key", "{\"id\":\"a\",\"\xc3\":1}", http.StatusBadRequest},
		{"number past float64", `{"id":"a","n":1e400}`, http.StatusBadRequest},
		{"negative number past float64", `{"id":"a","n":-2e308}`, http.StatusBadRequest},
		{"long integer within range", `{"id":"a","n":123456789012345678901234567890}`, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, http.MethodPut, base+"/notes/a", "tok-a", map[string]string{"X-Force-Update": "true"}, []byte(c.body))
			assert.Equal(t, c.status, r.status, "%s", r.body)
			batch := `{"ops":[{"opId":"o","kind":"notes","id":"a","type":"upsert","force":true,"payload":` + c.body + `}]}`
			br := call(t, http.MethodPost, base+"/batch", "tok-a", nil, []byte(batch))
			if c.status == http.StatusBadRequest {
				if br.status == http.StatusOK {
					assert.EqualValues(t, http.StatusBadRequest, results(t, br)[0]["statusCode"], "the batch op alone is refused")
				} else {
					assert.Equal(t, http.StatusBadRequest, br.status, "invalid UTF-8 makes the whole body malformed")
				}
			} else {
				require.Equal(t, http.StatusOK, br.status, "%s", br.body)
				assert.EqualValues(t, http.StatusOK, results(t, br)[0]["statusCode"])
			}
		})
	}
}

// A batch op's kind, id and opId are decoded by encoding/json, which reads invalid UTF-8 as
// U+FFFD: the op acted on another record, or replayed another op's answer, where the single-op
// form answers 400. A body that is not UTF-8 is not JSON: the whole batch is refused.
func TestBatchOfInvalidUTF8IsRefused(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	require.Equal(t, http.StatusCreated, call(t, http.MethodPut, base+"/notes/%EF%BF%BD", "tok-a", nil, map[string]any{"id": "\uFFFD"}).status)
	require.Equal(t, http.StatusBadRequest, call(t, http.MethodDelete, base+"/notes/%FF", "tok-a", map[string]string{"X-Force-Delete": "true"}, nil).status,
		"the single-op form refuses the id")
	for name, body := range map[string]string{
		"id":   "{\"ops\":[{\"opId\":\"d1\",\"kind\":\"notes\",\"id\":\"\xff\",\"type\":\"delete\",\"force\":true}]}",
		"kind": "{\"ops\":[{\"opId\":\"d2\",\"kind\":\"notes\xff\",\"id\":\"\uFFFD\",\"type\":\"delete\",\"force\":true}]}",
		"opId": "{\"ops\":[" +
			"{\"opId\":\"\xff\",\"kind\":\"notes\",\"id\":\"x1\",\"type\":\"upsert\",\"payload\":{\"id\":\"x1\"}}," +
			"{\"opId\":\"\xfe\",\"kind\":\"notes\",\"id\":\"x2\",\"type\":\"upsert\",\"payload\":{\"id\":\"x2\"}}]}",
		"another member": "{\"ops\":[],\"x\":\"\xff\"}",
	} {
		r := call(t, http.MethodPost, base+"/batch", "tok-a", nil, []byte(body))
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", name, r.body)
		assert.Contains(t, string(r.body), "UTF-8", name)
	}
	got := call(t, http.MethodGet, base+"/notes/%EF%BF%BD", "tok-a", nil, nil).obj(t)
	assert.Nil(t, got["deletedAt"], "the record with id U+FFFD was never named")
	assert.Equal(t, http.StatusNotFound, call(t, http.MethodGet, base+"/notes/x1", "tok-a", nil, nil).status)

	r := call(t, http.MethodPut, base+"/notes/%EF%BF%BD", "tok-a", map[string]string{"X-Force-Update": "true"}, []byte("{\"id\":\"\xff\"}"))
	assert.Equal(t, http.StatusBadRequest, r.status, "a PUT body too: %s", r.body)
}

func TestKindsThatCollideWithRoutesAreRefused(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	for _, kind := range []string{"health", "batch"} {
		r := call(t, http.MethodPut, base+"/"+kind+"/a", "tok-a", nil, map[string]any{"id": "a"})
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", kind, r.body)
		assert.Contains(t, string(r.body), "reserved")
		assert.Equal(t, http.StatusBadRequest, call(t, http.MethodDelete, base+"/"+kind+"/a", "tok-a", nil, nil).status)
		br := call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": []any{
			map[string]any{"opId": "o-" + kind, "kind": kind, "id": "a", "type": "upsert", "payload": map[string]any{"id": "a"}},
		}})
		require.Equal(t, http.StatusOK, br.status)
		assert.EqualValues(t, http.StatusBadRequest, results(t, br)[0]["statusCode"])
	}
}

func TestMalformedQueryStringsAre400(t *testing.T) {
	_, base := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db")})
	for _, p := range []string{
		"/notes?updatedSince=1970-01-01T00:00:00Z&pageToken=%%%garbage",
		"/notes?updatedSince=1970-01-01T00:00:00Z&limit=5;x=1",
		"/notes/a?_baseUpdatedAt=%zz",
	} {
		method := http.MethodGet
		if strings.HasPrefix(p, "/notes/a") {
			method = http.MethodDelete
		}
		r := call(t, method, base+p, "tok-a", nil, nil)
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", p, r.body)
	}
}

func TestStaticServesOnlyRegularFilesInsideItsFolder(t *testing.T) {
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644))
	web := t.TempDir()
	for name, body := range map[string]string{
		"index.html": "<!doctype html>", "app.wasm": "\x00asm", ".env": "KEY=1", "sub/page.txt": "hello",
		"app/index.html": "<!doctype html><title>app</title>",
		".git/config":    "[core]", "data.bin": "\x01\x02", "img.png": "\x89PNG",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(web, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(web, name), []byte(body), 0o644))
	}
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(web, "escape.txt")))
	require.NoError(t, os.Symlink(outside, filepath.Join(web, "outdir")))
	require.NoError(t, os.Symlink("sub/page.txt", filepath.Join(web, "inside.txt")))
	_, api := newServer(t, server.Config{DB: filepath.Join(t.TempDir(), "x.db"), Prefix: "/api", StaticDir: web})
	root := strings.TrimSuffix(api, "/api")
	cases := []struct {
		path   string
		status int
		ctype  string
	}{
		{"/", http.StatusOK, "text/html; charset=utf-8"},
		{"/app.wasm", http.StatusOK, "application/wasm"},
		{"/sub/page.txt", http.StatusOK, "text/plain; charset=utf-8"},
		{"/inside.txt", http.StatusOK, "text/plain; charset=utf-8"},
		{"/img.png", http.StatusOK, "image/png"},
		{"/data.bin", http.StatusOK, "application/octet-stream"},
		{"/escape.txt", http.StatusNotFound, ""},
		{"/outdir/secret.txt", http.StatusNotFound, ""},
		{"/sub/", http.StatusNotFound, ""},
		{"/sub", http.StatusNotFound, ""},
		{"/app/", http.StatusOK, "text/html; charset=utf-8"},
		{"/app", http.StatusOK, "text/html; charset=utf-8"}, // redirected to /app/
		{"/.env", http.StatusNotFound, ""},
		{"/.git/config", http.StatusNotFound, ""},
		{"/sub/../.env", http.StatusNotFound, ""},
		{"/%2e%2e/secret.txt", http.StatusNotFound, ""},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := call(t, http.MethodGet, root+c.path, "", nil, nil)
			assert.Equal(t, c.status, r.status, "%s", r.body)
			assert.NotContains(t, string(r.body), "secret")
			assert.NotContains(t, string(r.body), "page.txt", "no directory listing")
			assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
			if c.ctype != "" {
				assert.Equal(t, c.ctype, r.header.Get("Content-Type"))
			}
		})
	}
	assert.Equal(t, http.StatusMethodNotAllowed, call(t, http.MethodPost, root+"/index.html", "", nil, []byte("x")).status)
}

func TestTokensFileErrorsNameTheLine(t *testing.T) {
	_, err := server.ParseTokens(bytes.NewReader([]byte("# c\ntokA t1\ntok\x07B t2\n")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 3")
}

func TestBatchReadsAreBounded(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			_, base := newServer(t, server.Config{DB: b.db(t)})
			blob := strings.Repeat("x", 900<<10)
			const n = 40 // 40 × 900 KiB: past the 32 MiB a batch may read
			ops := map[string]any{}
			var creates []any
			for i := range n {
				id := fmt.Sprint("big", i)
				creates = append(creates, map[string]any{"opId": "c-" + id, "kind": "notes", "id": id, "type": "upsert",
					"payload": map[string]any{"id": id, "blob": blob}})
				if len(creates) == 8 || i == n-1 { // 8 per batch: under the 8 MiB body limit
					for _, r := range results(t, call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": creates})) {
						require.EqualValues(t, http.StatusCreated, r["statusCode"])
					}
					creates = nil
				}
				ops["d-"+id] = map[string]any{"opId": "d-" + id, "kind": "notes", "id": id, "type": "delete", "force": true}
			}
			for round := 0; len(ops) > 0; round++ {
				require.Less(t, round, 5, "every op is applied within a few batches")
				var batch []any
				for _, op := range ops {
					batch = append(batch, op)
				}
				res := results(t, call(t, http.MethodPost, base+"/batch", "tok-a", nil, map[string]any{"ops": batch}))
				deferred := 0
				for _, r := range res {
					switch r["statusCode"] {
					case float64(http.StatusOK):
						delete(ops, r["opId"].(string))
					case float64(http.StatusServiceUnavailable):
						deferred++
					default:
						t.Fatalf("unexpected result %v", r)
					}
				}
				if round == 0 {
					assert.Positive(t, deferred, "ops past the read budget are deferred")
				}
			}
			for i := range n {
				assert.NotNil(t, call(t, http.MethodGet, base+fmt.Sprint("/notes/big", i), "tok-a", nil, nil).obj(t)["deletedAt"])
			}
		})
	}
}
