package core

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCheckPage is the cost checkPage adds to each pulled page of 500 items.
func BenchmarkCheckPage(b *testing.B) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := make([]Record, 500)
	for i := range items {
		id := fmt.Sprintf("id-%04d", i)
		items[i] = Record{ID: id, UpdatedAt: t0.Add(time.Duration(i+1) * time.Microsecond).Format("2006-01-02T15:04:05.000000Z"),
			Data: RawJSON(`{"id":"` + id + `"}`)}
	}
	req := PullRequest{After: Cursor{UpdatedAt: t0.Format("2006-01-02T15:04:05.000000Z"), ID: "x"}, Limit: 500}
	b.ReportAllocs()
	for range b.N {
		if _, err := checkPage("note", req, PullPage{Items: items}, 0); err != nil {
			b.Fatal(err)
		}
	}
}
