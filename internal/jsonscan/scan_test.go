package jsonscan

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScanMeta(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		in   string
		want Meta
		ok   bool
	}{
		{`{"id":"a","updatedAt":"v1","deletedAt":null}`, Meta{ID: s("a"), UpdatedAt: "v1"}, true},
		{` { "x" : [1,{"id":"no"},"]}"] , "id" : "b" , "updated_at":"v2","deleted_at":"d"} `,
			Meta{ID: s("b"), UpdatedAtSnake: "v2", DeletedAtSnake: s("d")}, true},
		{`{"n":-1.5e3,"t":true,"f":false,"z":null,"s":"q\"}","id":"c","updatedAt":"v"}`, Meta{ID: s("c"), UpdatedAt: "v"}, true},
		{`{"id":"a","id":"b"}`, Meta{ID: s("b")}, true},
		{`{"id":null}`, Meta{}, true},
		{`{}`, Meta{}, true},
		{`{"ID":"a"}`, Meta{}, false},
		{`{"id":"a\u0062"}`, Meta{}, false},
		{`{"id":7}`, Meta{}, false},
		{`["id"]`, Meta{}, false},
	}
	for _, tc := range tests {
		got, ok := ScanMeta([]byte(tc.in))
		assert.Equal(t, tc.ok, ok, tc.in)
		if ok {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
}

// FuzzScanMeta: wherever ScanMeta answers, encoding/json (the fallback) gives the same.
func FuzzScanMeta(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","updatedAt":"v1","deletedAt":null}`,
		`{"id":"b","updated_at":"v2","deleted_at":"d","nested":{"id":"x","a":[1,"]",{}]}}`,
		`{"Id":"a","updatedat":"v"}`, `{"id":"a","id":null,"updatedAt":null}`, `{"s":"\\\"","id":"e\u00e9"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		got, ok := ScanMeta(b)
		if !ok {
			return
		}
		var want Meta
		require.NoError(t, json.Unmarshal(b, &want), "%s", b)
		assert.Equal(t, want, got, "%s", b)
	})
}

// BenchmarkItemMeta compares the scan with the encoding/json decode it replaces, per item.
func BenchmarkItemMeta(b *testing.B) {
	item := []byte(`{"id":"00000042-0000-4000-8000-000000000000","date":"2026-11-05","mood":3,"energy":7,` +
		`"notes":"a journal entry of ordinary length, with a few words in it","tags":["work","sleep"],` +
		`"nested":{"a":1,"b":[1,2,3]},"updatedAt":"2026-11-26T01:02:03.000042Z","deletedAt":null}`)
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(item)))
		for b.Loop() {
			if _, ok := ScanMeta(item); !ok {
				b.Fatal("not scanned")
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(item)))
		for b.Loop() {
			var m Meta
			if err := json.Unmarshal(item, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
