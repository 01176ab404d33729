package rest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/rest"
)

// fixedDoer answers every request with the same body, to time the protocol layer alone.
type fixedDoer struct{ body []byte }

func (d fixedDoer) Do(context.Context, *rest.Request) (*rest.Response, error) {
	return &rest.Response{Status: 200, Header: map[string]string{}, Body: d.body}, nil
}

// BenchmarkPullParse decodes a page of 1,000 typical records (go test ./core/rest -bench PullParse).
func BenchmarkPullParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"id":"%08d-0000-4000-8000-000000000000","date":"2026-11-%02d","mood":%d,"energy":7,`+
			`"notes":"a journal entry of ordinary length, with a few words in it","tags":["work","sleep"],`+
			`"nested":{"a":1,"b":[1,2,3]},"updatedAt":"2026-11-26T01:02:03.%06dZ","deletedAt":null}`, i, i%28+1, i%10, i)
	}
	sb.WriteString(`],"nextPageToken":"abc"}`)
	body := []byte(sb.String())
	tr, err := rest.New(rest.Config{BaseURL: "http://127.0.0.1:1", Doer: fixedDoer{body}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		page, err := tr.Pull(context.Background(), "note", core.PullRequest{Limit: 1000})
		if err != nil || len(page.Items) != 1000 {
			b.Fatal(err, len(page.Items))
		}
	}
}
