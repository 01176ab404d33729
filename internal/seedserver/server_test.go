package seedserver_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/internal/seedserver"
)

type answer struct {
	status int
	body   []byte
}

func call(t *testing.T, url, method, path string, hdr map[string]string, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, url+path, rd)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return answer{res.StatusCode, b}
}

func obj(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

var dartTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(\d{3})?Z$`)

// TestAnswersAsTheSeedsBackend pins the wire facts the package documents.
func TestAnswersAsTheSeedsBackend(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	hs := httptest.NewServer(seedserver.New(seedserver.Options{Now: func() time.Time { return clock }}))
	t.Cleanup(hs.Close)
	u := hs.URL

	r := call(t, u, "PUT", "/todo/a", nil, `{"id":"a","title":"x","updatedAt":"1999-01-01T00:00:00Z"}`)
	require.Equal(t, 201, r.status, "%s", r.body)
	rec := obj(t, r.body)
	assert.Equal(t, "2026-01-02T03:04:05.000Z", rec["updated_at"], "Dart's toIso8601String")
	assert.Nil(t, rec["deleted_at"])
	assert.Contains(t, rec, "deleted_at", "null while live")
	assert.NotContains(t, rec, "updatedAt")
	v1 := rec["updated_at"].(string)

	r = call(t, u, "PUT", "/todo/a", nil, `{"id":"a","done":true,"_baseUpdatedAt":"2026-01-02T03:04:05Z"}`)
	require.Equal(t, 200, r.status, "the base is compared as an instant: %s", r.body)
	rec = obj(t, r.body)
	assert.Equal(t, "x", rec["title"], "fields left out are kept")
	assert.Regexp(t, dartTime, rec["updated_at"])
	assert.NotEqual(t, v1, rec["updated_at"], "versions strictly increase")
	v2 := rec["updated_at"].(string)

	r = call(t, u, "PUT", "/todo/a", nil, `{"id":"a","_baseUpdatedAt":"`+v1+`"}`)
	require.Equal(t, 409, r.status)
	c := obj(t, r.body)
	assert.Equal(t, "conflict", c["error"])
	assert.Equal(t, v2, c["serverData"].(map[string]any)["updated_at"])
	assert.Equal(t, 200, call(t, u, "PUT", "/todo/a", nil, `{"id":"a","n":1}`).status, "no base: no check")

	assert.Equal(t, 404, call(t, u, "POST", "/batch", nil, `{"ops":[]}`).status)
	assert.Equal(t, "ok", obj(t, call(t, u, "GET", "/health", nil, "").body)["status"])

	cur := obj(t, call(t, u, "GET", "/todo/a", nil, "").body)["updated_at"].(string)
	r = call(t, u, "DELETE", "/todo/a?_baseUpdatedAt="+v1, nil, "")
	assert.Equal(t, 204, r.status, "the query parameter is not read: no check")
	assert.Empty(t, r.body)
	assert.Equal(t, 404, call(t, u, "GET", "/todo/a", nil, "").status, "soft-deleted is 404")
	assert.Equal(t, 404, call(t, u, "DELETE", "/todo/a", nil, "").status)

	call(t, u, "PUT", "/todo/b", nil, `{"id":"b"}`)
	b := obj(t, call(t, u, "GET", "/todo/b", nil, "").body)["updated_at"].(string)
	assert.Equal(t, 409, call(t, u, "DELETE", "/todo/b", map[string]string{"X-Base-Updated-At": cur}, "").status, "the header is")
	assert.Equal(t, 204, call(t, u, "DELETE", "/todo/b", map[string]string{"X-Base-Updated-At": b}, "").status)

	var page struct {
		Items []map[string]any `json:"items"`
		Next  *string          `json:"nextPageToken"`
	}
	require.NoError(t, json.Unmarshal(call(t, u, "GET", "/todo?updatedSince=1970-01-01T00:00:00Z&limit=1", nil, "").body, &page))
	require.Len(t, page.Items, 1)
	require.NotNil(t, page.Next)
	require.NoError(t, json.Unmarshal(call(t, u, "GET", "/todo?limit=1&pageToken="+*page.Next, nil, "").body, &page))
	require.Len(t, page.Items, 1)
	assert.Nil(t, page.Next, "null on the last page")
	assert.NotNil(t, page.Items[0]["deleted_at"], "tombstones are pulled")
}

func TestPutAnswers(t *testing.T) {
	for _, tc := range []struct {
		answer seedserver.PutAnswer
		status int
		body   string
	}{{seedserver.PutEmpty, 204, ""}, {seedserver.PutOther, 200, `{"ok":true}`}, {seedserver.PutEcho, 200, `{"id":"a"}`}} {
		hs := httptest.NewServer(seedserver.New(seedserver.Options{PutAnswer: tc.answer}))
		r := call(t, hs.URL, "PUT", "/todo/a", nil, `{"id":"a"}`)
		hs.Close()
		assert.Equal(t, tc.status, r.status)
		assert.Equal(t, tc.body, string(r.body))
	}
}
